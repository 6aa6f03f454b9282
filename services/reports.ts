/**
 * Reports for the API: the caller's scope (an agent sees their own figures only; admins and supervisors the
 * accounts they may see), then the figures from the report store.
 */
import { ForbiddenError, NotFoundError } from '../domain/errors';
import type { Actor } from '../domain/people';
import {
  distributionOf,
  emptyVolumes,
  type BreakdownRow,
  type ReportBreakdown,
  type ReportQuery,
  type ReportScope,
  type ReportSummary,
  type Volumes,
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
    // A supervisor names agents of the accounts they see (others are not found); an admin any, with their history.
    if (query.agentId !== undefined && user.role === 'supervisor' && !(await store.agentServes(query.agentId, accountIds)))
      throw new NotFoundError(`agent ${query.agentId}`);
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

  /** The six counts of one group (a day, an agent, a queue, or 'all'). */
  function volumesOf(
    key: string,
    activity: Map<string, Omit<Volumes, 'newInteractions' | 'closed'>>,
    created: Map<string, number>,
    closed: Map<string, { closed: number }>,
  ): Volumes {
    return { ...emptyVolumes(), ...activity.get(key), newInteractions: created.get(key) ?? 0, closed: closed.get(key)?.closed ?? 0 };
  }

  return {
    async summary(query: ReportQuery, user: Actor): Promise<ReportSummary> {
      const scope = await scopeOf(query, user);
      const range = await store.bounds(scope);
      const [arrivals, closed, created, activity, dispositions] = await Promise.all([
        store.arrivals(scope, range, 'day'),
        store.closed(scope, range, 'day'),
        store.created(scope, range, 'day'),
        store.activity(scope, range, 'day'),
        store.dispositions(scope, range),
      ]);
      return {
        from: scope.from,
        to: scope.to,
        tz: scope.tz,
        volumes: volumesOf('all', activity, created, closed),
        waiting: distributionOf(arrivals.get('all')?.waiting),
        firstResponse: distributionOf(arrivals.get('all')?.firstResponse),
        handle: distributionOf(closed.get('all')?.handle),
        sla: arrivals.get('all')?.sla ?? { targets: 0, met: 0, breached: 0, pending: 0, compliance: null, byTarget: [] },
        dispositions,
        daily: days(scope.from, scope.to).map((day) => ({ day, ...volumesOf(day, activity, created, closed) })),
      };
    },

    /** The same figures per agent or per queue, busiest first; the row of none (no agent, no queue) last. */
    async breakdown(by: 'agent' | 'queue', query: ReportQuery, user: Actor): Promise<ReportBreakdown> {
      const scope = await scopeOf(query, user);
      const range = await store.bounds(scope);
      const [arrivals, closed, created, activity] = await Promise.all([
        store.arrivals(scope, range, by),
        store.closed(scope, range, by),
        store.created(scope, range, by),
        store.activity(scope, range, by),
      ]);
      const keys = new Set([...arrivals.keys(), ...closed.keys(), ...created.keys(), ...activity.keys()]);
      keys.delete('all');
      const ids = [...keys].filter((key) => key !== 'null').map(Number);
      const names = by === 'agent' ? await store.agentNames(ids) : await store.queueNames(ids);
      const rows: BreakdownRow[] = [...keys].map((key) => {
        const id = key === 'null' ? null : Number(key);
        const arrived = arrivals.get(key);
        const handled = closed.get(key)?.handle;
        return {
          id,
          name: id === null ? null : (names.get(id) ?? null),
          ...volumesOf(key, activity, created, closed),
          waitingP50: arrived?.waiting.p50 ?? null,
          waitingP90: arrived?.waiting.p90 ?? null,
          firstResponseP50: arrived?.firstResponse.p50 ?? null,
          firstResponseP90: arrived?.firstResponse.p90 ?? null,
          handleP50: handled?.p50 ?? null,
          handleP90: handled?.p90 ?? null,
        };
      });
      const busy = (row: BreakdownRow) => (row.id === null ? -1 : row.inbound + row.outbound + row.closed);
      rows.sort((a, b) => busy(b) - busy(a) || (a.id ?? 0) - (b.id ?? 0));
      return { from: scope.from, to: scope.to, tz: scope.tz, rows };
    },
  };
}

export type Reports = ReturnType<typeof createReports>;
