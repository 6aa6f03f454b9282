/**
 * Offers (reservations) as routing makes and ends them: written under names the workflow chose (idempotent on
 * workflow + reservation), settled once, accepted by one agent while the others are rescinded.
 */
import type { OfferRef, OfferSource, OfferState } from '../domain/routing';
import type { Database } from './db';

export interface NewOffers {
  interactionId: number;
  messageId: number;
  workflowId: string;
  offers: OfferRef[];
  source: OfferSource;
  queueId: number | null;
  offeredAt: Date;
  expiresAt: Date;
}

export function createRoutingOfferStore(db: Database) {
  return {
    /**
     * Writes the offers, notes when their agents were last offered something, and marks the interaction offered, in
     * one transaction. Answers with the offer rows (those written before, on a retry).
     */
    create(input: NewOffers): Promise<Array<{ id: number; userId: number }>> {
      return db.$transaction(async (tx) => {
        const written = [];
        for (const offer of input.offers) {
          written.push(
            await tx.offer.upsert({
              where: { workflowId_reservation: { workflowId: input.workflowId, reservation: offer.reservation } },
              create: {
                interactionId: input.interactionId,
                messageId: input.messageId,
                userId: offer.agentId,
                workflowId: input.workflowId,
                reservation: offer.reservation,
                source: input.source,
                queueId: input.queueId,
                expiresAt: input.expiresAt,
              },
              update: {},
            }),
          );
        }
        await tx.user.updateMany({
          where: { id: { in: input.offers.map((offer) => offer.agentId) } },
          data: { lastOfferAt: input.offeredAt },
        });
        await tx.interaction.update({
          where: { id: input.interactionId },
          data: { routingState: 'offered', ...(input.queueId !== null ? { queueId: input.queueId } : {}) },
        });
        return written;
      });
    },

    /** The interaction and its account, for the desk notification of its offers. */
    interactionWithAccount(interactionId: number) {
      return db.interaction.findUniqueOrThrow({
        where: { id: interactionId },
        include: { account: true, queue: { select: { name: true } } },
      });
    },

    /** Ends the workflow's offers among `reservations` that are still pending; answers with the offers it ended. */
    async settle(workflowId: string, reservations: string[], state: Exclude<OfferState, 'pending' | 'accepted'>) {
      const where = { workflowId, reservation: { in: reservations }, state: 'pending' as const };
      const offers = await db.offer.findMany({ where });
      await db.offer.updateMany({ where, data: { state, respondedAt: new Date() } });
      return offers;
    },

    /** Agents whose offers of this workflow, other than `reservation`, are still pending. */
    async otherPendingAgents(workflowId: string, reservation: string): Promise<number[]> {
      const offers = await db.offer.findMany({
        where: { workflowId, state: 'pending', reservation: { not: reservation } },
        select: { userId: true },
      });
      return offers.map((offer) => offer.userId);
    },

    /**
     * The agent's offer is accepted, the workflow's other pending offers rescinded, the interaction held by the agent
     * (and read), and the agent's handled count incremented: one transaction.
     */
    async accept(input: { workflowId: string; reservation: string; interactionId: number; agentId: number }): Promise<void> {
      await db.$transaction([
        db.offer.update({
          where: { workflowId_reservation: { workflowId: input.workflowId, reservation: input.reservation } },
          data: { state: 'accepted', respondedAt: new Date() },
        }),
        db.offer.updateMany({
          where: { workflowId: input.workflowId, state: 'pending', reservation: { not: input.reservation } },
          data: { state: 'rescinded', respondedAt: new Date() },
        }),
        db.interaction.update({
          where: { id: input.interactionId },
          data: { agentId: input.agentId, routingState: 'accepted', read: true },
        }),
        db.user.update({ where: { id: input.agentId }, data: { handledCount: { increment: 1 } } }),
      ]);
    },
  };
}

export type RoutingOfferStore = ReturnType<typeof createRoutingOfferStore>;
