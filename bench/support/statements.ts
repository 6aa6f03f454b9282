/**
 * Database round trips, counted by PostgreSQL itself: pg_stat_statements `calls` of the mailroute database, split by
 * the role that sent them (the bench connects the API as `bench_api` and the worker as `bench_worker`, members of
 * the application's role with its rights and nothing more, and reads with the application's own role, so its own
 * queries stay out of the count). Each call is one round trip: the pg driver sends a statement's parse, bind and
 * execute together; BEGIN and COMMIT are statements of their own.
 */
import { randomBytes } from 'node:crypto';
import { Client as PgClient } from 'pg';

export const PLATFORM_ROLES = { api: 'bench_api', worker: 'bench_worker' } as const;

/** One password for both measuring roles of a run (the cluster asks every connection for one). */
const ROLE_PASSWORD = randomBytes(18).toString('hex');

export interface StatementsSnapshot {
  calls: Map<string, { role: string; query: string; calls: number }>;
}

/**
 * As the cluster's superuser, on the database: the measuring roles (members of `applicationRole`) and the
 * pg_stat_statements view.
 */
export async function createPlatformRoles(superuserUrl: string, applicationRole: string): Promise<void> {
  const sql = new PgClient({ connectionString: superuserUrl });
  await sql.connect();
  try {
    for (const role of Object.values(PLATFORM_ROLES)) {
      const exists = await sql.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
      const password = `'${ROLE_PASSWORD}'`;
      if (exists.rowCount === 0) await sql.query(`CREATE ROLE ${role} LOGIN PASSWORD ${password} IN ROLE "${applicationRole}"`);
      else await sql.query(`ALTER ROLE ${role} PASSWORD ${password}`);
    }
    await sql.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  } finally {
    await sql.end();
  }
}

/** The same database URL, connecting as one of the measuring roles. */
export function asRole(databaseUrl: string, role: string): string {
  const url = new URL(databaseUrl);
  url.username = role;
  url.password = ROLE_PASSWORD;
  return url.toString();
}

/** A URL of `database` on the cluster of `adminUrl` (the superuser's URL of the `postgres` database). */
export function onDatabase(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** `superuserUrl`: only a superuser sees the text of other roles' statements. */
export async function statementsSnapshot(superuserUrl: string, database: string): Promise<StatementsSnapshot> {
  const sql = new PgClient({ connectionString: superuserUrl });
  await sql.connect();
  try {
    const rows = await sql.query<{ role: string; queryid: string; query: string; calls: string }>(
      `SELECT r.rolname AS role, s.queryid::text AS queryid, s.query, s.calls::text AS calls
       FROM pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid
       WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = $1) AND r.rolname = ANY($2)`,
      [database, Object.values(PLATFORM_ROLES)],
    );
    return {
      calls: new Map(
        rows.rows.map((row) => [`${row.role}:${row.queryid}`, { role: row.role, query: row.query, calls: Number(row.calls) }]),
      ),
    };
  } finally {
    await sql.end();
  }
}

/** Statements per email between two snapshots: by process, and the most frequent ones. */
export function statementsPerEmail(before: StatementsSnapshot, after: StatementsSnapshot, emails: number) {
  const perRole: Record<string, number> = { [PLATFORM_ROLES.api]: 0, [PLATFORM_ROLES.worker]: 0 };
  const statements: Array<{ role: string; calls: number; query: string }> = [];
  for (const [key, entry] of after.calls) {
    const calls = entry.calls - (before.calls.get(key)?.calls ?? 0);
    if (calls <= 0) continue;
    perRole[entry.role] = (perRole[entry.role] ?? 0) + calls;
    statements.push({ role: entry.role, calls, query: entry.query });
  }
  const per = (calls: number) => Math.round((calls / emails) * 100) / 100;
  const worker = per(perRole[PLATFORM_ROLES.worker]!);
  const api = per(perRole[PLATFORM_ROLES.api]!);
  return {
    statementsPerEmail: { worker, api, total: Math.round((worker + api) * 100) / 100 },
    topStatements: statements
      .sort((a, b) => b.calls - a.calls)
      .slice(0, 40)
      .map((statement) => ({
        role: statement.role === PLATFORM_ROLES.api ? 'api' : 'worker',
        callsPerEmail: per(statement.calls),
        query: statement.query.replace(/\s+/g, ' ').slice(0, 160),
      })),
  };
}
