/**
 * One routing step: the interaction is offered to an agent, or in queues, until an agent accepts or the step's
 * time runs out. The database decides offers (at once when an agent has room, later by the dispatcher when one
 * frees up) and accepts; the workflow holds the timers: each offer's expiry and the step's deadline. A waiting
 * interaction costs nothing: no poll, only its deadline timer.
 */
import { condition } from '@temporalio/workflow';
import type { OfferSource } from '../../../domain/routing';
import { routing } from './activities';
import type { PlacedRun } from './run';

export type StepTarget = { kind: 'queues'; queueIds: number[] } | { kind: 'agent'; agentId: number; always: boolean };

/** Returns true when an agent accepted within `seconds`. */
export async function place(run: PlacedRun, target: StepTarget, seconds: number, source: OfferSource): Promise<boolean> {
  const deadline = Date.now() + seconds * 1000;
  // One offer to a named agent; queues offer round after round, passing over agents who let it go.
  const singleShot = target.kind === 'agent';
  const passedOver = new Set<number>();
  let hadOffers = false;

  const enter = async () => {
    const placed = await routing.placeInteraction({ ...run.ids(), target, source, deadline, excludedAgentIds: [...passedOver] });
    run.track(placed.offers);
    run.waiting = placed.state === 'waiting-for-agents';
    if (run.waiting) passedOver.clear();
    run.setState(placed.state === 'offered' && source === 'assigned-agent' ? 'offered-to-assigned-agent' : placed.state, {
      queueId: placed.queueId,
      ...(target.kind === 'agent' ? { agentId: target.agentId } : {}),
    });
  };
  const leave = async (): Promise<boolean> => {
    const left = await routing.leaveStep(run.ids());
    run.pending.clear();
    run.waiting = false;
    if (left.acceptedBy === null) return false;
    run.hold(left.acceptedBy);
    return true;
  };

  await enter();
  for (;;) {
    if (run.status.holderAgentId !== null) return true;
    if (run.pending.size > 0) hadOffers = true;
    const wakeAt = Math.min(deadline, run.earliestExpiry() ?? Infinity);
    run.offersChanged = false;
    await condition(() => run.status.holderAgentId !== null || run.offersChanged, Math.max(1, wakeAt - Date.now()));
    if (run.status.holderAgentId !== null) return true;
    if (Date.now() >= deadline) return leave();

    const expired = [...run.pending].filter(([, offer]) => offer.expiresAt <= Date.now()).map(([reservation]) => reservation);
    if (expired.length > 0) {
      for (const reservation of expired) run.pending.delete(reservation);
      const settled = await routing.settleOffers({ ...run.ids(), reservations: expired, state: 'timeout' });
      if (settled.acceptedBy !== null) {
        run.hold(settled.acceptedBy);
        return true;
      }
      for (const agentId of settled.agentIds) passedOver.add(agentId);
    }
    for (const agentId of run.letGo.splice(0)) passedOver.add(agentId);
    if (run.pending.size > 0 || run.waiting) continue;
    // Every offer of this round ended without an accept.
    if (singleShot && hadOffers) return leave();
    await enter();
  }
}
