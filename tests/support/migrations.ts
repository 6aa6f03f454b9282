/**
 * What the migration tests share: scratch databases and private copies of prisma/migrations, removed after the
 * test file; a client on a database for the length of a callback; the migration folder names; the schema's DMMF.
 */
import { cp, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import type { MigrateLog } from '../../prisma/migrate';
import { loadDmmf, type Dmmf } from '../../prisma/schema-drift';
import { createScratchDatabase, type ScratchDatabase } from './scratch-database';

export const SCHEMA_DIR = path.join(__dirname, '../../prisma/schema');
export const MIGRATIONS_DIR = path.join(__dirname, '../../prisma/migrations');

export const quiet: MigrateLog = () => undefined;

export async function loadSchemaDmmf(): Promise<Dmmf> {
  const files = (await readdir(SCHEMA_DIR)).filter((file) => file.endsWith('.prisma')).sort();
  return loadDmmf(
    await Promise.all(files.map(async (file): Promise<[string, string]> => [file, await readFile(path.join(SCHEMA_DIR, file), 'utf8')])),
  );
}

/** Scratch databases and copies of prisma/migrations for one test file; all removed after it (call at top level). */
export function migrationWorkspace(): {
  scratchDatabase(prefix: string): Promise<ScratchDatabase>;
  /** A private copy of prisma/migrations to break on purpose. */
  copyOfMigrations(): Promise<string>;
} {
  const databases: ScratchDatabase[] = [];
  const tempDirs: string[] = [];
  afterAll(async () => {
    await Promise.all(databases.map((db) => db.drop()));
    await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });
  return {
    async scratchDatabase(prefix) {
      const db = await createScratchDatabase(prefix);
      databases.push(db);
      return db;
    },
    async copyOfMigrations() {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'mailroute-migrations-'));
      tempDirs.push(dir);
      await cp(MIGRATIONS_DIR, dir, { recursive: true });
      return dir;
    },
  };
}

export async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function migrationNames(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort((a, b) => a.localeCompare(b));
}
