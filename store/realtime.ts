/**
 * What the supervisor's realtime view reads of an account: its open interactions, the offers pending on them, and
 * its team (with anyone else who holds or is offered one of its interactions), from one snapshot of the database so
 * that the counts and the team's rows describe the same moment.
 */
import type { OpenInteraction, PendingOfferRef, TeamMember } from '../domain/realtime';
import { Prisma, type Database } from './db';

export interface RealtimeSnapshot {
  interactions: OpenInteraction[];
  offers: PendingOfferRef[];
  team: TeamMember[];
}

export function createRealtimeStore(db: Database) {
  return {
    async snapshot(accountId: number): Promise<RealtimeSnapshot> {
      const openHere = { accountId, status: 'open' as const };
      const [interactions, offers, users] = await db.$transaction(
        [
          db.interaction.findMany({
            where: openHere,
            select: { id: true, routingState: true, queueId: true, agentId: true, lastMessageAt: true },
          }),
          db.offer.findMany({ where: { state: 'pending', interaction: openHere }, select: { interactionId: true, userId: true } }),
          // Agents added to the account (supervisors added to see it are not on the team), members of its queues, and
          // whoever holds or is offered one of its open interactions.
          db.user.findMany({
            where: {
              OR: [
                { role: 'agent', accountAgents: { some: { accountId } } },
                { queueMembers: { some: { queue: { accounts: { some: { accountId } } } } } },
                { offers: { some: { state: 'pending', interaction: openHere } } },
                { interactions: { some: { ...openHere, routingState: { in: ['accepted', 'disposing'] } } } },
              ],
            },
            select: {
              id: true,
              name: true,
              presence: true,
              pauseStatusId: true,
              presenceChangedAt: true,
              pauseStatus: { select: { name: true } },
            },
          }),
        ],
        { isolationLevel: Prisma.TransactionIsolationLevel.RepeatableRead },
      );
      return {
        interactions,
        offers: offers.map((offer) => ({ interactionId: offer.interactionId, agentId: offer.userId })),
        team: users.map((user) => ({
          id: user.id,
          name: user.name,
          presence: user.presence,
          pauseStatusId: user.pauseStatusId,
          pauseReason: user.pauseStatus?.name ?? null,
          presenceSince: user.presenceChangedAt,
        })),
      };
    },
  };
}

export type RealtimeStore = ReturnType<typeof createRealtimeStore>;
