/**
 * Reports for the API: the caller's scope (an agent sees their own figures only; admins and supervisors the
 * accounts they may see), then the figures from the report store.
 */
import { ForbiddenError } from '../domain/errors';
import type { Actor } from '../domain/people';
import {
  distributionOf,
  emptyVolumes,
  type BreakdownRow,
  type ReportBreakdown,
  type ReportQuery,
  type ReportScope,
  type ReportSummary,
} from '../domain/reports';
import type { ReportStore } from '../store/reports';
import type { Visibility } from './visibility';

export function createReports(store: ReportStore, visibility: Visibility) {
  async function scopeOf(query: ReportQuery, user: Actor): Promise<ReportScope> {
    if (user.role === 'agent' && query.agentId !== undefined && query.agentId !== user.id)
      throw new ForbiddenError('an agent sees their own figures only: leave agentId out or give your own');
    let accountIds = await visibility.accountIds(user);
    if (query.accountId !== undefined) {
      await visibility.requireAccount(query.accountId, user);
      accountIds = [query.accountId];
    }
    if (query.queueId !== undefined) await visibility.requireQueue(query.queueId, user);
    return {
      from: query.from,
      to: query.to,
      tz: query.tz,
      accountIds,
      ...(query.queueId !== undefined ? { queueId: query.queueId } : {}),
      ...(user.role === 'agent' ? { agentId: user.id } : query.agentId !== undefined ? { agentId: query.agentId } : {}),
    };
  }

  /** Every local day of the range, YYYY-MM-DD. */
  function days(from: string, to: string): string[] {
    const result: string[] = [];
    for (let at = Date.parse(`${from}T00:00:00Z`); at <= Date.parse(`${to}T00:00:00Z`); at += 86_400_000)
      result.push(new Date(at).toISOString().slice(0, 10));
    return result;
  }

  return {
    async summary(query: ReportQuery, user: Actor): Promise<ReportSummary> {
      const scope = await scopeOf(query, user);
      const range = await store.bounds(scope);
      const [arrivals, handle, volumes, daily, sla, dispositions] = await Promise.all([
        store.arrivals(scope, range, null),
        store.handle(scope, range, null),
        store.volumes(scope, range, null),
        store.volumes(scope, range, 'day'),
        store.sla(scope, range),
        store.dispositions(scope, range),
      ]);
      return {
        from: scope.from,
        to: scope.to,
        tz: scope.tz,
        volumes: volumes.get('all') ?? emptyVolumes(),
        waiting: distributionOf(arrivals.waiting[0]),
        firstResponse: distributionOf(arrivals.firstResponse[0]),
        handle: distributionOf(handle[0]),
        sla,
        dispositions,
        daily: days(scope.from, scope.to).map((day) => ({ day, ...(daily.get(day) ?? emptyVolumes()) })),
      };
    },

    /** The same figures per agent or per queue, busiest first. */
    async breakdown(by: 'agent' | 'queue', query: ReportQuery, user: Actor): Promise<ReportBreakdown> {
      const scope = await scopeOf(query, user);
      const range = await store.bounds(scope);
      const [arrivals, handle, volumes] = await Promise.all([
        store.arrivals(scope, range, by),
        store.handle(scope, range, by),
        store.volumes(scope, range, by),
      ]);
      const keyOf = (g: unknown) => String(g);
      const keys = new Set<string>([
        ...volumes.keys(),
        ...[...arrivals.waiting, ...arrivals.firstResponse, ...handle].map((row) => keyOf(row.g)),
      ]);
      const ids = [...keys].filter((key) => key !== 'null').map(Number);
      const names = by === 'agent' ? await store.agentNames(ids) : await store.queueNames(ids);
      const find = <R extends { g: unknown }>(rows: R[], key: string) => rows.find((row) => keyOf(row.g) === key);
      const rows: BreakdownRow[] = [...keys].map((key) => {
        const id = key === 'null' ? null : Number(key);
        const waiting = find(arrivals.waiting, key);
        const firstResponse = find(arrivals.firstResponse, key);
        const handled = find(handle, key);
        return {
          id,
          name: id === null ? null : (names.get(id) ?? null),
          ...(volumes.get(key) ?? emptyVolumes()),
          waitingP50: waiting?.p50 ?? null,
          waitingP90: waiting?.p90 ?? null,
          firstResponseP50: firstResponse?.p50 ?? null,
          firstResponseP90: firstResponse?.p90 ?? null,
          handleP50: handled?.p50 ?? null,
          handleP90: handled?.p90 ?? null,
        };
      });
      // Busiest first; the row of none (no agent, no queue) last.
      const busy = (row: BreakdownRow) => (row.id === null ? -1 : row.inbound + row.outbound + row.closed);
      rows.sort((a, b) => busy(b) - busy(a) || (a.id ?? 0) - (b.id ?? 0));
      return { from: scope.from, to: scope.to, tz: scope.tz, rows };
    },
  };
}

export type Reports = ReturnType<typeof createReports>;
