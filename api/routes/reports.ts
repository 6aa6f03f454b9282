/**
 * Reports per account, queue and agent over a range of local days: GET /reports/summary, /reports/agents and
 * /reports/queues. JSON, or CSV with `Accept: text/csv` or `?format=csv`. An agent gets their own figures only.
 */
import type { Request, Response } from 'express';
import {
  breakdownTable,
  reportBreakdownSchema,
  reportQuerySchema,
  reportSummarySchema,
  summaryTable,
  type ReportQuery,
} from '../../domain/reports';
import { createReports } from '../../services/reports';
import type { RouterContext } from '../deps';
import { csvCell } from './exports';

const summary = reportSummarySchema.meta({ id: 'ReportSummary' });
const breakdown = reportBreakdownSchema.meta({ id: 'ReportBreakdown' });

/** CSV when the query says so or the client prefers it to JSON. */
function wantsCsv(query: ReportQuery, request: Request): boolean {
  if (query.format) return query.format === 'csv';
  return request.accepts(['application/json', 'text/csv']) === 'text/csv';
}

function sendCsv(response: Response, name: string, table: { header: string[]; rows: Array<Array<string | number | null>> }) {
  const lines = [table.header, ...table.rows].map((cells) => cells.map(csvCell).join(','));
  response
    .status(200)
    .type('text/csv; charset=utf-8')
    .attachment(name)
    .send(`${lines.join('\r\n')}\r\n`);
}

export function registerReportRoutes({ route, store, visibility }: RouterContext): void {
  const reports = createReports(store.reports, visibility);
  const common = {
    method: 'get' as const,
    tags: ['Reports'],
    roles: ['admin' as const, 'supervisor' as const, 'agent' as const],
    query: reportQuerySchema,
    errors: [404 as const],
  };
  const fileName = (kind: string, query: ReportQuery) => `mailroute-${kind}-${query.from}-to-${query.to}.csv`;

  route(
    {
      ...common,
      path: '/reports/summary',
      summary:
        'Volumes, waiting, first-response and handle times, SLA compliance, dispositions and the daily series (CSV: the daily series)',
      response: summary,
    },
    async ({ query, user, request, response }) => {
      const result = await reports.summary(query, user);
      if (!wantsCsv(query, request)) return result;
      sendCsv(response, fileName('summary', query), summaryTable(result));
      return undefined;
    },
  );

  for (const by of ['agent', 'queue'] as const) {
    route(
      {
        ...common,
        path: `/reports/${by}s`,
        summary: `The report's figures per ${by} (an agent: their own row)`,
        response: breakdown,
      },
      async ({ query, user, request, response }) => {
        const result = await reports.breakdown(by, query, user);
        if (!wantsCsv(query, request)) return result;
        sendCsv(response, fileName(`${by}s`, query), breakdownTable(result));
        return undefined;
      },
    );
  }
}
