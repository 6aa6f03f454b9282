/**
 * Reports: what a report is asked for (a date range of local days in a time zone, narrowed to an account, a queue or
 * an agent) and what it answers. docs/reports.md says what each figure means.
 */
import { z } from 'zod';
import { timeZone } from './fields';

/** The longest range one report covers, in days (a leap year). */
export const MAX_REPORT_DAYS = 366;

/** The duration histogram's buckets, in seconds: [from, to), the last one open. */
export const DURATION_BUCKETS = [
  { label: '< 1 min', from: 0, to: 60 },
  { label: '1-5 min', from: 60, to: 300 },
  { label: '5-15 min', from: 300, to: 900 },
  { label: '15-60 min', from: 900, to: 3600 },
  { label: '1-4 h', from: 3600, to: 14400 },
  { label: '4-24 h', from: 14400, to: 86400 },
  { label: '>= 24 h', from: 86400, to: null },
] as const;

const day = z.iso.date('must be a date as YYYY-MM-DD');
const optionalId = (what: string) =>
  z.coerce
    .number()
    .int()
    .positive()
    .max(2147483647)
    .optional()
    .meta({ description: `only this ${what}` });

/** Days between two YYYY-MM-DD dates, both counted. */
export function daysInRange(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
}

export const reportQuerySchema = z
  .object({
    from: day.meta({ description: 'first local day of the range (YYYY-MM-DD, in tz)' }),
    to: day.meta({ description: `last local day of the range, included; at most ${MAX_REPORT_DAYS} days after from` }),
    tz: timeZone().default('UTC'),
    accountId: optionalId('email account'),
    queueId: optionalId('queue'),
    agentId: optionalId('agent'),
    format: z.enum(['json', 'csv']).optional().meta({ description: 'csv: the same figures as CSV (as Accept: text/csv does)' }),
  })
  .strict()
  .superRefine((query, context) => {
    if (query.from > query.to) context.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
    else if (daysInRange(query.from, query.to) > MAX_REPORT_DAYS)
      context.addIssue({ code: 'custom', path: ['to'], message: `the range may cover at most ${MAX_REPORT_DAYS} days` });
  });
export type ReportQuery = z.output<typeof reportQuerySchema>;

/** What a report reads: the range and the scope the caller may see (accounts already narrowed by visibility). */
export interface ReportScope {
  from: string;
  to: string;
  tz: string;
  accountIds: number[];
  queueId?: number;
  agentId?: number;
}

const seconds = z.number().int().nullable();

export const distributionSchema = z
  .object({
    count: z.number().int().meta({ description: 'interactions measured' }),
    p50: seconds.meta({ description: 'median, seconds (a measured value: the smallest with at least half at or below it)' }),
    p90: seconds.meta({ description: '90th percentile, seconds (a measured value)' }),
    histogram: z.array(z.object({ label: z.string(), from: z.number().int(), to: z.number().int().nullable(), count: z.number().int() })),
  })
  .strict();
export type Distribution = z.output<typeof distributionSchema>;

export const volumesSchema = z
  .object({
    inbound: z.number().int().meta({ description: 'customer emails received' }),
    outbound: z.number().int().meta({ description: 'replies and forwards agents sent' }),
    newInteractions: z.number().int(),
    closed: z.number().int(),
    autoreplies: z.number().int().meta({ description: 'autoreplies sent' }),
    transfers: z.number().int().meta({ description: 'transfers agents started' }),
  })
  .strict();
export type Volumes = z.output<typeof volumesSchema>;

export const slaFiguresSchema = z
  .object({
    targets: z.number().int(),
    met: z.number().int().meta({ description: 'met within target: metAt set and never breached' }),
    breached: z.number().int(),
    pending: z.number().int().meta({ description: 'neither met nor breached yet' }),
    compliance: z.number().nullable().meta({ description: 'met / (met + breached), 0 to 1; null when none is settled' }),
  })
  .strict();
export type SlaFigures = z.output<typeof slaFiguresSchema>;

export const reportSummarySchema = z
  .object({
    from: z.string(),
    to: z.string(),
    tz: z.string(),
    volumes: volumesSchema,
    waiting: distributionSchema,
    firstResponse: distributionSchema,
    handle: distributionSchema,
    sla: slaFiguresSchema.extend({ byTarget: z.array(slaFiguresSchema.extend({ target: z.string() }).strict()) }).strict(),
    dispositions: z.array(
      z.object({ dispositionId: z.number().int().nullable(), name: z.string().nullable(), count: z.number().int() }).strict(),
    ),
    daily: z.array(volumesSchema.extend({ day: z.string() }).strict()),
  })
  .strict();
export type ReportSummary = z.output<typeof reportSummarySchema>;

export const breakdownRowSchema = volumesSchema
  .extend({
    id: z.number().int().nullable().meta({ description: 'the agent or queue; null: none' }),
    name: z.string().nullable(),
    waitingP50: seconds,
    waitingP90: seconds,
    firstResponseP50: seconds,
    firstResponseP90: seconds,
    handleP50: seconds,
    handleP90: seconds,
  })
  .strict();
export type BreakdownRow = z.output<typeof breakdownRowSchema>;

export const reportBreakdownSchema = z
  .object({ from: z.string(), to: z.string(), tz: z.string(), rows: z.array(breakdownRowSchema) })
  .strict();
export type ReportBreakdown = z.output<typeof reportBreakdownSchema>;

/** Durations of one cohort, per group: count, p50, p90 and the histogram's counts. */
export interface DurationRow {
  g: string | number | null;
  n: number;
  p50: number | null;
  p90: number | null;
  buckets: number[];
}

export function emptyVolumes(): Volumes {
  return Object.fromEntries(VOLUME_KEYS.map((key) => [key, 0])) as Volumes;
}

export function distributionOf(row: DurationRow | undefined): Distribution {
  return {
    count: row?.n ?? 0,
    p50: row?.p50 ?? null,
    p90: row?.p90 ?? null,
    histogram: DURATION_BUCKETS.map((bucket, index) => ({ ...bucket, count: row?.buckets[index] ?? 0 })),
  };
}

export const VOLUME_KEYS = ['inbound', 'outbound', 'newInteractions', 'closed', 'autoreplies', 'transfers'] as const;

/** The CSV of a summary: one row per local day (the chart's series), then one total row. */
export function summaryTable(summary: ReportSummary): { header: string[]; rows: Array<Array<string | number | null>> } {
  const header = ['day', ...VOLUME_KEYS];
  const rows: Array<Array<string | number | null>> = summary.daily.map((row) => [row.day, ...VOLUME_KEYS.map((key) => row[key])]);
  rows.push(['total', ...VOLUME_KEYS.map((key) => summary.volumes[key])]);
  return { header, rows };
}

/** The CSV of a breakdown by agent or queue: one row each. */
export function breakdownTable(breakdown: ReportBreakdown): { header: string[]; rows: Array<Array<string | number | null>> } {
  const header = [
    'id',
    'name',
    ...VOLUME_KEYS,
    'waitingP50',
    'waitingP90',
    'firstResponseP50',
    'firstResponseP90',
    'handleP50',
    'handleP90',
  ];
  const rows = breakdownRow(breakdown.rows);
  return { header, rows };
}

function breakdownRow(rows: BreakdownRow[]): Array<Array<string | number | null>> {
  return rows.map((row) => [
    row.id,
    row.name,
    ...VOLUME_KEYS.map((key) => row[key]),
    row.waitingP50,
    row.waitingP90,
    row.firstResponseP50,
    row.firstResponseP90,
    row.handleP50,
    row.handleP90,
  ]);
}
