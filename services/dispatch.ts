/**
 * Telling everyone about offers the database decided: the agents' desks (live offer events with the account's
 * notification) and the routing workflows (a signal each). Called after the dispatcher's transaction committed.
 * Signals are hints with a safety net: a workflow that was never told still ends its step on its own deadline,
 * and the sweeper (services/routing-sweeper.ts) ends offers nobody tracks.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { offersMadeSignal, offersWithdrawnSignal } from '../contracts/route-email';
import type { EventBus } from '../domain/live-events';
import { renderNotification } from '../domain/notifications';
import type { DispatchStore, Placement } from '../store/dispatch';
import type { AnsweredOffer } from '../store/offer-answers';

export interface DispatcherDeps {
  dispatch: DispatchStore;
  temporal: Client;
  events: EventBus;
  /** Where failures to tell a workflow are reported (they heal by timers and the sweeper). */
  warn: (message: string, detail: Record<string, unknown>) => void;
}

export function createDispatcher({ dispatch, temporal, events, warn }: DispatcherDeps) {
  async function signal(workflowId: string, send: (handle: ReturnType<Client['workflow']['getHandle']>) => Promise<void>) {
    try {
      await send(temporal.workflow.getHandle(workflowId));
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return;
      warn('could not tell a routing workflow about its offers', { workflowId, err: (error as Error).message });
    }
  }

  /** Desks hear of every placement; workflows of all but `ownWorkflowId` (whose activity returns its own offers). */
  async function announce(placements: Placement[], ownWorkflowId?: string): Promise<void> {
    if (placements.length === 0) return;
    const facts = await dispatch.offerNoticeFacts(placements.map((placement) => placement.interactionId));
    await Promise.all(
      placements.map(async (placement) => {
        const fact = facts.get(placement.interactionId);
        if (fact) {
          const notification = renderNotification(fact.account, fact);
          const at = new Date().toISOString();
          await events.publish({
            kind: 'routing',
            accountId: fact.accountId,
            interactionId: placement.interactionId,
            type: 'offered',
            detail: {
              source: placement.source,
              queueId: placement.queueId,
              agentIds: placement.offers.map((offer) => offer.agentId),
              reservations: placement.offers.map((offer) => offer.reservation),
            },
            at,
          });
          for (const offer of placement.offers) {
            await events.publish({
              kind: 'offer',
              accountId: fact.accountId,
              interactionId: placement.interactionId,
              agentId: offer.agentId,
              offerId: offer.offerId,
              expiresAt: new Date(offer.expiresAt).toISOString(),
              source: placement.source,
              notification,
            });
          }
        }
        if (placement.workflowId !== ownWorkflowId) {
          await signal(placement.workflowId, (handle) =>
            handle.signal(offersMadeSignal, {
              queueId: placement.queueId,
              offers: placement.offers.map(({ reservation, agentId, expiresAt }) => ({ reservation, agentId, expiresAt })),
            }),
          );
        }
      }),
    );
  }

  return {
    announce,

    /** Agents who may have room again (online, done with an offer or an interaction): the heads of their lines. */
    async agentsFreed(agentIds: number[]): Promise<void> {
      await announce(await dispatch.dispatchAgents([...new Set(agentIds)]));
    },

    async queues(queueIds: number[]): Promise<void> {
      await announce(await dispatch.dispatchQueues(queueIds));
    },

    /** Offers the platform took back: each workflow hears which, and moves on. */
    async withdrawn(offers: AnsweredOffer[], reason: string): Promise<void> {
      const byWorkflow = new Map<string, AnsweredOffer[]>();
      for (const offer of offers) byWorkflow.set(offer.workflowId, [...(byWorkflow.get(offer.workflowId) ?? []), offer]);
      await Promise.all(
        [...byWorkflow].map(([workflowId, list]) =>
          signal(workflowId, (handle) =>
            handle.signal(offersWithdrawnSignal, {
              reservations: list.map((offer) => offer.reservation),
              agentId: list[0]!.agentId,
              reason,
            }),
          ),
        ),
      );
    },
  };
}

export type Dispatcher = ReturnType<typeof createDispatcher>;
