/** The realtime account view: waiting, offered, in progress and the longest wait, in all and per queue and agent. */
import { useEffect, useState } from 'preact/hooks';
import { get } from '../api';
import type { RealtimeAccountView } from '../types';
import { formatSeconds, useLatest } from '../ui';

/** The account's realtime counts, loaded when the account changes and every 10 s (the longest wait grows without events). */
export function useRealtime(accountId: number | null): { realtime: RealtimeAccountView | undefined; reload: () => Promise<void> } {
  const [realtime, setRealtime] = useState<RealtimeAccountView | undefined>(undefined);
  const latest = useLatest();
  const reload = async () => {
    if (accountId === null) return;
    await latest(() => get<RealtimeAccountView>(`/accounts/${accountId}/realtime`).catch(() => undefined), setRealtime);
  };
  useEffect(() => {
    setRealtime(undefined);
    void reload();
    const poll = setInterval(() => void reload(), 10_000);
    return () => clearInterval(poll);
  }, [accountId]);
  return { realtime, reload };
}

export function RealtimePanel({
  realtime,
  queues,
  users,
}: {
  realtime: RealtimeAccountView | undefined;
  queues: Map<number, string>;
  users: Map<number, string>;
}) {
  if (!realtime) return <p class="muted">Loading…</p>;
  const tiles: Array<[string, string, string]> = [
    ['waiting', 'Waiting', String(realtime.waiting)],
    ['offered', 'Offered', String(realtime.offered)],
    ['in-progress', 'In progress', String(realtime.inProgress)],
    ['longest-wait', 'Longest wait', formatSeconds(realtime.longestWaitSeconds)],
  ];
  return (
    <>
      <dl class="tiles">
        {tiles.map(([id, label, value]) => (
          <div key={id} class="tile" data-testid={`realtime-${id}`}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <div class="realtime-tables">
        {(
          [
            ['Per queue', realtime.queues, (id: number | null) => (id === null ? '(no queue)' : (queues.get(id) ?? `queue ${id}`))],
            ['Per agent', realtime.agents, (id: number | null) => (id === null ? '' : (users.get(id) ?? `agent ${id}`))],
          ] as const
        ).map(([caption, rows, name]) => (
          <table key={caption}>
            <caption>{caption}</caption>
            <thead>
              <tr>
                <th scope="col">{caption === 'Per queue' ? 'Queue' : 'Agent'}</th>
                <th scope="col">Waiting</th>
                <th scope="col">Offered</th>
                <th scope="col">In progress</th>
                <th scope="col">Longest wait</th>
              </tr>
            </thead>
            <tbody>
              {rows.length === 0 && (
                <tr>
                  <td colSpan={5} class="muted">
                    Nothing open.
                  </td>
                </tr>
              )}
              {rows.map((row) => (
                <tr key={String(row.id)}>
                  <th scope="row">{name(row.id)}</th>
                  <td>{row.waiting}</td>
                  <td>{row.offered}</td>
                  <td>{row.inProgress}</td>
                  <td>{formatSeconds(row.longestWaitSeconds)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
      </div>
    </>
  );
}
