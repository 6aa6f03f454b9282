/** How a queue picks among its free members (XCALLY's strategies). beepall rings all of them at once. */
export const QUEUE_STRATEGIES = ['beepall', 'rrmemory', 'leastrecent', 'fewestcalls', 'random'] as const;
export type QueueStrategy = (typeof QUEUE_STRATEGIES)[number];

export interface QueueCandidate {
  agentId: number;
  /** 0–10: among equal priority, higher weight is offered first. */
  weight: number;
  /** Lower number first (like a penalty in a voice queue). */
  priority: number;
  lastOfferAt: number | null;
  handledCount: number;
}

/**
 * Orders free queue members for an offer: priority, then weight, then the queue's strategy.
 * rrmemory continues after the member offered last (`rrPosition` is that member's agent id).
 */
export function orderQueueMembers(
  strategy: QueueStrategy,
  candidates: QueueCandidate[],
  { rrPosition, random }: { rrPosition: number; random: () => number },
): number[] {
  const byStrategy = (a: QueueCandidate, b: QueueCandidate): number => {
    switch (strategy) {
      case 'leastrecent':
        return (a.lastOfferAt ?? -Infinity) - (b.lastOfferAt ?? -Infinity) || a.agentId - b.agentId;
      case 'fewestcalls':
        return a.handledCount - b.handledCount || a.agentId - b.agentId;
      case 'rrmemory': {
        const rank = (candidate: QueueCandidate) => (candidate.agentId > rrPosition ? candidate.agentId : candidate.agentId + 2 ** 31);
        return rank(a) - rank(b);
      }
      case 'beepall':
      case 'random':
        return 0;
    }
  };
  const shuffled = strategy === 'random' ? shuffle(candidates, random) : [...candidates].sort((a, b) => a.agentId - b.agentId);
  return shuffled.sort((a, b) => a.priority - b.priority || b.weight - a.weight || byStrategy(a, b)).map((candidate) => candidate.agentId);
}

function shuffle<T>(items: T[], random: () => number): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [copy[index], copy[other]] = [copy[other]!, copy[index]!];
  }
  return copy;
}
