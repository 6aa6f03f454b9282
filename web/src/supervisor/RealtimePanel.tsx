/**
 * The realtime account view: waiting, offered, in progress and the longest wait, in all and per queue; and the team:
 * every agent of the account with presence (and why paused), time in that state, offers pending and interactions
 * held. The tiles and the rows come from one answer and one rule (domain/realtime.ts).
 */
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

type TeamRow = RealtimeAccountView['agents'][number];

function presenceLabel(agent: TeamRow): string {
  if (agent.presence === 'online') return 'Online';
  if (agent.presence === 'offline') return 'Offline';
  return agent.pauseReason ? `Paused: ${agent.pauseReason}` : 'Paused';
}

/** Seconds since `since`, re-rendered every 5 s so the time in state moves between loads. */
function useSecondsSince(): (since: string) => number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const tick = setInterval(() => setNow(Date.now()), 5_000);
    return () => clearInterval(tick);
  }, []);
  return (since: string) => Math.max(0, Math.round((Math.max(now, Date.now()) - Date.parse(since)) / 1000));
}

function TeamTable({ agents }: { agents: TeamRow[] }) {
  const secondsSince = useSecondsSince();
  return (
    <div class="table-scroll">
      <table class="team" data-testid="team">
        <caption>Team</caption>
        <thead>
          <tr>
            <th scope="col">Agent</th>
            <th scope="col">Presence</th>
            <th scope="col">In state for</th>
            <th scope="col">Offers</th>
            <th scope="col">Held</th>
          </tr>
        </thead>
        <tbody>
          {agents.length === 0 && (
            <tr>
              <td colSpan={5} class="muted">
                No agents: add agents to the account or to its queues.
              </td>
            </tr>
          )}
          {agents.map((agent) => (
            <tr key={agent.id} data-agent-id={agent.id}>
              <th scope="row">{agent.name}</th>
              <td>
                <span class={`presence-state ${agent.presence}`}>{presenceLabel(agent)}</span>
              </td>
              <td>
                <time dateTime={agent.presenceSince} title={new Date(agent.presenceSince).toLocaleString()}>
                  {formatSeconds(secondsSince(agent.presenceSince))}
                </time>
              </td>
              <td>{agent.offers}</td>
              <td>{agent.held}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function RealtimePanel({ realtime, queues }: { realtime: RealtimeAccountView | undefined; queues: Map<number, string> }) {
  if (!realtime) return <p class="muted">Loading…</p>;
  const tiles: Array<[string, string, string]> = [
    ['waiting', 'Waiting', String(realtime.waiting)],
    ['unassigned', 'Unassigned', String(realtime.unassigned)],
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
        <TeamTable agents={realtime.agents} />
        <div class="table-scroll">
          <table data-testid="per-queue">
            <caption>Per queue</caption>
            <thead>
              <tr>
                <th scope="col">Queue</th>
                <th scope="col">Waiting</th>
                <th scope="col">Unassigned</th>
                <th scope="col">Offered</th>
                <th scope="col">In progress</th>
                <th scope="col">Longest wait</th>
              </tr>
            </thead>
            <tbody>
              {realtime.queues.length === 0 && (
                <tr>
                  <td colSpan={6} class="muted">
                    Nothing open.
                  </td>
                </tr>
              )}
              {realtime.queues.map((row) => (
                <tr key={String(row.id)}>
                  <th scope="row">{row.id === null ? '(no queue)' : (queues.get(row.id) ?? `queue ${row.id}`)}</th>
                  <td>{row.waiting}</td>
                  <td>{row.unassigned}</td>
                  <td>{row.offered}</td>
                  <td>{row.inProgress}</td>
                  <td>{formatSeconds(row.longestWaitSeconds)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
    </>
  );
}
