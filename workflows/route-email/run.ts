/** What one routing run knows while it runs: its status (the query's answer), pending offers and the flags its handlers set. */
import { allHandlersFinished, condition, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { RouteEmailInput, RouteEmailResult, RoutingStatus } from '../../contracts/route-email';
import { agentAttribute, queueAttribute, stateAttribute } from '../../contracts/search-attributes';
import type { InteractionRoutingState, RoutingContext, TransferTarget } from '../../domain/routing';

export interface PresenceBeforePause {
  presence: string;
  pauseStatusId: number | null;
}

export class RoutingRun {
  readonly workflowId = workflowInfo().workflowId;
  readonly status: RoutingStatus;
  /**
   * Pending offers: reservation → agent id. Named and entered here before the offer rows are written, so an
   * agent who sees the row can always accept it; cleared synchronously when an offer window ends.
   */
  readonly pending = new Map<string, number>();
  offerRound = 0;
  /** Set by agentsAvailable: a waiting run looks for agents again at once. */
  agentsMayBeAvailable = false;
  closed = false;
  /** Set by the transfer update; the main loop carries the transfer out. */
  transferRequest: { fromAgentId: number; target: TransferTarget } | null = null;
  /** The holder, paused while a mandatory disposition is missing, and the presence to give back. */
  pausedAgent: { agentId: number; previous: PresenceBeforePause } | null = null;
  /** Loaded once routing starts; the close and transfer handlers read the account's rules from it. */
  context: RoutingContext | undefined;

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
  eventBase() {
    return { interactionId: this.input.interactionId, messageId: this.input.messageId, workflowId: this.workflowId };
  }

  /** The new state, for the query and for operators searching the Web UI. */
  setState(state: InteractionRoutingState, extra: { queueId?: number | null; agentId?: number | null } = {}): void {
    this.status.state = state;
    if (extra.queueId !== undefined) this.status.queueId = extra.queueId;
    upsertSearchAttributes([
      { key: stateAttribute, value: state },
      ...(extra.queueId != null ? [{ key: queueAttribute, value: String(extra.queueId) }] : []),
      ...(extra.agentId != null ? [{ key: agentAttribute, value: String(extra.agentId) }] : []),
    ]);
  }

  /** Ends the run once every handler in flight has finished (an accept or a close mid-activity completes first). */
  async end(state: InteractionRoutingState, reason: string): Promise<RouteEmailResult> {
    this.status.endReason = reason;
    this.setState(state);
    await condition(allHandlersFinished);
    return { state, agentId: this.status.holderAgentId, reason };
  }
}
