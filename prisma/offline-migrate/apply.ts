/**
 * The offline migration applier: behaves like `prisma migrate deploy` for PostgreSQL and keeps the
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
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Client } from 'pg';
import { migrationChecksum, scriptMatchesChecksum } from './checksums';
import { acquireLock, connect, connectionTarget, PRISMA_MIGRATE_ADVISORY_LOCK_KEY, useSchema } from './connection';
import { readMigrationsFolder, type MigrationDirectory } from './migrations-folder';
import {
  describeScriptFailure,
  detectFailedMigrations,
  initializeMigrationsTable,
  listMigrationRows,
  MIGRATIONS_TABLE,
  type MigrationRow,
} from './migrations-table';
import { MigrationError, writeToStderr, type MigrateLog } from './output';

/** The schema engine's default wait for the advisory lock. */
const DEFAULT_LOCK_TIMEOUT_MS = 10_000;

export const DEFAULT_MIGRATIONS_DIR = path.join(__dirname, '..', 'migrations');

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
