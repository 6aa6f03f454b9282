/** The supervisor's realtime account view, computed from the open interactions of an account. */
export interface RealtimeCounts {
  waiting: number;
  offered: number;
  inProgress: number;
  /** Seconds since the last customer message of the longest-waiting interaction not yet taken. */
  longestWaitSeconds: number;
}

export interface OpenInteraction {
  routingState: string;
  queueId: number | null;
  agentId: number | null;
  lastMessageAt: Date;
}

export function realtimeStateOf(routingState: string): keyof Omit<RealtimeCounts, 'longestWaitSeconds'> {
  if (routingState === 'accepted' || routingState === 'disposing') return 'inProgress';
  if (routingState === 'offered' || routingState.startsWith('offered-')) return 'offered';
  return 'waiting';
}

function countBy(rows: OpenInteraction[], key: (row: OpenInteraction) => number | null, now: number) {
  const groups = new Map<number | null, RealtimeCounts>();
  for (const row of rows) {
    const counts = groups.get(key(row)) ?? { waiting: 0, offered: 0, inProgress: 0, longestWaitSeconds: 0 };
    const state = realtimeStateOf(row.routingState);
    counts[state] += 1;
    if (state !== 'inProgress')
      counts.longestWaitSeconds = Math.max(counts.longestWaitSeconds, Math.round((now - row.lastMessageAt.getTime()) / 1000));
    groups.set(key(row), counts);
  }
  return [...groups].map(([id, counts]) => ({ id, ...counts }));
}

export function summariseOpenInteractions(rows: OpenInteraction[], now: number) {
  const { id: _all, ...totals } = countBy(rows, () => 0, now)[0] ?? { id: 0, waiting: 0, offered: 0, inProgress: 0, longestWaitSeconds: 0 };
  return {
    ...totals,
    queues: countBy(rows, (row) => row.queueId, now),
    agents: countBy(rows, (row) => row.agentId, now).filter((entry): entry is RealtimeCounts & { id: number } => entry.id !== null),
  };
}
