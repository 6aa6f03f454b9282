/**
 * prisma/migrate.ts must keep `_prisma_migrations` the way `prisma migrate deploy` does: one row per migration,
 * failures recorded and blocking, edits warned about, the advisory lock, `?schema=`; and it picks the offline
 * applier when there is no schema engine. Needs DATABASE_URL: a PostgreSQL server whose role may CREATE DATABASE.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  applyMigrations,
  deployMigrations,
  migrationChecksum,
  schemaEngineAvailability,
  scriptMatchesChecksum,
  type MigrateLog,
  type MigrationRow,
} from '../../prisma/migrate';
import { compareWithDmmf, readDatabaseSchema, type Dmmf } from '../../prisma/schema-drift';
import { loadSchemaDmmf, MIGRATIONS_DIR, migrationNames, migrationWorkspace, quiet, withClient } from '../support/migrations';

jest.setTimeout(60_000);

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let dmmf: Dmmf;
const { scratchDatabase, copyOfMigrations } = migrationWorkspace();

beforeAll(async () => {
  dmmf = await loadSchemaDmmf();
});

async function addMigration(dir: string, name: string, sql: string): Promise<void> {
  await mkdir(path.join(dir, name));
  await writeFile(path.join(dir, name, 'migration.sql'), sql);
}

async function migrationRows(url: string): Promise<MigrationRow[]> {
  return withClient(url, async (client) => {
    const { rows } = await client.query<MigrationRow>(
      'SELECT id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count FROM _prisma_migrations ORDER BY started_at',
    );
    return rows;
  });
}

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
