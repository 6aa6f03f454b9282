/**
 * `_prisma_migrations`, kept as the schema engine keeps it: its DDL, its rows, failed migrations (P3009) and
 * the failure text a migration leaves in `logs` (P3018).
 */
import type { Client } from 'pg';
import { isDatabaseError } from './connection';
import { MigrationError } from './output';

export const MIGRATIONS_TABLE = '_prisma_migrations';

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

export interface MigrationRow {
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
export async function initializeMigrationsTable(client: Client): Promise<void> {
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

export async function listMigrationRows(client: Client): Promise<MigrationRow[]> {
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
export function detectFailedMigrations(rows: MigrationRow[]): void {
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
export function describeScriptFailure(migrationName: string, script: string, error: unknown): { code: string; text: string } {
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
