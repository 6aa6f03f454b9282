/** Offers as agents see them: their pending ones, and one offer by id (whoever it was made to). */
import type { Database } from './db';

export function createOfferStore(db: Database) {
  return {
    /** The agent's pending offers, oldest first, with the interaction and what its account's notification needs. */
    pendingFor(userId: number) {
      return db.offer.findMany({
        where: { userId, state: 'pending' },
        include: {
          interaction: {
            include: {
              account: { select: { key: true, name: true, notificationTemplate: true, notificationSound: true, notificationShake: true } },
            },
          },
        },
        orderBy: { id: 'asc' },
      });
    },

    find(id: number) {
      return db.offer.findUnique({ where: { id } });
    },

    /** An offer made to this agent, with how its interaction is routed; null for anyone else's. */
    async findOwn(id: number, agentId: number) {
      const offer = await db.offer.findUnique({
        where: { id },
        select: {
          id: true,
          userId: true,
          state: true,
          workflowId: true,
          reservation: true,
          interaction: { select: { routingVersion: true } },
        },
      });
      if (!offer || offer.userId !== agentId) return null;
      return {
        id: offer.id,
        state: offer.state,
        workflowId: offer.workflowId,
        reservation: offer.reservation,
        routingVersion: offer.interaction.routingVersion,
      };
    },
  };
}

export type OfferStore = ReturnType<typeof createOfferStore>;
