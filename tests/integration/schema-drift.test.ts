/**
 * The migrations under prisma/migrations must build exactly the database that prisma/schema.prisma
 * describes, and prisma/migrate.ts must keep `_prisma_migrations` the way `prisma migrate deploy`
 * does. Needs DATABASE_URL: a PostgreSQL server whose role may CREATE DATABASE.
 */
import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import {
  applyMigrations,
  deployMigrations,
  migrationChecksum,
  schemaEngineAvailability,
  scriptMatchesChecksum,
  type MigrateLog,
} from '../../prisma/migrate';
import { compareWithDmmf, loadDmmf, readDatabaseSchema, type Dmmf } from '../../prisma/schema-drift';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database';

jest.setTimeout(60_000);

const SCHEMA_PATH = path.join(__dirname, '../../prisma/schema.prisma');
const MIGRATIONS_DIR = path.join(__dirname, '../../prisma/migrations');
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let dmmf: Dmmf;
const databases: ScratchDatabase[] = [];
const tempDirs: string[] = [];

beforeAll(async () => {
  dmmf = await loadDmmf(await readFile(SCHEMA_PATH, 'utf8'));
});

afterAll(async () => {
  await Promise.all(databases.map((db) => db.drop()));
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

const quiet: MigrateLog = () => undefined;

async function scratchDatabase(prefix: string): Promise<ScratchDatabase> {
  const db = await createScratchDatabase(prefix);
  databases.push(db);
  return db;
}

async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function driftOf(url: string): Promise<string[]> {
  return withClient(url, async (client) => compareWithDmmf(dmmf, await readDatabaseSchema(client)));
}

async function migrationNames(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort((a, b) => a.localeCompare(b));
}

/** A private copy of prisma/migrations to break on purpose. */
async function copyOfMigrations(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mailroute-migrations-'));
  tempDirs.push(dir);
  await cp(MIGRATIONS_DIR, dir, { recursive: true });
  return dir;
}

/** Rewrites the one migration.sql in `dir` that contains `marker`; fails if the edit changes nothing. */
async function editMigration(dir: string, marker: string, edit: (sql: string) => string): Promise<void> {
  for (const name of await migrationNames(dir)) {
    const file = path.join(dir, name, 'migration.sql');
    const sql = await readFile(file, 'utf8');
    if (!sql.includes(marker)) continue;
    const edited = edit(sql);
    if (edited === sql) throw new Error(`edit of ${name} changed nothing`);
    await writeFile(file, edited);
    return;
  }
  throw new Error(`no migration contains ${marker}`);
}

/** The first match of `pattern` in the migrations of `dir`: the matched text and its groups. */
async function firstMatch(dir: string, pattern: RegExp): Promise<{ whole: string; groups: string[] }> {
  for (const name of await migrationNames(dir)) {
    const match = pattern.exec(await readFile(path.join(dir, name, 'migration.sql'), 'utf8'));
    if (match) return { whole: match[0], groups: match.slice(1).map((g) => g ?? '') };
  }
  throw new Error(`no migration matches ${pattern}`);
}

/** The table whose CREATE TABLE statement contains `columnLine`. */
async function tableOfColumnLine(dir: string, columnLine: string): Promise<string> {
  for (const name of await migrationNames(dir)) {
    const sql = await readFile(path.join(dir, name, 'migration.sql'), 'utf8');
    for (const statement of sql.matchAll(/CREATE TABLE "(\w+)" \(([\s\S]*?)\n\);/g)) {
      if (statement[2]?.includes(columnLine.trim())) return statement[1] ?? '';
    }
  }
  throw new Error(`no CREATE TABLE contains ${columnLine}`);
}

async function addMigration(dir: string, name: string, sql: string): Promise<void> {
  await mkdir(path.join(dir, name));
  await writeFile(path.join(dir, name, 'migration.sql'), sql);
}

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

async function migrationRows(url: string): Promise<MigrationRow[]> {
  return withClient(url, async (client) => {
    const { rows } = await client.query<MigrationRow>(
      'SELECT id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count FROM _prisma_migrations ORDER BY started_at',
    );
    return rows;
  });
}

describe('prisma/migrations against prisma/schema.prisma', () => {
  test('applying every migration to a fresh database leaves no drift', async () => {
    const db = await scratchDatabase('drift_clean');
    const { applied } = await applyMigrations({ databaseUrl: db.url, log: quiet });

    expect(applied).toEqual(await migrationNames(MIGRATIONS_DIR));
    expect(await driftOf(db.url)).toEqual([]);
  });

  test('a migration that lost a column, an index and a default fails the drift check', async () => {
    const dir = await copyOfMigrations();
    // The column named in the brief; the index and the default are picked from the SQL, so the
    // test keeps working while the schema evolves (names are model = table, field = column here).
    await editMigration(dir, 'CREATE TABLE "Interaction"', (sql) =>
      sql.replace(/(CREATE TABLE "Interaction" \([\s\S]*?)\n {4}"subject" [^\n]*/, '$1'),
    );
    const index = await firstMatch(dir, /-- CreateIndex\nCREATE INDEX "(\w+)" ON "(\w+)"[^\n]*\n\n/);
    await editMigration(dir, index.whole, (sql) => sql.replace(index.whole, ''));
    const withDefault = await firstMatch(dir, /\n {4}"(?!subject")(\w+)" TEXT NOT NULL DEFAULT '([^']*)'/);
    const table = await tableOfColumnLine(dir, withDefault.whole);
    await editMigration(dir, withDefault.whole, (sql) =>
      sql.replace(withDefault.whole, withDefault.whole.replace(/DEFAULT '[^']*'/, "DEFAULT 'drifted'")),
    );

    const db = await scratchDatabase('drift_broken');
    await applyMigrations({ databaseUrl: db.url, migrationsDir: dir, log: quiet });
    const drift = await driftOf(db.url);

    const [indexName, indexTable] = index.groups;
    const [column, oldDefault] = withDefault.groups;
    expect(drift).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Interaction\.subject: column "subject" is missing from table "Interaction"/),
        expect.stringMatching(new RegExp(`^${indexTable}: @@index\\(.*"${indexName}" is missing from table "${indexTable}"`)),
        expect.stringMatching(new RegExp(`^${table}\\.${column}: .*default 'drifted'.*expected ${JSON.stringify(oldDefault)}`)),
      ]),
    );
    expect(drift).toHaveLength(3);
  });

  test('extra columns, tables and indexes, changed types, nullability and foreign keys are reported', async () => {
    const db = await scratchDatabase('drift_altered');
    await applyMigrations({ databaseUrl: db.url, log: quiet });
    await withClient(db.url, (client) =>
      client.query(`
        ALTER TABLE "User" ADD COLUMN "nickname" TEXT;
        ALTER TABLE "User" ALTER COLUMN "name" DROP NOT NULL;
        ALTER TABLE "Queue" ALTER COLUMN "rrPosition" TYPE BIGINT;
        ALTER TABLE "ApiToken" DROP CONSTRAINT "ApiToken_userId_fkey";
        ALTER TABLE "ApiToken" ADD CONSTRAINT "ApiToken_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
        CREATE INDEX "Interaction_customerEmail_idx" ON "Interaction"("customerEmail");
        CREATE TABLE "Stray" ("id" INTEGER);
        ALTER TYPE "Role" ADD VALUE 'owner';
      `),
    );

    const drift = await driftOf(db.url);

    expect(drift).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^User: column "User"\."nickname" exists in the database but not in the schema/),
        expect.stringMatching(/^User\.name: column "User"\."name" is nullable, expected NOT NULL/),
        expect.stringMatching(/^Queue\.rrPosition: column "Queue"\."rrPosition" has type bigint, expected integer/),
        expect.stringMatching(/^ApiToken\.user: foreign key "ApiToken_userId_fkey" .* has ON DELETE RESTRICT, expected ON DELETE CASCADE/),
        expect.stringMatching(/^Interaction: index on \(customerEmail\) "Interaction_customerEmail_idx" exists .* but not in the schema/),
        expect.stringMatching(/^table "Stray" exists in the database but not in the schema/),
        expect.stringMatching(/^enum Role: values are \(admin, supervisor, agent, owner\)/),
      ]),
    );
    expect(drift).toHaveLength(7);
  });
});

describe('prisma/migrate.ts bookkeeping', () => {
  test('records each migration as prisma migrate deploy does, and a second run applies nothing', async () => {
    const db = await scratchDatabase('migrate_rows');
    const names = await migrationNames(MIGRATIONS_DIR);

    const first = await applyMigrations({ databaseUrl: db.url, log: quiet });
    expect(first.applied).toEqual(names);

    const rows = await migrationRows(db.url);
    expect(rows.map((r) => r.migration_name)).toEqual(names);
    for (const row of rows) {
      const bytes = await readFile(path.join(MIGRATIONS_DIR, row.migration_name, 'migration.sql'));
      expect(row.checksum).toBe(createHash('sha256').update(bytes).digest('hex'));
      expect(row.id).toMatch(UUID_V4);
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.finished_at!.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
      expect(row.applied_steps_count).toBe(1);
      expect(row.logs).toBeNull();
      expect(row.rolled_back_at).toBeNull();
    }

    const second = await applyMigrations({ databaseUrl: db.url, log: quiet });
    expect(second.applied).toEqual([]);
    expect(await migrationRows(db.url)).toEqual(rows);
  });

  test("_prisma_migrations has the schema engine's shape", async () => {
    const db = await scratchDatabase('migrate_table');
    await applyMigrations({ databaseUrl: db.url, log: quiet });

    const columns = await withClient(db.url, async (client) => {
      const { rows } = await client.query<{
        column_name: string;
        data_type: string;
        character_maximum_length: number | null;
        is_nullable: string;
        column_default: string | null;
      }>(
        `SELECT column_name, data_type, character_maximum_length, is_nullable, column_default
         FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
      );
      return rows;
    });
    expect(columns).toEqual([
      { column_name: 'id', data_type: 'character varying', character_maximum_length: 36, is_nullable: 'NO', column_default: null },
      { column_name: 'checksum', data_type: 'character varying', character_maximum_length: 64, is_nullable: 'NO', column_default: null },
      {
        column_name: 'finished_at',
        data_type: 'timestamp with time zone',
        character_maximum_length: null,
        is_nullable: 'YES',
        column_default: null,
      },
      {
        column_name: 'migration_name',
        data_type: 'character varying',
        character_maximum_length: 255,
        is_nullable: 'NO',
        column_default: null,
      },
      { column_name: 'logs', data_type: 'text', character_maximum_length: null, is_nullable: 'YES', column_default: null },
      {
        column_name: 'rolled_back_at',
        data_type: 'timestamp with time zone',
        character_maximum_length: null,
        is_nullable: 'YES',
        column_default: null,
      },
      {
        column_name: 'started_at',
        data_type: 'timestamp with time zone',
        character_maximum_length: null,
        is_nullable: 'NO',
        column_default: 'now()',
      },
      { column_name: 'applied_steps_count', data_type: 'integer', character_maximum_length: null, is_nullable: 'NO', column_default: '0' },
    ]);
  });

  test('an applied migration edited afterwards is not re-applied, only warned about', async () => {
    const dir = await copyOfMigrations();
    const db = await scratchDatabase('migrate_edited');
    await applyMigrations({ databaseUrl: db.url, migrationsDir: dir, log: quiet });
    const [firstName] = await migrationNames(dir);
    const file = path.join(dir, firstName!, 'migration.sql');
    const original = await readFile(file, 'utf8');

    const warnings: string[] = [];
    const collect: MigrateLog = (line, level) => {
      if (level === 'warn') warnings.push(line);
    };

    // Line endings alone do not count as an edit (git may convert them).
    await writeFile(file, original.replace(/\n/g, '\r\n'));
    expect((await applyMigrations({ databaseUrl: db.url, migrationsDir: dir, log: collect })).applied).toEqual([]);
    expect(warnings).toEqual([]);

    await writeFile(file, `${original}\n-- edited after it was applied\n`);
    expect((await applyMigrations({ databaseUrl: db.url, migrationsDir: dir, log: collect })).applied).toEqual([]);
    expect(warnings).toEqual([expect.stringContaining(`\`${firstName}\` was modified after it was applied`)]);
  });

  test('a failed migration is recorded without finished_at, rolled back, and blocks later runs', async () => {
    const dir = await copyOfMigrations();
    await addMigration(dir, '29991231000000_broken', 'CREATE TABLE "Broken" ("id" INTEGER);\nSELECT * FROM "does_not_exist";\n');
    const db = await scratchDatabase('migrate_failed');

    await expect(applyMigrations({ databaseUrl: db.url, migrationsDir: dir, log: quiet })).rejects.toMatchObject({
      code: 'P3018',
      message: expect.stringContaining('relation "does_not_exist" does not exist'),
    });

    const broken = (await migrationRows(db.url)).find((r) => r.migration_name === '29991231000000_broken');
    expect(broken).toMatchObject({ finished_at: null, rolled_back_at: null, applied_steps_count: 0 });
    expect(broken?.logs).toContain('Migration name: 29991231000000_broken');
    expect(broken?.logs).toContain('Database error code: 42P01');
    const brokenTable = await withClient(db.url, async (client) => {
      const { rows } = await client.query<{ table: string | null }>(`SELECT to_regclass('"Broken"')::text AS table`);
      return rows[0]?.table;
    });
    expect(brokenTable).toBeNull();

    await addMigration(dir, '29991231000001_later', 'CREATE TABLE "Later" ("id" INTEGER);\n');
    await expect(applyMigrations({ databaseUrl: db.url, migrationsDir: dir, log: quiet })).rejects.toMatchObject({
      code: 'P3009',
      message: expect.stringMatching(
        /failed migrations in the target database[\s\S]*`29991231000000_broken` migration started at .* failed/,
      ),
    });
    expect((await migrationRows(db.url)).map((r) => r.migration_name)).not.toContain('29991231000001_later');

    // What `prisma migrate resolve --rolled-back` records; then the fixed migration goes through.
    await withClient(db.url, (client) =>
      client.query(`UPDATE _prisma_migrations SET rolled_back_at = now() WHERE migration_name = '29991231000000_broken'`),
    );
    await writeFile(path.join(dir, '29991231000000_broken', 'migration.sql'), 'CREATE TABLE "Broken" ("id" INTEGER);\n');
    const retry = await applyMigrations({ databaseUrl: db.url, migrationsDir: dir, log: quiet });
    expect(retry.applied).toEqual(['29991231000000_broken', '29991231000001_later']);
  });

  test('honours a Prisma-style ?schema= parameter', async () => {
    const db = await scratchDatabase('migrate_schema');
    const url = new URL(db.url);
    url.searchParams.set('schema', 'tenant_a');
    await applyMigrations({ databaseUrl: url.toString(), log: quiet });

    const drift = await withClient(db.url, async (client) => {
      const { rows } = await client.query<{ count: string }>(
        `SELECT count(*) FROM pg_tables WHERE schemaname = 'tenant_a' AND tablename = '_prisma_migrations'`,
      );
      expect(rows[0]?.count).toBe('1');
      expect((await readDatabaseSchema(client)).tables).toEqual([]); // public stays empty
      return compareWithDmmf(dmmf, await readDatabaseSchema(client, 'tenant_a'));
    });
    expect(drift).toEqual([]);
  });

  test('deployMigrations uses the offline applier when there is no schema engine', async () => {
    const db = await scratchDatabase('migrate_deploy');
    const saved = process.env.MAILROUTE_MIGRATE;
    process.env.MAILROUTE_MIGRATE = 'offline';
    try {
      const result = await deployMigrations({ databaseUrl: db.url, log: quiet });
      expect(result).toEqual({ applied: await migrationNames(MIGRATIONS_DIR), via: 'offline' });
    } finally {
      if (saved === undefined) delete process.env.MAILROUTE_MIGRATE;
      else process.env.MAILROUTE_MIGRATE = saved;
    }
  });

  test('refuses a non-empty database that has no migration history (P3005)', async () => {
    const db = await scratchDatabase('migrate_baseline');
    await withClient(db.url, (client) => client.query('CREATE TABLE "Legacy" ("id" INTEGER)'));

    await expect(applyMigrations({ databaseUrl: db.url, log: quiet })).rejects.toMatchObject({ code: 'P3005' });
  });

  test('waits for the advisory lock of another migrator, then gives up', async () => {
    const db = await scratchDatabase('migrate_lock');
    await withClient(db.url, async (holder) => {
      await holder.query('SELECT pg_advisory_lock(72707369)');
      await expect(applyMigrations({ databaseUrl: db.url, log: quiet, lockTimeoutMs: 300 })).rejects.toMatchObject({ code: 'P1002' });
      await holder.query('SELECT pg_advisory_unlock(72707369)');
    });

    expect((await applyMigrations({ databaseUrl: db.url, log: quiet })).applied.length).toBeGreaterThan(0);
  });
});

describe('checksums and engine detection', () => {
  test('checksum is the lowercase hex SHA-256 of the script, compared line-ending agnostically', () => {
    expect(migrationChecksum('hello')).toBe('2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824');
    expect(scriptMatchesChecksum('a\r\nb\r\n', migrationChecksum('a\nb\n'))).toBe(true);
    expect(scriptMatchesChecksum('a\nb\n', migrationChecksum('a\r\nb\r\n'))).toBe(true);
    expect(scriptMatchesChecksum('abc\n', migrationChecksum('abc'))).toBe(false);
    // Checksums written by old engines were not zero-padded.
    const unpadded = [...createHash('sha256').update('hello').digest()].map((b) => b.toString(16)).join('');
    expect(unpadded.length).toBeLessThan(64);
    expect(scriptMatchesChecksum('hello', unpadded)).toBe(true);
  });

  test('a stub schema engine means the offline applier', () => {
    expect(schemaEngineAvailability({ PRISMA_SCHEMA_ENGINE_BINARY: '/bin/true' }).available).toBe(false);
    expect(schemaEngineAvailability({}).available).toBe(false);
    expect(schemaEngineAvailability({ MAILROUTE_MIGRATE: 'prisma' }).available).toBe(true);
    expect(schemaEngineAvailability({ MAILROUTE_MIGRATE: 'offline', PRISMA_SCHEMA_ENGINE_BINARY: process.execPath }).available).toBe(false);
  });
});
