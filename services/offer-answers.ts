/**
 * An agent answers an offer. For interactions routed with database placement the answer is decided by one
 * compare-and-set in PostgreSQL and the agent has it at once; the routing workflow is told by a signal (and would
 * find the same truth on its own timers). Older runs decide answers themselves: their update is awaited.
 */
import type { Client } from '@temporalio/client';
import { acceptOfferUpdate, offerAcceptedSignal, offerDeclinedSignal, rejectOfferUpdate } from '../contracts/route-email';
import { ConflictError, failureReason, NotFoundError } from '../domain/errors';
import type { EventBus } from '../domain/live-events';
import type { Dispatcher } from './dispatch';
import type { OfferAnswerStore } from '../store/offer-answers';

export interface OfferAnswerDeps {
  offerAnswers: OfferAnswerStore;
  /** The agent's own pending offer with its interaction's routing version; null when it is not theirs. */
  findOwnOffer: (
    offerId: number,
    agentId: number,
  ) => Promise<{ id: number; state: string; workflowId: string; reservation: string; routingVersion: number } | null>;
  temporal: Client;
  events: EventBus;
  dispatcher: Dispatcher;
  /** Work after the answer is sent (agents freed by a ring-all accept get the next in line). */
  later: (work: () => Promise<void>) => void;
}

async function asked<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw new ConflictError(failureReason(error));
  }
}

export function createOfferAnswers(deps: OfferAnswerDeps) {
  const { offerAnswers, temporal, dispatcher } = deps;

  async function ownOffer(offerId: number, agentId: number) {
    const offer = await deps.findOwnOffer(offerId, agentId);
    if (!offer) throw new NotFoundError(`offer ${offerId}`);
    return offer;
  }

  return {
    async accept(offerId: number, agentId: number): Promise<{ offerId: number; interactionId: number; state: 'accepted' }> {
      const offer = await ownOffer(offerId, agentId);
      if (offer.routingVersion < 2) {
        if (offer.state !== 'pending') throw new ConflictError(`offer ${offerId} is ${offer.state}`);
        const result = await asked(() =>
          temporal.workflow
            .getHandle(offer.workflowId)
            .executeUpdate(acceptOfferUpdate, { args: [{ reservation: offer.reservation, agentId }] }),
        );
        return { offerId, interactionId: result.interactionId, state: 'accepted' };
      }
      const outcome = await offerAnswers.accept({ offerId, agentId });
      if (!outcome.accepted) throw new ConflictError(outcome.reason);
      const { offer: won } = outcome;
      await temporal.workflow
        .getHandle(won.workflowId)
        .signal(offerAcceptedSignal, { reservation: won.reservation, agentId })
        .catch(() => undefined); // the workflow finds the accept in the database on its own timer
      await deps.events.publish({
        kind: 'routing',
        accountId: outcome.accountId,
        interactionId: won.interactionId,
        type: 'accepted',
        detail: { agentId, reservation: won.reservation },
        at: new Date().toISOString(),
      });
      const freed = outcome.rescinded.map((offer) => offer.agentId);
      if (freed.length > 0) deps.later(() => dispatcher.agentsFreed(freed));
      return { offerId, interactionId: won.interactionId, state: 'accepted' };
    },

    async reject(offerId: number, agentId: number): Promise<{ offerId: number; state: 'rejected' }> {
      const offer = await ownOffer(offerId, agentId);
      if (offer.routingVersion < 2) {
        if (offer.state !== 'pending') throw new ConflictError(`offer ${offerId} is ${offer.state}`);
        await asked(() =>
          temporal.workflow
            .getHandle(offer.workflowId)
            .executeUpdate(rejectOfferUpdate, { args: [{ reservation: offer.reservation, agentId }] }),
        );
        return { offerId, state: 'rejected' };
      }
      const outcome = await offerAnswers.reject({ offerId, agentId });
      if (!outcome.rejected) throw new ConflictError(outcome.reason);
      await temporal.workflow
        .getHandle(outcome.offer.workflowId)
        .signal(offerDeclinedSignal, { reservation: outcome.offer.reservation, agentId })
        .catch(() => undefined); // the offer's own expiry moves routing on
      // The agent who declined has room for the next in line of their other work.
      deps.later(() => dispatcher.agentsFreed([agentId]));
      return { offerId, state: 'rejected' };
    },
  };
}

export type OfferAnswers = ReturnType<typeof createOfferAnswers>;
