/**
 * What one routing run knows while it runs, when the database places its offers: its status (the query's answer),
 * the offers of the current step with their expiry, and what agents' answers and the dispatcher told it meanwhile.
 */
import { allHandlersFinished, condition, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { OfferNotice, RouteEmailInput, RouteEmailResult, RoutingStatus } from '../../../contracts/route-email';
import { agentAttribute, queueAttribute, stateAttribute } from '../../../contracts/search-attributes';
import type { InteractionRoutingState, RoutingStart, TransferTarget } from '../../../domain/routing';

export interface PresenceBeforePause {
  presence: string;
  pauseStatusId: number | null;
}

export class PlacedRun {
  readonly workflowId = workflowInfo().workflowId;
  readonly status: RoutingStatus;
  /** Pending offers of the current step: reservation → agent and expiry (epoch ms). */
  readonly pending = new Map<string, { agentId: number; expiresAt: number }>();
  /** Agents who let an offer of this step go since the workflow last looked (declined, withdrawn). */
  readonly letGo: number[] = [];
  /** The interaction waits in line for an agent (no pending offer of its own). */
  waiting = false;
  /** Set whenever an answer or the dispatcher changed the step's offers. */
  offersChanged = false;
  closed = false;
  /** Set by the transfer update; the main loop carries the transfer out. */
  transferRequest: { fromAgentId: number; target: TransferTarget } | null = null;
  /** The holder, paused while a mandatory disposition is missing, and the presence to give back. */
  pausedAgent: { agentId: number; previous: PresenceBeforePause } | null = null;
  /** Loaded once routing starts; the close and transfer handlers read the account's rules from it. */
  context: RoutingStart | undefined;
  private shown: string | undefined;

  constructor(readonly input: RouteEmailInput) {
    this.status = {
      state: 'new',
      interactionId: input.interactionId,
      messageId: input.messageId,
      planVersion: null,
      planStep: null,
      holderAgentId: null,
      queueId: null,
      pendingOffers: [],
      endReason: null,
    };
  }

  /** The ids every routing activity and event carries. */
  ids() {
    return { interactionId: this.input.interactionId, messageId: this.input.messageId, workflowId: this.workflowId };
  }

  /** Offers this step now waits on (from its own placement or from the dispatcher). */
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

  /** The new state, for the query and for operators searching the Web UI (upserted only when it changes). */
  setState(state: InteractionRoutingState, extra: { queueId?: number | null; agentId?: number | null } = {}): void {
    this.status.state = state;
    if (extra.queueId !== undefined) this.status.queueId = extra.queueId;
    const shown = JSON.stringify([state, extra.queueId ?? null, extra.agentId ?? null]);
    if (shown === this.shown) return;
    this.shown = shown;
    upsertSearchAttributes([
      { key: stateAttribute, value: state },
      ...(extra.queueId != null ? [{ key: queueAttribute, value: String(extra.queueId) }] : []),
      ...(extra.agentId != null ? [{ key: agentAttribute, value: String(extra.agentId) }] : []),
    ]);
  }

  /** Ends the run once every handler in flight has finished (a close mid-activity completes first). */
  async end(state: InteractionRoutingState, reason: string): Promise<RouteEmailResult> {
    this.status.endReason = reason;
    this.setState(state);
    await condition(allHandlersFinished);
    return { state, agentId: this.status.holderAgentId, reason };
  }
}
