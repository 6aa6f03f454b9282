/**
 * Reports read ReportInteraction (one row of dates per interaction) and ReportActivity (one row per counted email or
 * transfer), which triggers on the raw tables keep exact (prisma/migrations/*_reports). Durations are whole seconds
 * (rounded down); percentiles are measured values (percentile_disc). Local days are cut in the report's time zone.
 */
import { DURATION_BUCKETS, type DurationRow, type ReportScope, type SlaFigures, type Volumes, emptyVolumes } from '../domain/reports';
import { InvalidInputError } from '../domain/errors';
import { Prisma, type Database } from './db';

type Sql = Prisma.Sql;

interface Bounds {
  lo: string;
  hi: string;
}

const ACTIVITY_KINDS = { inbound: 'inbound', outbound: 'outbound', autoreply: 'autoreplies', transfer: 'transfers' } as const;

export type Grouping = 'day' | 'agent' | 'queue';

function slaOf(row: { targets: number; met: number; breached: number }): SlaFigures {
  const settled = row.met + row.breached;
  return { ...row, pending: row.targets - settled, compliance: settled === 0 ? null : row.met / settled };
}

export function createReportStore(db: Database) {
  /** The range's first and last instants (UTC, as the timestamp columns hold them); an unknown zone is the field's fault. */
  async function bounds(scope: ReportScope): Promise<Bounds> {
    try {
      const [row] = await db.$queryRaw<Bounds[]>`
        SELECT to_char((${scope.from}::date::timestamp AT TIME ZONE ${scope.tz}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS') AS lo,
               to_char(((${scope.to}::date + 1)::timestamp AT TIME ZONE ${scope.tz}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS') AS hi`;
      return row!;
    } catch (error) {
      if (/time zone/i.test(String(error))) throw InvalidInputError.field('query.tz', 'the database does not know this time zone');
      throw error;
    }
  }

  /** The scope's own rows of a table with accountId, queueId and agentId, dated by `column` within the range. */
  function where(scope: ReportScope, range: Bounds, column: Sql, alias = Prisma.raw('')): Sql {
    const parts = [
      Prisma.sql`${alias}"accountId" = ANY(${scope.accountIds}::int[])`,
      Prisma.sql`${column} >= ${range.lo}::timestamp AND ${column} < ${range.hi}::timestamp`,
    ];
    if (scope.queueId !== undefined) parts.push(Prisma.sql`${alias}"queueId" = ${scope.queueId}`);
    if (scope.agentId !== undefined) parts.push(Prisma.sql`${alias}"agentId" = ${scope.agentId}`);
    return Prisma.join(parts, ' AND ');
  }

  function groupColumn(grouping: Grouping, column: Sql, tz: string): Sql {
    if (grouping === 'agent') return Prisma.raw('"agentId"');
    if (grouping === 'queue') return Prisma.raw('"queueId"');
    return Prisma.sql`to_char(((${column} AT TIME ZONE 'UTC') AT TIME ZONE ${tz})::date, 'YYYY-MM-DD')`;
  }

  /** p50, p90 and histogram of `seconds` over the rows of `from`, grouped by `group` (one group: a constant). */
  async function durations(seconds: Sql, group: Sql, from: Sql, filter: Sql): Promise<DurationRow[]> {
    const buckets = DURATION_BUCKETS.map((bucket) =>
      bucket.to === null
        ? Prisma.sql`count(*) FILTER (WHERE s >= ${bucket.from})::int`
        : Prisma.sql`count(*) FILTER (WHERE s >= ${bucket.from} AND s < ${bucket.to})::int`,
    );
    return db.$queryRaw<DurationRow[]>`
      SELECT g, count(s)::int AS n,
             (percentile_disc(0.5) WITHIN GROUP (ORDER BY s))::int AS p50,
             (percentile_disc(0.9) WITHIN GROUP (ORDER BY s))::int AS p90,
             ARRAY[${Prisma.join(buckets)}] AS buckets
      FROM (SELECT ${group} AS g, ${seconds} AS s FROM ${from} WHERE ${filter}) x
      GROUP BY g`;
  }

  const secondsBetween = (start: string, end: string) =>
    Prisma.raw(`CASE WHEN "${end}" >= "${start}" THEN floor(extract(epoch FROM "${end}" - "${start}"))::int END`);
  const facts = Prisma.raw('"ReportInteraction"');

  return {
    bounds,

    /** Waiting (arrival to acceptance) and first response (arrival to first agent email) of the interactions that arrived. */
    async arrivals(scope: ReportScope, range: Bounds, grouping: Grouping | null) {
      const column = Prisma.raw('"arrivedAt"');
      const group = grouping ? groupColumn(grouping, column, scope.tz) : Prisma.sql`0`;
      const filter = where(scope, range, column);
      const [waiting, firstResponse] = await Promise.all([
        durations(secondsBetween('arrivedAt', 'acceptedAt'), group, facts, filter),
        durations(secondsBetween('arrivedAt', 'firstResponseAt'), group, facts, filter),
      ]);
      return { waiting, firstResponse };
    },

    /** Handle time (acceptance to close) of the interactions closed in the range. */
    async handle(scope: ReportScope, range: Bounds, grouping: Grouping | null) {
      const column = Prisma.raw('"closedAt"');
      const group = grouping ? groupColumn(grouping, column, scope.tz) : Prisma.sql`0`;
      return durations(secondsBetween('acceptedAt', 'closedAt'), group, facts, where(scope, range, column));
    },

    /** The volumes per group: emails and transfers by when they happened, new and closed interactions by their dates. */
    async volumes(scope: ReportScope, range: Bounds, grouping: Grouping | null): Promise<Map<string, Volumes>> {
      const at = Prisma.raw('"at"');
      const created = Prisma.raw('"createdAt"');
      const closed = Prisma.raw('"closedAt"');
      const group = (column: Sql) => (grouping ? groupColumn(grouping, column, scope.tz) : Prisma.sql`'all'`);
      const [activity, news, closes] = await Promise.all([
        db.$queryRaw<Array<{ g: unknown; kind: keyof typeof ACTIVITY_KINDS; n: number }>>`
          SELECT ${group(at)} AS g, kind, count(*)::int AS n FROM "ReportActivity" WHERE ${where(scope, range, at)} GROUP BY 1, 2`,
        db.$queryRaw<Array<{ g: unknown; n: number }>>`
          SELECT ${group(created)} AS g, count(*)::int AS n FROM "ReportInteraction" WHERE ${where(scope, range, created)} GROUP BY 1`,
        db.$queryRaw<Array<{ g: unknown; n: number }>>`
          SELECT ${group(closed)} AS g, count(*)::int AS n FROM "ReportInteraction" WHERE ${where(scope, range, closed)} GROUP BY 1`,
      ]);
      const result = new Map<string, Volumes>();
      const of = (g: unknown) => {
        const key = String(g);
        if (!result.has(key)) result.set(key, emptyVolumes());
        return result.get(key)!;
      };
      for (const row of activity) of(row.g)[ACTIVITY_KINDS[row.kind]] += row.n;
      for (const row of news) of(row.g).newInteractions += row.n;
      for (const row of closes) of(row.g).closed += row.n;
      return result;
    },

    /** SLA targets of the interactions that arrived in the range, per target and in all. */
    async sla(scope: ReportScope, range: Bounds) {
      const rows = await db.$queryRaw<Array<{ target: string; targets: number; met: number; breached: number }>>`
        SELECT s.target, count(*)::int AS targets,
               count(*) FILTER (WHERE s."metAt" IS NOT NULL AND s."breachedAt" IS NULL)::int AS met,
               count(*) FILTER (WHERE s."breachedAt" IS NOT NULL)::int AS breached
        FROM "ReportInteraction" r JOIN "interaction_sla" s ON s."interactionId" = r."interactionId"
        WHERE ${where(scope, range, Prisma.raw('r."arrivedAt"'), Prisma.raw('r.'))}
        GROUP BY s.target ORDER BY s.target`;
      const total = rows.reduce(
        (sum, row) => ({ targets: sum.targets + row.targets, met: sum.met + row.met, breached: sum.breached + row.breached }),
        {
          targets: 0,
          met: 0,
          breached: 0,
        },
      );
      return { ...slaOf(total), byTarget: rows.map((row) => ({ target: row.target, ...slaOf(row) })) };
    },

    /** Interactions closed in the range, by disposition (null: closed without one). */
    async dispositions(scope: ReportScope, range: Bounds) {
      return db.$queryRaw<Array<{ dispositionId: number | null; name: string | null; count: number }>>`
        SELECT r."dispositionId", d.name, count(*)::int AS count
        FROM "ReportInteraction" r LEFT JOIN "Disposition" d ON d.id = r."dispositionId"
        WHERE ${where(scope, range, Prisma.raw('r."closedAt"'), Prisma.raw('r.'))}
        GROUP BY 1, 2 ORDER BY count DESC, d.name NULLS LAST`;
    },

    async agentNames(ids: number[]): Promise<Map<number, string>> {
      const users = await db.user.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } });
      return new Map(users.map((user) => [user.id, user.name]));
    },

    async queueNames(ids: number[]): Promise<Map<number, string>> {
      const queues = await db.queue.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } });
      return new Map(queues.map((queue) => [queue.id, queue.name]));
    },

    /** Recomputes both report tables from the raw ones (after a bulk load that bypassed the triggers). */
    async rebuild(): Promise<void> {
      await db.$executeRaw`SELECT report_rebuild()`;
    },
  };
}

export type ReportStore = ReturnType<typeof createReportStore>;
