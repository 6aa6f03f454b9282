/**
 * Routing's placement activities, run as local activities inside the workflow task (one short transaction each):
 * begin routing (ownership and what routing needs), enter a routing step (offered at once or waiting in line), end
 * offers whose time ran out, leave a step. Offers the dispatcher makes to other waiting interactions on the way are
 * announced here, after the transaction, so the other workflows and the agents' desks hear of them.
 */
import { notFound } from './failures';
import { platformMetrics } from '../platform/metrics';
import type { RoutingEvents } from '../services/routing-events';
import type { Dispatcher } from '../services/dispatch';
import type { OfferAnswerStore } from '../store/offer-answers';
import type { PlaceInput, PlacementStore } from '../store/placement';

export interface PlacementActivityDeps {
  placement: PlacementStore;
  offerAnswers: OfferAnswerStore;
  dispatcher: Dispatcher;
  routingEvents: RoutingEvents;
  /** Told when routing paused an agent ("not responding"): their other pending offers are taken back at once. */
  onAgentPaused?: (agentId: number) => Promise<void>;
  /** Told when agents have room again, so the heads of their queues' lines are offered. */
  onAgentsFreed?: (agentIds: number[]) => Promise<void>;
}

export function createPlacementActivities({
  placement,
  offerAnswers,
  dispatcher,
  routingEvents,
  onAgentPaused,
  onAgentsFreed,
}: PlacementActivityDeps) {
  return {
    /** Takes the interaction for this workflow unless another routing workflow owns it, and loads what routing needs. */
    async beginRouting(input: { interactionId: number; messageId: number; workflowId: string }) {
      const begun = await placement.beginRouting(input);
      if (!begun.claimed && !begun.found) throw notFound(`interaction ${input.interactionId}`);
      return begun;
    },

    /** Enters a routing step; returns this interaction's offers (or that it waits), announcing others offered meanwhile. */
    async placeInteraction(input: PlaceInput) {
      const placed = await placement.place(input);
      await dispatcher.announce(placed.others);
      if (placed.offers.length > 0) {
        const own = { ...input, accountId: 0, queueId: placed.queueId, offers: placed.offers };
        await dispatcher.announce([own], input.workflowId);
      }
      return {
        state: placed.state,
        queueId: placed.queueId,
        acceptedBy: placed.acceptedBy ?? null,
        offers: placed.offers.map(({ reservation, agentId, expiresAt }) => ({ reservation, agentId, expiresAt })),
      };
    },

    /**
     * Ends offers whose time ran out. When an accept won the race, returns its agent and ends nothing. A timed-out
     * agent is paused "not responding" when the queue asks for it; the others have room again.
     */
    async expireOffers(input: { interactionId: number; messageId: number; workflowId: string; reservations: string[] }) {
      const settled = await offerAnswers.settle({ ...input, state: 'timeout' });
      if (settled.acceptedBy !== null) return { acceptedBy: settled.acceptedBy, agentIds: [] as number[] };
      const agentIds = settled.ended.map((offer) => offer.agentId);
      platformMetrics.offersEnded('timeout', settled.ended.length);
      let paused = new Set<number>();
      if (settled.ended.length > 0) {
        await routingEvents.record({
          interactionId: input.interactionId,
          messageId: input.messageId,
          workflowId: input.workflowId,
          type: 'offer-timeout',
          detail: { reservations: settled.ended.map((offer) => offer.reservation), agentIds },
        });
        const notResponding = await offerAnswers.pauseNotResponding(settled.ended);
        paused = new Set(notResponding.map((entry) => entry.agentId));
        for (const entry of notResponding) {
          await onAgentPaused?.(entry.agentId);
          await routingEvents.record({
            interactionId: input.interactionId,
            workflowId: input.workflowId,
            type: 'agent-not-responding',
            detail: { agentId: entry.agentId, queueId: entry.queueId, pauseStatusId: entry.pauseStatusId },
          });
        }
      }
      await onAgentsFreed?.(agentIds.filter((agentId) => !paused.has(agentId)));
      return { acceptedBy: null, agentIds };
    },

    /** The step's time ran out: out of line, pending offers timed out (unless an accept won the race). */
    async leaveStep(input: { interactionId: number; messageId: number; workflowId: string; step?: number }) {
      const left = await placement.leaveStep(input);
      platformMetrics.offersEnded('timeout', left.timedOut.length);
      if (left.timedOut.length > 0) {
        const agentIds = left.timedOut.map((offer) => offer.userId);
        await routingEvents.record({
          interactionId: input.interactionId,
          messageId: input.messageId,
          workflowId: input.workflowId,
          type: 'offer-timeout',
          detail: { reservations: left.timedOut.map((offer) => offer.reservation), agentIds },
        });
        await onAgentsFreed?.(agentIds);
      }
      return { acceptedBy: left.acceptedBy };
    },
  };
}
