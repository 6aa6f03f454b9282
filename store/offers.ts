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
  };
}

export type OfferStore = ReturnType<typeof createOfferStore>;
