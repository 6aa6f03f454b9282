/**
 * Offline migration applier that behaves like `prisma migrate deploy` for PostgreSQL and keeps the
 * same bookkeeping, so this tool and the real Prisma CLI can take turns on one database.
 *
 * Why: the Prisma CLI needs its native schema engine for `migrate deploy`, and that binary cannot
 * be downloaded on every machine. The migrations themselves are plain SQL in Prisma's format
 * (`prisma/migrations/<timestamp>_<name>/migration.sql` plus `migration_lock.toml`).
 *
 * What it mirrors from prisma-engines (schema-engine/core/src/commands/apply_migrations.rs,
 * sql-schema-connector's postgres flavour and sql_migration_persistence.rs):
 * - migrations are the sub-folders of the migrations directory, sorted as the Prisma CLI sorts
 *   them (`a.localeCompare(b)`, which is the lexical order for `<timestamp>_<name>` folders);
 *   `migration.sql` is read as UTF-8 text;
 * - the provider in `migration_lock.toml`, when present, must be `postgresql` (P3019);
 * - everything runs under the session advisory lock `pg_advisory_lock(72707369)`, given up
 *   after 10 s by default (P1002);
 * - `_prisma_migrations` is created with the schema engine's exact DDL when missing, but only
 *   in an empty schema (P3005, "baseline" the database otherwise);
 * - a row with `finished_at` and `rolled_back_at` both NULL is a failed migration and blocks
 *   everything (P3009) until it is resolved (`prisma migrate resolve`, or by setting
 *   `rolled_back_at`);
 * - a migration is pending when no row with its name and `rolled_back_at IS NULL` exists;
 * - each pending migration gets a row (id = random UUID v4, checksum = lowercase hex SHA-256 of
 *   the script's UTF-8 bytes, started_at), then its whole script is sent as ONE simple-protocol
 *   query, which PostgreSQL runs as one implicit transaction; on success applied_steps_count
 *   becomes 1 and finished_at is set; on failure the row keeps finished_at NULL and gets the
 *   error in `logs` (P3018);
 * - an applied migration whose file changed is not re-applied. `migrate deploy` itself says
 *   nothing about it; we log a warning (line-ending-only changes are not reported, matching
 *   the engine's CRLF/LF-tolerant checksum comparison).
 *
 * `deployMigrations()` first uses the real CLI when a schema engine is available, else this
 * offline path; see its comment. CLI: `tsx prisma/migrate.ts` applies to $DATABASE_URL.
 */
import { spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { accessSync, constants as fsConstants, realpathSync, statSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { Client, type ClientConfig, type DatabaseError } from 'pg';

/** Prisma Migrate's advisory lock key ("72707369 is a unique number we chose to identify Migrate"). */
export const PRISMA_MIGRATE_ADVISORY_LOCK_KEY = 72707369;

/** The schema engine's default wait for the advisory lock. */
const DEFAULT_LOCK_TIMEOUT_MS = 10_000;

export const DEFAULT_MIGRATIONS_DIR = path.join(__dirname, 'migrations');

const MIGRATIONS_TABLE = '_prisma_migrations';

/** Byte-for-byte the DDL of prisma-engines' postgres flavour `create_migrations_table`. */
export const CREATE_MIGRATIONS_TABLE_SQL = `CREATE TABLE _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
);
`;

/** PostGIS tables that do not make a schema "non-empty" for Prisma. */
const IGNORED_TABLES = /^(spatial_ref_sys|geometry_columns|geography_columns|raster_columns|raster_overviews)$/i;

export type LogLevel = 'info' | 'warn';
export type MigrateLog = (line: string, level: LogLevel) => void;

export interface ApplyMigrationsOptions {
  /** postgresql://... ; a Prisma-style `?schema=name` selects the schema (default: public). */
  databaseUrl: string;
  /** Folder holding migration_lock.toml and the migration folders. Default: prisma/migrations. */
  migrationsDir?: string;
  /** Progress and warnings. Default: written to stderr. */
  log?: MigrateLog;
  /** How long to wait for another migrator's advisory lock. Default: 10 s, as Prisma. */
  lockTimeoutMs?: number;
}

export interface ApplyMigrationsResult {
  /** Names of the migrations applied by this run, in order. */
  applied: string[];
}

/** A failure with the Prisma error code it corresponds to (P1002, P3005, P3009, P3018, P3019...). */
export class MigrationError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(`${code}: ${message}`);
    this.name = 'MigrationError';
  }
}

// ---------------------------------------------------------------------------------------------
// Checksums

/** Prisma's checksum of a migration script: SHA-256 of its UTF-8 bytes, lowercase hex. */
export function migrationChecksum(script: string): string {
  return createHash('sha256').update(script, 'utf8').digest('hex');
}

/** The engine's pre-fix rendering: hex bytes without zero padding (prisma-engines#1887). */
function legacyChecksum(script: string): string {
  return [...createHash('sha256').update(script, 'utf8').digest()].map((byte) => byte.toString(16)).join('');
}

/**
 * Whether a script matches a recorded checksum, as the engine decides it: the script as is,
 * with CRLF turned into LF, or with LF turned into CRLF; old unpadded checksums are recognised.
 */
export function scriptMatchesChecksum(script: string, checksum: string): boolean {
  const variants = [script, script.replace(/\r\n/g, '\n'), script.replace(/\n/g, '\r\n')];
  const legacy = checksum.length > 0 && checksum.length !== 64;
  return variants.some((variant) => (legacy ? legacyChecksum(variant) : migrationChecksum(variant)) === checksum);
}

// ---------------------------------------------------------------------------------------------
// The migrations directory

export interface MigrationDirectory {
  /** Folder name, e.g. `20261124120000_init`; it is the `migration_name`. */
  name: string;
  /** The script, or why it could not be read. */
  script: { ok: true; text: string } | { ok: false; error: string };
}

export interface MigrationsFolder {
  /** Provider from migration_lock.toml; null without a lock file. */
  lockedProvider: string | null;
  migrations: MigrationDirectory[];
}

/** Lists migration folders as the Prisma CLI does (every sub-folder, sorted with localeCompare). */
export async function readMigrationsFolder(migrationsDir: string): Promise<MigrationsFolder> {
  const lockText = await readFile(path.join(migrationsDir, 'migration_lock.toml'), 'utf8').catch(() => null);

  let entries: { name: string; isDirectory(): boolean }[];
  try {
    entries = await readdir(migrationsDir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { lockedProvider: providerOf(lockText), migrations: [] };
    throw error;
  }

  const migrations: MigrationDirectory[] = [];
  for (const entry of entries.filter((e) => e.isDirectory())) {
    const file = path.join(migrationsDir, entry.name, 'migration.sql');
    const script = await readFile(file, 'utf8').then(
      (text) => ({ ok: true as const, text }),
      (error: Error) => ({ ok: false as const, error: error.message }),
    );
    migrations.push({ name: entry.name, script });
  }
  migrations.sort((a, b) => a.name.localeCompare(b.name));
  return { lockedProvider: providerOf(lockText), migrations };
}

/** The engine's reading of migration_lock.toml: the first line starting with `provider`. */
function providerOf(lockText: string | null): string | null {
  if (lockText === null) return null;
  const line = lockText.split(/\r?\n/).find((l) => l.startsWith('provider'));
  if (!line) return '<PROVIDER NOT FOUND>';
  return line.replace(/^(provider = )+/, '').replace(/^"+|"+$/g, '');
}

// ---------------------------------------------------------------------------------------------
// Connection

interface ConnectionTarget {
  config: ClientConfig;
  /** The same server's `postgres` database, for CREATE DATABASE. */
  maintenanceConfig: ClientConfig;
  /** Schema from `?schema=`, `public` by default (as Prisma). */
  schema: string;
  databaseName: string;
}

/** Query parameters that only Prisma understands; node-postgres must not see them. */
const PRISMA_ONLY_PARAMS = [
  'schema',
  'connection_limit',
  'pool_timeout',
  'pgbouncer',
  'statement_cache_size',
  'socket_timeout',
  'sslaccept',
];

function connectionTarget(databaseUrl: string): ConnectionTarget {
  const url = new URL(databaseUrl);
  const schema = url.searchParams.get('schema');
  for (const param of PRISMA_ONLY_PARAMS) url.searchParams.delete(param);
  const databaseName = decodeURIComponent(url.pathname.replace(/^\//, '')) || 'postgres';
  const maintenanceUrl = new URL(url.toString());
  maintenanceUrl.pathname = '/postgres';
  return {
    config: { connectionString: url.toString() },
    maintenanceConfig: { connectionString: maintenanceUrl.toString() },
    schema: schema && schema.length > 0 ? schema : 'public',
    databaseName,
  };
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function isDatabaseError(error: unknown): error is DatabaseError {
  return error instanceof Error && typeof (error as Partial<DatabaseError>).code === 'string' && 'severity' in error;
}

/** Connects; creates the database first when it does not exist, as `migrate deploy` does. */
async function connect(target: ConnectionTarget, log: MigrateLog): Promise<Client> {
  const client = new Client(target.config);
  try {
    await client.connect();
    return client;
  } catch (error) {
    await client.end().catch(() => undefined);
    if (!isDatabaseError(error) || error.code !== '3D000') throw error;
  }

  const admin = new Client(target.maintenanceConfig);
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${quoteIdentifier(target.databaseName)}`);
    log(`PostgreSQL database ${target.databaseName} created`, 'info');
  } catch (error) {
    if (!isDatabaseError(error) || error.code !== '42P04') throw error; // created meanwhile
  } finally {
    await admin.end();
  }
  const client2 = new Client(target.config);
  await client2.connect();
  return client2;
}

/**
 * Points search_path at the target schema as the engine does (`?schema=`, default `public`),
 * creating a missing non-default schema first.
 */
async function useSchema(client: Client, schema: string): Promise<void> {
  const { rows } = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
  if (rows.length === 0) await client.query(`CREATE SCHEMA ${quoteIdentifier(schema)}`);
  await client.query(`SET search_path TO ${quoteIdentifier(schema)}`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Takes Migrate's session advisory lock, waiting up to `timeoutMs` for another holder. */
async function acquireLock(client: Client, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [
      PRISMA_MIGRATE_ADVISORY_LOCK_KEY,
    ]);
    if (rows[0]?.locked) return;
    if (Date.now() >= deadline) {
      throw new MigrationError(
        'P1002',
        `Timed out trying to acquire a postgres advisory lock (SELECT pg_advisory_lock(${PRISMA_MIGRATE_ADVISORY_LOCK_KEY})). ` +
          `Timeout: ${timeoutMs}ms. Another migration (prisma migrate deploy or this tool) may be running. ` +
          'See https://pris.ly/d/migrate-advisory-locking for details.',
      );
    }
    await sleep(Math.min(100, Math.max(1, deadline - Date.now())));
  }
}

// ---------------------------------------------------------------------------------------------
// The _prisma_migrations table

interface MigrationRow {
  id: string;
  checksum: string;
  finished_at: Date | null;
  migration_name: string;
  logs: string | null;
  rolled_back_at: Date | null;
  started_at: Date;
  applied_steps_count: number;
}

/** Creates `_prisma_migrations` in an empty schema; refuses a non-empty schema without it (P3005). */
async function initializeMigrationsTable(client: Client): Promise<void> {
  const { rows } = await client.query<{ table_name: string }>(
    `SELECT c.relname AS table_name
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind = 'r' AND n.nspname = current_schema()`,
  );
  const tables = rows.map((r) => r.table_name);
  if (tables.includes(MIGRATIONS_TABLE)) return;
  if (tables.some((t) => !IGNORED_TABLES.test(t))) {
    throw new MigrationError(
      'P3005',
      'The database schema is not empty. Read more about how to baseline an existing production database: https://pris.ly/d/migrate-baseline',
    );
  }
  await client.query(CREATE_MIGRATIONS_TABLE_SQL);
}

async function listMigrationRows(client: Client): Promise<MigrationRow[]> {
  const { rows } = await client.query<MigrationRow>(
    `SELECT id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count
     FROM ${MIGRATIONS_TABLE} ORDER BY started_at ASC`,
  );
  return rows;
}

/** chrono's `DateTime<Utc>` display, as in the engine's messages: `2026-11-24 12:00:00.123 UTC`. */
function engineTimestamp(date: Date): string {
  return `${date.toISOString().replace('T', ' ').replace('Z', '')} UTC`;
}

/** P3009, worded like the engine's `FoundFailedMigrations`. */
function detectFailedMigrations(rows: MigrationRow[]): void {
  const failed = rows.filter((r) => r.finished_at === null && r.rolled_back_at === null);
  if (failed.length === 0) return;
  const details = failed
    .map((r) => {
      const logs = r.logs?.trim() ? ` with the following logs:\n${r.logs.trim()}` : '';
      return `The \`${r.migration_name}\` migration started at ${engineTimestamp(r.started_at)} failed${logs}\n`;
    })
    .join('');
  throw new MigrationError(
    'P3009',
    'migrate found failed migrations in the target database, new migrations will not be applied. ' +
      'Read more about how to resolve migration issues in a production database: https://pris.ly/d/migrate-resolve\n' +
      details,
  );
}

/** The error text the engine stores in `logs` (ApplyMigrationError) and reports as P3018. */
function describeScriptFailure(migrationName: string, script: string, error: unknown): { code: string; text: string } {
  if (!isDatabaseError(error)) {
    const message = error instanceof Error ? error.message : String(error);
    return { code: 'none', text: message };
  }
  let databaseError = `${error.severity ?? 'ERROR'}: ${error.message}`;
  if (error.detail) databaseError += `\nDETAIL: ${error.detail}`;
  if (error.hint) databaseError += `\nHINT: ${error.hint}`;
  const position = error.position ? Number(error.position) : NaN;
  if (Number.isFinite(position)) databaseError += errorPosition(script, position);
  return {
    code: error.code ?? 'none',
    text:
      'A migration failed to apply. New migrations cannot be applied before the error is recovered from. ' +
      'Read more about how to resolve migration issues in a production database: https://pris.ly/d/migrate-resolve\n\n' +
      `Migration name: ${migrationName}\n\n` +
      `Database error code: ${error.code ?? 'none'}\n\n` +
      `Database error:\n${databaseError}\n`,
  };
}

/** The failing line and up to five lines before it; PostgreSQL positions count characters from 1. */
function errorPosition(script: string, position: number): string {
  const lines = script.split('\n');
  let consumed = 0;
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? '';
    consumed += [...line].length + 1;
    if (position <= consumed) {
      const first = Math.max(0, index - 5);
      const numbered = lines
        .slice(first, index + 1)
        .map((text, offset) => `${String(first + offset + 1).padStart(3)}${text ? ' ' : ''}${text}`);
      return `\n\nPosition:\n${numbered.join('\n')}`;
    }
  }
  return '';
}

// ---------------------------------------------------------------------------------------------
// Apply

const writeToStderr: MigrateLog = (line) => {
  process.stderr.write(`${line}\n`);
};

/** Applies pending migrations like `prisma migrate deploy`, without the schema engine. */
export async function applyMigrations(options: ApplyMigrationsOptions): Promise<ApplyMigrationsResult> {
  const log = options.log ?? writeToStderr;
  const migrationsDir = options.migrationsDir ?? DEFAULT_MIGRATIONS_DIR;
  const folder = await readMigrationsFolder(migrationsDir);

  if (folder.lockedProvider !== null && folder.lockedProvider !== 'postgresql') {
    throw new MigrationError(
      'P3019',
      `The datasource provider \`postgresql\` specified in your schema does not match the one specified in the migration_lock.toml, \`${folder.lockedProvider}\`. ` +
        'Please remove your current migration directory and start a new migration history with prisma migrate dev. Read more: https://pris.ly/d/migrate-provider-switch',
    );
  }

  const target = connectionTarget(options.databaseUrl);
  const client = await connect(target, log);
  try {
    await useSchema(client, target.schema);
    await acquireLock(client, options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS);
    await initializeMigrationsTable(client);

    const rows = await listMigrationRows(client);
    detectFailedMigrations(rows);

    const current = rows.filter((r) => r.rolled_back_at === null);
    const currentNames = new Set(current.map((r) => r.migration_name));
    warnAboutEditedMigrations(folder.migrations, current, log);

    const pending = folder.migrations.filter((m) => !currentNames.has(m.name));
    log(`${folder.migrations.length} migration${folder.migrations.length === 1 ? '' : 's'} found in ${migrationsDir}`, 'info');

    const applied: string[] = [];
    for (const migration of pending) {
      await applyOne(client, migration, log);
      applied.push(migration.name);
    }
    log(applied.length === 0 ? 'No pending migrations to apply.' : `Applied: ${applied.join(', ')}`, 'info');
    return { applied };
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [PRISMA_MIGRATE_ADVISORY_LOCK_KEY]).catch(() => undefined);
    await client.end().catch(() => undefined);
  }
}

function warnAboutEditedMigrations(migrations: MigrationDirectory[], rows: MigrationRow[], log: MigrateLog): void {
  const scripts = new Map(migrations.map((m) => [m.name, m.script]));
  for (const row of rows) {
    const script = scripts.get(row.migration_name);
    if (row.finished_at === null || !script?.ok) continue;
    if (!scriptMatchesChecksum(script.text, row.checksum)) {
      log(
        `Warning: the migration \`${row.migration_name}\` was modified after it was applied ` +
          `(recorded checksum ${row.checksum}, file checksum ${migrationChecksum(script.text)}). It is not applied again.`,
        'warn',
      );
    }
  }
}

async function applyOne(client: Client, migration: MigrationDirectory, log: MigrateLog): Promise<void> {
  if (!migration.script.ok) {
    throw new MigrationError('P3015', `Failed to read migration script at ${migration.name}/migration.sql: ${migration.script.error}`);
  }
  const script = migration.script.text;
  log(`Applying migration \`${migration.name}\``, 'info');

  const id = randomUUID();
  await client.query(`INSERT INTO ${MIGRATIONS_TABLE} (id, checksum, started_at, migration_name) VALUES ($1, $2, clock_timestamp(), $3)`, [
    id,
    migrationChecksum(script),
    migration.name,
  ]);

  try {
    // No parameters: node-postgres uses the simple query protocol, and PostgreSQL runs a
    // multi-statement simple query as one implicit transaction, exactly as the engine's
    // `simple_query(script)` does. A failure rolls the whole script back.
    await client.query(script);
  } catch (error) {
    const failure = describeScriptFailure(migration.name, script, error);
    await client.query(`UPDATE ${MIGRATIONS_TABLE} SET logs = $2 WHERE id = $1`, [id, failure.text]);
    throw new MigrationError('P3018', failure.text);
  }

  await client.query(
    `UPDATE ${MIGRATIONS_TABLE} SET applied_steps_count = applied_steps_count + 1, finished_at = clock_timestamp() WHERE id = $1`,
    [id],
  );
}

// ---------------------------------------------------------------------------------------------
// Real CLI when possible

export interface SchemaEngineAvailability {
  available: boolean;
  reason: string;
}

/** Real schema-engine binaries are tens of MB; anything this small is a stub. */
const MIN_ENGINE_BYTES = 1024 * 1024;

/**
 * Whether `prisma migrate deploy` can run here:
 * - `MAILROUTE_MIGRATE=prisma` forces the CLI, `MAILROUTE_MIGRATE=offline` forces this tool;
 * - otherwise only when `PRISMA_SCHEMA_ENGINE_BINARY` names an executable that is not a stub
 *   (`/bin/true`, `/bin/false`, or a file under 1 MiB, as used to make `prisma generate` work).
 */
export function schemaEngineAvailability(env: NodeJS.ProcessEnv = process.env): SchemaEngineAvailability {
  const mode = env.MAILROUTE_MIGRATE;
  if (mode === 'prisma') return { available: true, reason: 'MAILROUTE_MIGRATE=prisma' };
  if (mode === 'offline') return { available: false, reason: 'MAILROUTE_MIGRATE=offline' };

  const binary = env.PRISMA_SCHEMA_ENGINE_BINARY;
  if (!binary) return { available: false, reason: 'PRISMA_SCHEMA_ENGINE_BINARY is not set' };
  try {
    const resolved = realpathSync(binary);
    accessSync(resolved, fsConstants.X_OK);
    if (['true', 'false'].includes(path.basename(resolved))) {
      return { available: false, reason: `PRISMA_SCHEMA_ENGINE_BINARY is a stub (${resolved})` };
    }
    if (statSync(resolved).size < MIN_ENGINE_BYTES) {
      return { available: false, reason: `PRISMA_SCHEMA_ENGINE_BINARY is too small to be a schema engine (${resolved})` };
    }
    return { available: true, reason: `schema engine at ${resolved}` };
  } catch {
    return { available: false, reason: `PRISMA_SCHEMA_ENGINE_BINARY (${binary}) is not an executable file` };
  }
}

export interface DeployResult extends ApplyMigrationsResult {
  via: 'prisma-cli' | 'offline';
}

/**
 * Applies migrations with `prisma migrate deploy` when a schema engine is available (see
 * `schemaEngineAvailability`), otherwise with `applyMigrations`. The CLI reads prisma.config.ts,
 * so it only serves the default migrations directory; a custom `migrationsDir` always goes
 * offline. A CLI failure is reported as is: there is no fallback that could apply twice.
 */
export async function deployMigrations(options: ApplyMigrationsOptions): Promise<DeployResult> {
  const log = options.log ?? writeToStderr;
  const availability = schemaEngineAvailability();
  const customDir = options.migrationsDir !== undefined && path.resolve(options.migrationsDir) !== DEFAULT_MIGRATIONS_DIR;
  if (!availability.available || customDir) {
    log(`Using the offline migration applier (${customDir ? 'custom migrations directory' : availability.reason}).`, 'info');
    return { ...(await applyMigrations({ ...options, log })), via: 'offline' };
  }

  log(`Using prisma migrate deploy (${availability.reason}).`, 'info');
  const before = await finishedMigrationNames(options.databaseUrl);
  await runPrismaMigrateDeploy(options.databaseUrl, log);
  const after = await finishedMigrationNames(options.databaseUrl);
  const applied = [...after].filter((name) => !before.has(name)).sort((a, b) => a.localeCompare(b));
  return { applied, via: 'prisma-cli' };
}

/** Names of finished, not rolled back migrations; empty when the database or table is missing. */
async function finishedMigrationNames(databaseUrl: string): Promise<Set<string>> {
  const target = connectionTarget(databaseUrl);
  const client = new Client(target.config);
  try {
    await client.connect();
    await useSchema(client, target.schema);
    const { rows } = await client.query<{ migration_name: string }>(
      `SELECT migration_name FROM ${MIGRATIONS_TABLE} WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    );
    return new Set(rows.map((r) => r.migration_name));
  } catch {
    return new Set();
  } finally {
    await client.end().catch(() => undefined);
  }
}

function runPrismaMigrateDeploy(databaseUrl: string, log: MigrateLog): Promise<void> {
  const projectRoot = path.resolve(__dirname, '..');
  const prismaCli = require.resolve('prisma/build/index.js', { paths: [projectRoot] });
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [prismaCli, 'migrate', 'deploy'], {
      cwd: projectRoot,
      env: { ...process.env, DATABASE_URL: databaseUrl },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const collect = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', reject);
    child.on('close', (code) => {
      for (const line of output.split('\n').filter((l) => l.trim().length > 0)) log(line, 'info');
      if (code === 0) resolve();
      else reject(new MigrationError('PRISMA_CLI', `prisma migrate deploy exited with code ${code}:\n${output}`));
    });
  });
}

// ---------------------------------------------------------------------------------------------
// CLI

async function main(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    process.stderr.write('DATABASE_URL is not set.\n');
    process.exitCode = 2;
    return;
  }
  const log: MigrateLog = (line, level) => (level === 'warn' ? process.stderr : process.stdout).write(`${line}\n`);
  try {
    const result = await deployMigrations({ databaseUrl, log });
    log(`Done (${result.via}): ${result.applied.length} migration(s) applied.`, 'info');
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}

if (require.main === module) {
  void main();
}
