/**
 * What one routing run knows while it runs, whichever way its offers are decided: its status (the routingStatus
 * query's answer), the holder's requests the main loop carries out, and the account's rules. placement.ts and
 * polling/ extend it with what each way of offering keeps.
 */
import { allHandlersFinished, condition, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { RouteEmailInput, RouteEmailResult, RoutingStatus } from '../../contracts/route-email';
import { agentAttribute, queueAttribute, stateAttribute } from '../../contracts/search-attributes';
import type { AccountRules, InteractionRoutingState, OfferRef, TransferTarget } from '../../domain/routing';
import type { ServiceNews } from './service-levels';

export interface PresenceBeforePause {
  presence: string;
  pauseStatusId: number | null;
}

export abstract class RoutingRun {
  readonly workflowId = workflowInfo().workflowId;
  readonly status: RoutingStatus;
  closed = false;
  /** Set by the transfer update; the main loop carries the transfer out. */
  transferRequest: { fromAgentId: number; target: TransferTarget } | null = null;
  /** The customer's newest message while the interaction waited unassigned: routing runs again for it. */
  customerWrote: number | null = null;
  /** The holder, paused while a mandatory disposition is missing, and the presence to give back. */
  pausedAgent: { agentId: number; previous: PresenceBeforePause } | null = null;
  /**
   * Replies sent and customer emails received, for the service-level clocks (service-levels.ts) to hear of; null
   * when no clock runs, so nothing is kept for nobody.
   */
  serviceNews: ServiceNews[] | null = null;
  /** Loaded once routing starts; the close and transfer handlers read the account's rules from it. */
  abstract context: AccountRules | undefined;
  private shown: string | undefined;

  /**
   * @param searchAttributesOnChange upsert the search attributes only when they change (runs with database
   * placement); runs that poll upsert on every state change, as their recorded histories do.
   */
  constructor(
    readonly input: RouteEmailInput,
    private readonly searchAttributesOnChange: boolean,
  ) {
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

  /** The offers the run waits on, for the routingStatus query. */
  abstract pendingOffers(): OfferRef[];

  /** Whether a sent reply or forward is copied to the mailbox's Sent folder. */
  abstract keepsSentCopy(): boolean;

  /** The ids every routing activity and event carries. */
  ids() {
    return { interactionId: this.input.interactionId, messageId: this.input.messageId, workflowId: this.workflowId };
  }

  /** The new state, for the query and for operators searching the Web UI. */
  setState(state: InteractionRoutingState, extra: { queueId?: number | null; agentId?: number | null } = {}): void {
    this.status.state = state;
    if (extra.queueId !== undefined) this.status.queueId = extra.queueId;
    if (this.searchAttributesOnChange) {
      const shown = JSON.stringify([state, extra.queueId ?? null, extra.agentId ?? null]);
      if (shown === this.shown) return;
      this.shown = shown;
    }
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
