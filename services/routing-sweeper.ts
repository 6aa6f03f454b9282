/**
 * The safety net under signals. Offers and wake-ups are decided in the database and announced by signals right
 * after; if the process that should have sent one died in between, nothing polls to notice. So each worker, every
 * few seconds: ends offers long past their expiry that no workflow ended (telling their workflows), and dispatches
 * any queue where an interaction waits while a member has room. Both are one indexed query when all is well.
 */
import type { Dispatcher } from './dispatch';
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
}

export async function sweepOnce({
  dispatch,
  offerAnswers,
  dispatcher,
  graceSeconds = 15,
}: SweeperDeps): Promise<{ ended: number; queues: number }> {
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
    await dispatcher.withdrawn(settled.ended, 'the offer expired');
    await dispatcher.agentsFreed(settled.ended.map((offer) => offer.agentId));
  }
  await dispatch.dropWaitsPastDeadline(graceSeconds * 4);
  const queues = await dispatch.queuesWithRoomAndWaiters();
  if (queues.length > 0) await dispatcher.queues(queues);
  return { ended, queues: queues.length };
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
