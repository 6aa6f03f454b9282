/**
 * Reports read ReportInteraction (one row of dates per interaction) and ReportActivity (one row per counted email or
 * transfer), which triggers on the raw tables keep exact (prisma/migrations/*_reports). Durations are whole seconds
 * (rounded down); percentiles are measured values (percentile_disc). Local days are cut in the report's time zone.
 * Each cohort is read once: one scan gives a report's totals, its groups (days, agents or queues) and its histogram.
 */
import { DURATION_BUCKETS, type DurationRow, type ReportScope, type SlaFigures } from '../domain/reports';
import { InvalidInputError } from '../domain/errors';
import { Prisma, type Database } from './db';

type Sql = Prisma.Sql;

export interface Bounds {
  lo: string;
  hi: string;
  /** The local midnights that start each day of the range, and the one after it (UTC). */
  edges: string[];
  /** The range's first local day, YYYY-MM-DD. */
  firstDay: string;
}

export type Grouping = 'day' | 'agent' | 'queue';

/** The key of a row's group: YYYY-MM-DD, an id, 'null' (no agent or queue), or 'all' for the total. */
export type GroupKey = string;

const ACTIVITY_KINDS = { inbound: 'inbound', outbound: 'outbound', autoreply: 'autoreplies', transfer: 'transfers' } as const;
export type ActivityCounts = Record<(typeof ACTIVITY_KINDS)[keyof typeof ACTIVITY_KINDS], number>;

function slaOf(row: { targets: number; met: number; breached: number }): SlaFigures {
  const settled = row.met + row.breached;
  return { ...row, pending: row.targets - settled, compliance: settled === 0 ? null : row.met / settled };
}

/** count, p50, p90 and the histogram of `s`, named with `prefix`. */
function stats(s: string, prefix: string): Sql {
  const buckets = DURATION_BUCKETS.map((bucket) =>
    Prisma.raw(`count(*) FILTER (WHERE ${s} >= ${bucket.from}${bucket.to === null ? '' : ` AND ${s} < ${bucket.to}`})::int`),
  );
  return Prisma.sql`count(${Prisma.raw(s)})::int AS ${Prisma.raw(`${prefix}_n`)},
    (percentile_disc(0.5) WITHIN GROUP (ORDER BY ${Prisma.raw(s)}))::int AS ${Prisma.raw(`${prefix}_p50`)},
    (percentile_disc(0.9) WITHIN GROUP (ORDER BY ${Prisma.raw(s)}))::int AS ${Prisma.raw(`${prefix}_p90`)},
    ARRAY[${Prisma.join(buckets)}] AS ${Prisma.raw(`${prefix}_buckets`)}`;
}

function durationOf(row: Record<string, unknown>, prefix: string): DurationRow {
  return {
    g: null,
    n: row[`${prefix}_n`] as number,
    p50: row[`${prefix}_p50`] as number | null,
    p90: row[`${prefix}_p90`] as number | null,
    buckets: row[`${prefix}_buckets`] as number[],
  };
}

/** The SLA targets each report row counts (ReportInteraction's sla* columns, kept by a trigger on interaction_sla). */
const SLA_TARGETS = [
  { target: 'first-response', column: 'slaFirstResponse' },
  { target: 'next-response', column: 'slaNextResponse' },
  { target: 'resolution', column: 'slaResolution' },
] as const;
const SLA_COLUMNS = Prisma.raw(
  SLA_TARGETS.flatMap(({ column }) => [column, `${column}Met`, `${column}Breached`].map((name) => `"${name}"`)).join(', '),
);
const SLA_SUMS = Prisma.raw(
  SLA_TARGETS.flatMap(({ column }) => [column, `${column}Met`, `${column}Breached`].map((name) => `sum("${name}")::int AS "${name}"`)).join(
    ', ',
  ),
);

/** The SLA figures of one group, in all and per target (the targets it has). */
function slaFiguresOf(row: Record<string, unknown>): SlaFigures & { byTarget: Array<SlaFigures & { target: string }> } {
  const byTarget = SLA_TARGETS.map(({ target, column }) => ({
    target,
    ...slaOf({ targets: Number(row[column] ?? 0), met: Number(row[`${column}Met`] ?? 0), breached: Number(row[`${column}Breached`] ?? 0) }),
  })).filter((figures) => figures.targets > 0);
  const total = byTarget.reduce(
    (sum, one) => ({ targets: sum.targets + one.targets, met: sum.met + one.met, breached: sum.breached + one.breached }),
    {
      targets: 0,
      met: 0,
      breached: 0,
    },
  );
  return { ...slaOf(total), byTarget };
}

/** The `index`-th day (from 1) of the range, YYYY-MM-DD. */
function dayOf(range: Bounds, index: number): string {
  const first = Date.parse(`${range.firstDay}T00:00:00Z`);
  return new Date(first + (index - 1) * 86_400_000).toISOString().slice(0, 10);
}

const secondsBetween = (start: string, end: string) =>
  `CASE WHEN "${end}" >= "${start}" THEN floor(extract(epoch FROM "${end}" - "${start}"))::int END`;

export function createReportStore(db: Database) {
  /** The range's first and last instants (UTC, as the timestamp columns hold them); an unknown zone is the field's fault. */
  async function bounds(scope: ReportScope): Promise<Bounds> {
    try {
      // Each local midnight from `from` to the day after `to`, in UTC: a DST change makes its day 23 or 25 hours long.
      const [row] = await db.$queryRaw<Array<{ edges: string[] }>>`
        SELECT array_agg(to_char((d::timestamp AT TIME ZONE ${scope.tz}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS') ORDER BY d) AS edges
        FROM generate_series(${scope.from}::date, ${scope.to}::date + 1, interval '1 day') d`;
      const edges = row!.edges;
      return { lo: edges[0]!, hi: edges.at(-1)!, edges, firstDay: scope.from };
    } catch (error) {
      if (/time zone/i.test(String(error))) throw InvalidInputError.field('query.tz', 'the database does not know this time zone');
      throw error;
    }
  }

  /** The scope's own rows of a table with accountId, queueId and agentId, dated by `column` within the range. */
  function where(scope: ReportScope, range: Bounds, column: string, alias = ''): Sql {
    const parts = [
      Prisma.sql`${Prisma.raw(`${alias}"accountId"`)} = ANY(${scope.accountIds}::int[])`,
      Prisma.sql`${Prisma.raw(column)} >= ${range.lo}::timestamp AND ${Prisma.raw(column)} < ${range.hi}::timestamp`,
    ];
    if (scope.queueId !== undefined) parts.push(Prisma.sql`${Prisma.raw(`${alias}"queueId"`)} = ${scope.queueId}`);
    if (scope.agentId !== undefined) parts.push(Prisma.sql`${Prisma.raw(`${alias}"agentId"`)} = ${scope.agentId}`);
    return Prisma.join(parts, ' AND ');
  }

  /** What rows are grouped by: the local day of `column` (its number in the range, from 1), or the agent or queue. */
  const groupOf = (grouping: Grouping, column: string, range: Bounds): Sql =>
    grouping === 'day'
      ? Prisma.sql`width_bucket(${Prisma.raw(column)}, ${range.edges}::timestamp[])`
      : Prisma.raw(grouping === 'agent' ? '"agentId"' : '"queueId"');
  const keyOf = Prisma.sql`coalesce(g::text, 'null')`;
  /** A day's number in the range as its date; other keys as they are. */
  const keyFor = (grouping: Grouping, range: Bounds) => (key: unknown) =>
    grouping === 'day' && key !== 'all' ? dayOf(range, Number(key)) : String(key);

  return {
    bounds,

    /**
     * Interactions that arrived in the range: waiting (arrival to acceptance), first response (arrival to the first
     * agent email) and their SLA targets, per group and in all ('all').
     */
    async arrivals(scope: ReportScope, range: Bounds, grouping: Grouping) {
      const rows = await db.$queryRaw<Array<Record<string, unknown>>>`
        SELECT CASE WHEN GROUPING(g) = 1 THEN 'all' ELSE ${keyOf} END AS key,
               ${stats('w', 'w')}, ${stats('f', 'f')}, ${SLA_SUMS}
        FROM (SELECT ${groupOf(grouping, '"arrivedAt"', range)} AS g, ${SLA_COLUMNS},
                     ${Prisma.raw(secondsBetween('arrivedAt', 'acceptedAt'))} AS w,
                     ${Prisma.raw(secondsBetween('arrivedAt', 'firstResponseAt'))} AS f
              FROM "ReportInteraction" WHERE ${where(scope, range, '"arrivedAt"')}) x
        GROUP BY GROUPING SETS ((), (g))`;
      const key = keyFor(grouping, range);
      return new Map(
        rows.map((row) => [key(row.key), { waiting: durationOf(row, 'w'), firstResponse: durationOf(row, 'f'), sla: slaFiguresOf(row) }]),
      );
    },

    /** Interactions closed in the range: how many and their handle time (acceptance to close), per group and in all. */
    async closed(scope: ReportScope, range: Bounds, grouping: Grouping) {
      const rows = await db.$queryRaw<Array<Record<string, unknown>>>`
        SELECT CASE WHEN GROUPING(g) = 1 THEN 'all' ELSE ${keyOf} END AS key, count(*)::int AS closed, ${stats('h', 'h')}
        FROM (SELECT ${groupOf(grouping, '"closedAt"', range)} AS g, ${Prisma.raw(secondsBetween('acceptedAt', 'closedAt'))} AS h
              FROM "ReportInteraction" WHERE ${where(scope, range, '"closedAt"')}) x
        GROUP BY GROUPING SETS ((), (g))`;
      const key = keyFor(grouping, range);
      return new Map(rows.map((row) => [key(row.key), { closed: row.closed as number, handle: durationOf(row, 'h') }]));
    },

    /** Interactions created in the range, per group and in all. */
    async created(scope: ReportScope, range: Bounds, grouping: Grouping): Promise<Map<GroupKey, number>> {
      const rows = await db.$queryRaw<Array<{ key: string; n: number }>>`
        SELECT CASE WHEN GROUPING(g) = 1 THEN 'all' ELSE ${keyOf} END AS key, count(*)::int AS n
        FROM (SELECT ${groupOf(grouping, '"createdAt"', range)} AS g FROM "ReportInteraction" WHERE ${where(scope, range, '"createdAt"')}) x
        GROUP BY GROUPING SETS ((), (g))`;
      const key = keyFor(grouping, range);
      return new Map(rows.map((row) => [key(row.key), row.n]));
    },

    /** Emails and transfers in the range by kind, per group and in all. */
    async activity(scope: ReportScope, range: Bounds, grouping: Grouping): Promise<Map<GroupKey, ActivityCounts>> {
      const filter = where(scope, range, '"at"');
      const rows = await db.$queryRaw<Array<{ key: string; kind: keyof typeof ACTIVITY_KINDS; n: number }>>`
        SELECT ${keyOf} AS key, kind, count(*)::int AS n
        FROM (SELECT ${groupOf(grouping, '"at"', range)} AS g, kind FROM "ReportActivity" WHERE ${filter}) x
        GROUP BY g, kind`;
      const key = keyFor(grouping, range);
      const result = new Map<GroupKey, ActivityCounts>();
      const add = (key: GroupKey, kind: keyof typeof ACTIVITY_KINDS, n: number) => {
        const counts = result.get(key) ?? { inbound: 0, outbound: 0, autoreplies: 0, transfers: 0 };
        counts[ACTIVITY_KINDS[kind]] += n;
        result.set(key, counts);
      };
      for (const row of rows) {
        add(key(row.key), row.kind, row.n);
        add('all', row.kind, row.n);
      }
      return result;
    },

    /** Interactions closed in the range, by disposition (null: closed without one). */
    async dispositions(scope: ReportScope, range: Bounds) {
      return db.$queryRaw<Array<{ dispositionId: number | null; name: string | null; count: number }>>`
        SELECT r."dispositionId", d.name, r.count
        FROM (SELECT "dispositionId", count(*)::int AS count FROM "ReportInteraction" WHERE ${where(scope, range, '"closedAt"')} GROUP BY 1) r
        LEFT JOIN "Disposition" d ON d.id = r."dispositionId"
        ORDER BY r.count DESC, d.name NULLS LAST`;
    },

    /** Whether the user is added to one of the accounts. */
    async agentServes(agentId: number, accountIds: number[]): Promise<boolean> {
      return (await db.accountAgent.count({ where: { userId: agentId, accountId: { in: accountIds } } })) > 0;
    },

    async agentNames(ids: number[]): Promise<Map<number, string>> {
      const users = await db.user.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } });
      return new Map(users.map((user) => [user.id, user.name]));
    },

    async queueNames(ids: number[]): Promise<Map<number, string>> {
      const queues = await db.queue.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } });
      return new Map(queues.map((queue) => [queue.id, queue.name]));
    },
  };
}

export type ReportStore = ReturnType<typeof createReportStore>;
