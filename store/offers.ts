/** Offers as agents see them: their pending ones, and one offer by id (whoever it was made to). */
import type { Database } from './db';

export function createOfferStore(db: Database) {
  return {
    /**
     * The agent's pending offers, oldest first, with the interaction, what its account's notification needs and the
     * customer's newest message (the card's preview line and how long they have waited).
     */
    pendingFor(userId: number) {
      return db.offer.findMany({
        where: { userId, state: 'pending' },
        include: {
          interaction: {
            include: {
              account: { select: { key: true, name: true, notificationTemplate: true, notificationSound: true, notificationShake: true } },
              queue: { select: { name: true } },
              messages: {
                where: { direction: 'inbound' },
                orderBy: [{ receivedAt: 'desc' }, { id: 'desc' }],
                take: 1,
                select: { text: true, receivedAt: true },
              },
            },
          },
        },
        orderBy: { id: 'asc' },
      });
    },

    find(id: number) {
      return db.offer.findUnique({ where: { id } });
    },
  };
}

export type OfferStore = ReturnType<typeof createOfferStore>;
