/**
 * One routing step when the database places offers: the interaction is offered to an agent, or in queues, until an
 * agent accepts or the step's time runs out. The database decides offers (at once when an agent has room, later by
 * the dispatcher when one frees up) and accepts; the workflow holds the timers — each offer's expiry and the step's
 * deadline — and hears of offers and answers by signal. A waiting interaction costs nothing: no poll, one timer.
 */
import { condition, patched, setHandler } from '@temporalio/workflow';
import {
  offerAcceptedSignal,
  offerDeclinedSignal,
  offersMadeSignal,
  offersWithdrawnSignal,
  type OfferNotice,
  type RouteEmailInput,
} from '../../contracts/route-email';
import { SUPERVISOR_QUEUE_SECONDS, type OfferRef, type OfferSource, type RoutingStart } from '../../domain/routing';
import { routing } from './activities';
import { RoutingRun } from './run';
import type { SupervisorRequest } from './unassigned';

export class PlacedRun extends RoutingRun {
  /** Pending offers of the current step: reservation → agent and expiry (epoch ms). */
  readonly pending = new Map<string, { agentId: number; expiresAt: number }>();
  /** Agents who let an offer of this step go since the step last looked (declined, withdrawn). */
  readonly letGo: number[] = [];
  /** The interaction waits in line for an agent (no pending offer of its own). */
  waiting = false;
  /** Set whenever an answer or the dispatcher changed the step's offers. */
  offersChanged = false;
  /** Routing steps entered so far: names each step's offers (s<step>-o<id>), so a retried step finds its own. */
  steps = 0;
  /** The last step an agent accepted in: a later signal about an accept of that step (or before) is old news. */
  heldStep = 0;
  context: RoutingStart | undefined;
  /** While unassigned: an agent's pick-up is being recorded (other requests wait or are refused). */
  pickingUp = false;
  /** While unassigned: where a supervisor asked to send it. */
  supervisorRequest: SupervisorRequest | null = null;
  /** While looking for an agent (escalating()): a service level's escalation queue to send it to at once. */
  escalateTo: number | null = null;
  /** Whether a step running now may be cut short for an escalation queue (see escalating()). */
  escalatable = false;

  constructor(input: RouteEmailInput) {
    super(input, true);
  }

  pendingOffers(): OfferRef[] {
    return [...this.pending].map(([reservation, { agentId }]) => ({ reservation, agentId }));
  }

  keepsSentCopy(): boolean {
    return true;
  }

  /** Offers the step now waits on (from its own placement or from the dispatcher). */
  track(offers: OfferNotice[]): void {
    for (const { reservation, agentId, expiresAt } of offers) this.pending.set(reservation, { agentId, expiresAt });
    if (offers.length > 0) this.waiting = false;
    this.offersChanged = true;
  }

  /** Offers that ended without an accept (declined, withdrawn): their agents are passed over for this step. */
  forget(reservations: string[]): void {
    for (const reservation of reservations) {
      const offer = this.pending.get(reservation);
      if (!offer) continue;
      this.pending.delete(reservation);
      this.letGo.push(offer.agentId);
    }
    this.offersChanged = true;
  }

  /** An accept won: the agent holds the interaction; every other offer of the step is over. */
  hold(agentId: number): void {
    this.heldStep = this.steps;
    this.pending.clear();
    this.waiting = false;
    this.status.holderAgentId = agentId;
    this.setState('accepted', { agentId });
  }

  earliestExpiry(): number | undefined {
    let earliest: number | undefined;
    for (const { expiresAt } of this.pending.values()) if (earliest === undefined || expiresAt < earliest) earliest = expiresAt;
    return earliest;
  }
}

/** What the dispatcher and agents' answers tell a run whose offers the database places. */
export function installOfferHandlers(run: PlacedRun): void {
  setHandler(offersMadeSignal, ({ offers, queueId }) => {
    // Only a run waiting in line can be offered by the dispatcher; anything else is an echo of an earlier step.
    if (!run.waiting || run.status.holderAgentId !== null) return;
    run.track(offers);
    run.setState('offered', { queueId });
  });
  setHandler(offerAcceptedSignal, ({ reservation, agentId }) => {
    // The run may hear of an accept from its own step first (the activity's answer) and of the signal later, even
    // after a transfer has let the interaction go: holding again then would give it back to the transferring agent.
    if (stepOf(reservation) <= run.heldStep && patched('old-accept-news-ignored')) return;
    if (run.status.holderAgentId !== agentId) run.hold(agentId);
  });
  setHandler(offerDeclinedSignal, ({ reservation }) => run.forget([reservation]));
  setHandler(offersWithdrawnSignal, ({ reservations }) => run.forget(reservations));
}

/** The step an offer belongs to, from its reservation (s<step>-o<id>). */
function stepOf(reservation: string): number {
  const match = /^s(\d+)-/.exec(reservation);
  return match ? Number(match[1]) : Number.POSITIVE_INFINITY;
}

/** Thrown out of a step cut short for a service level's escalation queue; escalating() catches it. */
export class EscalatedToQueue extends Error {
  constructor(readonly queueId: number) {
    super(`escalated to queue ${queueId}`);
  }
}

/**
 * Looks for an agent the way `find` does, unless a service level escalates meanwhile: the step running is then cut
 * short and the interaction offered in the escalation queue for as long as a supervisor's requeue (again, if a
 * later escalation names another queue).
 */
export async function escalating(
  run: PlacedRun,
  find: () => Promise<{ accepted: boolean; reason: string }>,
): Promise<{ accepted: boolean; reason: string }> {
  let current = find;
  for (;;) {
    run.escalatable = true;
    try {
      return await current();
    } catch (error) {
      if (!(error instanceof EscalatedToQueue)) throw error;
      const { queueId } = error;
      await routing.recordRoutingEvent({ ...run.ids(), type: 'routed-by-supervisor', detail: { actorId: null, kind: 'queue', queueId } });
      current = async () => {
        const taken = await place(run, { kind: 'queues', queueIds: [queueId] }, SUPERVISOR_QUEUE_SECONDS, 'supervisor');
        return { accepted: taken, reason: taken ? 'accepted' : `nobody in escalation queue ${queueId} took it` };
      };
    } finally {
      run.escalatable = false;
      run.escalateTo = null;
    }
  }
}

export type StepTarget = { kind: 'queues'; queueIds: number[] } | { kind: 'agent'; agentId: number; always: boolean };

/** Returns true when an agent accepted within `seconds`. */
export async function place(run: PlacedRun, target: StepTarget, seconds: number, source: OfferSource): Promise<boolean> {
  const deadline = Date.now() + seconds * 1000;
  const step = ++run.steps;
  // The step ends at its accept even when an update handled in the same activation already let the interaction go
  // again (a transfer asked right after the accept): the holder is then empty, but the step must neither offer again
  // nor hold anew for the agent who is passing it on.
  const endsAtItsAccept = patched('step-ends-at-its-accept');
  const accepted = () => (endsAtItsAccept ? run.heldStep === step : run.status.holderAgentId !== null);
  // One offer to a named agent; queues offer round after round, passing over agents who let it go.
  const singleShot = target.kind === 'agent';
  const passedOver = new Set<number>();
  let hadOffers = false;

  const enter = async () => {
    const placed = await routing.placeInteraction({ ...run.ids(), target, source, step, deadline, excludedAgentIds: [...passedOver] });
    // An accept may have won while the activity ran (its signal handled meanwhile), or before it was retried.
    if (placed.acceptedBy !== null && !accepted()) run.hold(placed.acceptedBy);
    if (accepted()) return;
    run.track(placed.offers);
    run.waiting = placed.state === 'waiting-for-agents';
    if (run.waiting) passedOver.clear();
    run.setState(
      placed.state === 'waiting-for-agents' ? 'waiting-for-agents' : source === 'assigned-agent' ? 'offered-to-assigned-agent' : 'offered',
      {
        queueId: placed.queueId,
        ...(target.kind === 'agent' ? { agentId: target.agentId } : {}),
      },
    );
  };
  const leave = async (): Promise<boolean> => {
    const left = await routing.leaveStep({ ...run.ids(), step });
    run.pending.clear();
    run.waiting = false;
    if (left.acceptedBy === null) return false;
    run.hold(left.acceptedBy);
    return true;
  };

  // A service level's escalation cuts the step short (unless an accept won): escalating() goes on from there.
  if (run.escalateTo !== null) throw new EscalatedToQueue(run.escalateTo);
  await enter();
  for (;;) {
    if (accepted()) return true;
    if (run.pending.size > 0) hadOffers = true;
    const wakeAt = Math.min(deadline, run.earliestExpiry() ?? Infinity);
    run.offersChanged = false;
    await condition(() => accepted() || run.offersChanged || run.escalateTo !== null, Math.max(1, wakeAt - Date.now()));
    if (accepted()) return true;
    if (run.escalateTo !== null) {
      const queueId = run.escalateTo;
      if (await leave()) return true;
      throw new EscalatedToQueue(queueId);
    }
    if (Date.now() >= deadline) return leave();

    const expired = [...run.pending].filter(([, offer]) => offer.expiresAt <= Date.now()).map(([reservation]) => reservation);
    if (expired.length > 0) {
      for (const reservation of expired) run.pending.delete(reservation);
      const settled = await routing.expireOffers({ ...run.ids(), reservations: expired });
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
