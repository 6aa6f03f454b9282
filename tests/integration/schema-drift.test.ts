/**
 * The migrations under prisma/migrations must build exactly the database that prisma/schema/
 * describes (prisma/schema-drift), and the drift check must catch a database that differs from it.
 * Needs DATABASE_URL: a PostgreSQL server whose role may CREATE DATABASE.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { applyMigrations } from '../../prisma/migrate';
import { compareWithDmmf, readDatabaseSchema, type Dmmf } from '../../prisma/schema-drift';
import { loadSchemaDmmf, MIGRATIONS_DIR, migrationNames, migrationWorkspace, quiet, withClient } from '../support/migrations';

jest.setTimeout(60_000);

let dmmf: Dmmf;
const { scratchDatabase, copyOfMigrations } = migrationWorkspace();

beforeAll(async () => {
  dmmf = await loadSchemaDmmf();
});

async function driftOf(url: string): Promise<string[]> {
  return withClient(url, async (client) => compareWithDmmf(dmmf, await readDatabaseSchema(client)));
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

describe('prisma/migrations against prisma/schema', () => {
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
