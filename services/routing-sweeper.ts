/**
 * The safety net under signals. Offers and wake-ups are decided in the database and announced by signals right
 * after; if the process that should have sent one died in between, nothing polls to notice. So each worker, every
 * few seconds: ends offers long past their expiry that no workflow ended (telling their workflows), dispatches
 * any queue where an interaction waits while a member has room, and gives a run back to any open interaction that
 * an older routing left without one. Each is one indexed query when all is well.
 */
import type { Dispatcher } from './dispatch';
import { platformMetrics } from '../platform/metrics';
import type { DispatchStore } from '../store/dispatch';
import type { OfferAnswerStore } from '../store/offer-answers';

export interface SweeperDeps {
  dispatch: DispatchStore;
  offerAnswers: OfferAnswerStore;
  dispatcher: Dispatcher;
  warn: (message: string, detail: Record<string, unknown>) => void;
  intervalMs?: number;
  /** Past its expiry, a workflow's own timer ends an offer within seconds; only older ones are orphans. */
  graceSeconds?: number;
  /** Open interactions no run routes any more, and how to give each one back a run (waiting unassigned). */
  stranded?: {
    find(limit: number): Promise<Array<{ accountId: number; accountKey: string; interactionId: number; messageId: number }>>;
    resume(interaction: { accountId: number; accountKey: string; interactionId: number; messageId: number }): Promise<unknown>;
  };
}

export async function sweepOnce({
  dispatch,
  offerAnswers,
  dispatcher,
  graceSeconds = 15,
  stranded,
}: SweeperDeps): Promise<{ ended: number; queues: number; resumed: number }> {
  const orphans = await offerAnswers.expiredLongAgo(graceSeconds, 200);
  const byWorkflow = new Map<string, { interactionId: number; reservations: string[] }>();
  for (const orphan of orphans) {
    const entry = byWorkflow.get(orphan.workflowId) ?? { interactionId: orphan.interactionId, reservations: [] };
    entry.reservations.push(orphan.reservation);
    byWorkflow.set(orphan.workflowId, entry);
  }
  let ended = 0;
  for (const [workflowId, { interactionId, reservations }] of byWorkflow) {
    const settled = await offerAnswers.settle({ interactionId, workflowId, reservations, state: 'timeout' });
    ended += settled.ended.length;
    platformMetrics.offersEnded('timeout', settled.ended.length);
    await dispatcher.withdrawn(settled.ended, 'the offer expired');
    await dispatcher.agentsFreed(settled.ended.map((offer) => offer.agentId));
  }
  await dispatch.dropWaitsPastDeadline(graceSeconds * 4);
  const queues = await dispatch.queuesWithRoomAndWaiters();
  if (queues.length > 0) await dispatcher.queues(queues);
  const left = stranded ? await stranded.find(50) : [];
  for (const interaction of left) await stranded!.resume(interaction);
  return { ended, queues: queues.length, resumed: left.length };
}

export function startRoutingSweeper(deps: SweeperDeps): { stop(): void } {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    sweepOnce(deps)
      .catch((error: Error) => deps.warn('routing sweep failed; trying again', { err: error.message }))
      .finally(() => {
        running = false;
      });
  }, deps.intervalMs ?? 5_000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
