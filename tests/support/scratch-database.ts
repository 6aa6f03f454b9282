/**
 * Throwaway databases for integration tests, on the PostgreSQL server of $DATABASE_URL (a role
 * that may CREATE DATABASE). Each call makes a new, uniquely named database, so test files and
 * workers can run in parallel; `drop()` removes it even if connections are still open.
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

export interface ScratchDatabase {
  /** Connection URL of the new database (same server, role and options as $DATABASE_URL). */
  url: string;
  /** Database name, e.g. `drift_4821_lx3k2a_9f1c2e3d`. */
  name: string;
  drop(): Promise<void>;
}

/** PostgreSQL identifiers are cut at 63 bytes. */
const MAX_NAME_LENGTH = 63;

/** "source database is being accessed by other users": template1 busy, worth a retry. */
const OBJECT_IN_USE = '55006';

function serverUrl(): URL {
  const url = process.env.DATABASE_URL;
  if (!url) {
    throw new Error(
      'DATABASE_URL is not set: integration tests need a PostgreSQL server URL whose role may CREATE DATABASE ' +
        '(e.g. postgresql://mailroute@127.0.0.1:55432/postgres).',
    );
  }
  return new URL(url);
}

function scratchName(prefix: string): string {
  const cleanPrefix =
    prefix
      .toLowerCase()
      .replace(/[^a-z0-9_]+/g, '_')
      .replace(/^_+|_+$/g, '') || 'scratch';
  const suffix = `${process.pid}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  return `${cleanPrefix.slice(0, MAX_NAME_LENGTH - suffix.length - 1)}_${suffix}`;
}

async function withServerClient<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: serverUrl().toString() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function isObjectInUse(error: unknown): boolean {
  return error instanceof Error && (error as Error & { code?: string }).code === OBJECT_IN_USE;
}

export async function createScratchDatabase(prefix: string): Promise<ScratchDatabase> {
  const name = scratchName(prefix);
  const quoted = `"${name}"`;

  await withServerClient(async (client) => {
    for (let attempt = 1; ; attempt++) {
      try {
        await client.query(`CREATE DATABASE ${quoted}`);
        return;
      } catch (error) {
        if (!isObjectInUse(error) || attempt >= 5) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
      }
    }
  });

  const url = serverUrl();
  url.pathname = `/${encodeURIComponent(name)}`;

  let dropped = false;
  return {
    url: url.toString(),
    name,
    async drop(): Promise<void> {
      if (dropped) return;
      dropped = true;
      await withServerClient((client) => client.query(`DROP DATABASE IF EXISTS ${quoted} WITH (FORCE)`));
    },
  };
}
