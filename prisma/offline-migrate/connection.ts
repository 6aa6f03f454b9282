/**
 * The session the applier works in: the database (created when missing), the `?schema=` search path, and
 * Prisma Migrate's advisory lock.
 */
import { Client, type ClientConfig, type DatabaseError } from 'pg';
import { MigrationError, type MigrateLog } from './output';

/** Prisma Migrate's advisory lock key ("72707369 is a unique number we chose to identify Migrate"). */
export const PRISMA_MIGRATE_ADVISORY_LOCK_KEY = 72707369;

export interface ConnectionTarget {
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

export function connectionTarget(databaseUrl: string): ConnectionTarget {
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

export function isDatabaseError(error: unknown): error is DatabaseError {
  return error instanceof Error && typeof (error as Partial<DatabaseError>).code === 'string' && 'severity' in error;
}

/** Connects; creates the database first when it does not exist, as `migrate deploy` does. */
export async function connect(target: ConnectionTarget, log: MigrateLog): Promise<Client> {
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
export async function useSchema(client: Client, schema: string): Promise<void> {
  const { rows } = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
  if (rows.length === 0) await client.query(`CREATE SCHEMA ${quoteIdentifier(schema)}`);
  await client.query(`SET search_path TO ${quoteIdentifier(schema)}`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Takes Migrate's session advisory lock, waiting up to `timeoutMs` for another holder. */
export async function acquireLock(client: Client, timeoutMs: number): Promise<void> {
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
