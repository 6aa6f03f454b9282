/**
 * An agent answers an offer. For interactions routed with database placement the answer is decided by one
 * compare-and-set in PostgreSQL and the agent has it at once; the routing workflow is told by a signal sent beside
 * the answer (and would find the same truth on its own timers). Older runs decide answers themselves: their update
 * is awaited.
 */
import type { Client } from '@temporalio/client';
import { acceptOfferUpdate, offerAcceptedSignal, offerDeclinedSignal, rejectOfferUpdate } from '../contracts/route-email';
import { ConflictError, failureReason, NotFoundError } from '../domain/errors';
import type { EventBus } from '../domain/live-events';
import type { Dispatcher } from './dispatch';
import { tellRun } from './tell-run';
import type { OfferAnswerStore } from '../store/offer-answers';
import { platformMetrics } from '../platform/metrics';

export interface OfferAnswerDeps {
  offerAnswers: OfferAnswerStore;
  temporal: Client;
  events: EventBus;
  dispatcher: Dispatcher;
  /** Work that need not delay the answer: telling the run, live events, the next in line for agents a ring-all accept freed. */
  later: (work: () => Promise<void>) => void;
  /** Seconds from an offer to its answer (the accept-latency histogram), read after the answer. */
  answerSeconds?: (offerId: number) => Promise<number | null>;
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

  /**
   * The database's answer, or the reason there is none (HTTP 404/409). Runs of routing version 1 decide answers
   * themselves: `older` asks the run by its update.
   */
  async function answer<T>(
    offerId: number,
    agentId: number,
    decision: 'accepted' | 'rejected',
    older: (workflowId: string, request: { reservation: string; agentId: number }) => Promise<T>,
  ) {
    const outcome = await offerAnswers.answer({ offerId, agentId, answer: decision });
    if (outcome.answered === 'ask-workflow') {
      if (outcome.state !== 'pending') throw new ConflictError(`offer ${offerId} is ${outcome.state}`);
      return { older: await asked(() => older(outcome.workflowId, { reservation: outcome.reservation, agentId })) };
    }
    if (outcome.answered) return { decided: outcome };
    throw outcome.notFound ? new NotFoundError(`offer ${offerId}`) : new ConflictError(outcome.reason);
  }

  return {
    async accept(offerId: number, agentId: number): Promise<{ offerId: number; interactionId: number; state: 'accepted' }> {
      const { older, decided } = await answer(offerId, agentId, 'accepted', (workflowId, request) =>
        temporal.workflow.getHandle(workflowId).executeUpdate(acceptOfferUpdate, { args: [request] }),
      );
      platformMetrics.offersEnded('accepted');
      const { answerSeconds } = deps;
      if (answerSeconds)
        deps.later(async () => {
          const seconds = await answerSeconds(offerId);
          if (seconds !== null) platformMetrics.offerAccepted(seconds);
        });
      if (!decided) return { offerId, interactionId: older!.interactionId, state: 'accepted' };
      const { offer: won } = decided;
      platformMetrics.offersEnded('rescinded', decided.rescinded.length);
      // The run hears of it after the agent has the answer (a request that overtakes the signal waits for it:
      // api/workflow-answers.ts); were the signal lost for good, the run finds the accept in the database on its own
      // timer.
      deps.later(() =>
        tellRun(() => temporal.workflow.getHandle(won.workflowId).signal(offerAcceptedSignal, { reservation: won.reservation, agentId })),
      );
      deps.later(() =>
        deps.events.publish({
          kind: 'routing',
          accountId: decided.accountId,
          interactionId: won.interactionId,
          type: 'accepted',
          detail: { agentId, reservation: won.reservation },
          at: new Date().toISOString(),
        }),
      );
      const freed = decided.rescinded.map((offer) => offer.agentId);
      if (freed.length > 0) deps.later(() => dispatcher.agentsFreed(freed));
      return { offerId, interactionId: won.interactionId, state: 'accepted' };
    },

    async reject(offerId: number, agentId: number): Promise<{ offerId: number; state: 'rejected' }> {
      const { decided } = await answer(offerId, agentId, 'rejected', (workflowId, request) =>
        temporal.workflow.getHandle(workflowId).executeUpdate(rejectOfferUpdate, { args: [request] }),
      );
      platformMetrics.offersEnded('rejected');
      if (decided) {
        deps.later(
          () =>
            tellRun(() =>
              temporal.workflow
                .getHandle(decided.offer.workflowId)
                .signal(offerDeclinedSignal, { reservation: decided.offer.reservation, agentId }),
            ), // else the offer's own expiry moves routing on
        );
        // The agent who declined has room for the next in line of their other work.
        deps.later(() => dispatcher.agentsFreed([agentId]));
      }
      return { offerId, state: 'rejected' };
    },
  };
}

export type OfferAnswers = ReturnType<typeof createOfferAnswers>;
