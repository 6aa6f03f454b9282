/**
 * Applies prisma/migrations: with `prisma migrate deploy` when a schema engine is available, otherwise with the
 * offline applier (prisma/offline-migrate/apply.ts, which keeps the same bookkeeping, so the two can take turns
 * on one database). CLI: `tsx prisma/migrate.ts` applies to $DATABASE_URL.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants as fsConstants, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { applyMigrations, DEFAULT_MIGRATIONS_DIR, type ApplyMigrationsOptions, type ApplyMigrationsResult } from './offline-migrate/apply';
import { connectionTarget, useSchema } from './offline-migrate/connection';
import { MIGRATIONS_TABLE } from './offline-migrate/migrations-table';
import { MigrationError, writeToStderr, type MigrateLog } from './offline-migrate/output';

export { applyMigrations, DEFAULT_MIGRATIONS_DIR, type ApplyMigrationsOptions, type ApplyMigrationsResult } from './offline-migrate/apply';
export { migrationChecksum, scriptMatchesChecksum } from './offline-migrate/checksums';
export { PRISMA_MIGRATE_ADVISORY_LOCK_KEY } from './offline-migrate/connection';
export { readMigrationsFolder, type MigrationDirectory, type MigrationsFolder } from './offline-migrate/migrations-folder';
export { CREATE_MIGRATIONS_TABLE_SQL, type MigrationRow } from './offline-migrate/migrations-table';
export { MigrationError, type LogLevel, type MigrateLog } from './offline-migrate/output';

export interface SchemaEngineAvailability {
  available: boolean;
  reason: string;
}

/** Real schema-engine binaries are tens of MB; anything this small is a stub. */
const MIN_ENGINE_BYTES = 1024 * 1024;

/**
 * Whether `prisma migrate deploy` can run here:
 * - `MAILROUTE_MIGRATE=prisma` forces the CLI, `MAILROUTE_MIGRATE=offline` forces the offline applier;
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
