/**
 * Answers to offers, each decided in one transaction by compare-and-set on the offer row: an accept, a reject, a
 * timeout, or the offers of an agent who left. The interaction row is locked first by every answer, so in a
 * ring-all race exactly one accept wins and the others find their offer rescinded.
 */
import type { OfferState } from '../domain/routing';
import type { Database, Prisma } from './db';

type Tx = Prisma.TransactionClient;

export interface AnsweredOffer {
  offerId: number;
  interactionId: number;
  workflowId: string;
  reservation: string;
  agentId: number;
  queueId: number | null;
}

export type AcceptOutcome =
  | { accepted: true; offer: AnsweredOffer; messageId: number; accountId: number; rescinded: AnsweredOffer[] }
  | { accepted: false; reason: string };

/**
 * An offer's row, read after its interaction is locked (FOR NO KEY UPDATE: offers may still reference it). The read
 * is a statement of its own on purpose: a statement that waited for the lock sees the locked row as it is now but
 * any other row as it was when the statement began, so an accept that won meanwhile would stay invisible.
 */
async function lockOffer(tx: Tx, offerId: number) {
  const [offer] = await tx.$queryRaw<Array<{ interactionId: number }>>`SELECT "interactionId" FROM "Offer" WHERE id = ${offerId}`;
  if (!offer) return undefined;
  await tx.$queryRaw`SELECT id FROM "Interaction" WHERE id = ${offer.interactionId} FOR NO KEY UPDATE`;
  const [row] = await tx.$queryRaw<
    Array<{
      id: number;
      interactionId: number;
      messageId: number;
      userId: number;
      workflowId: string;
      reservation: string;
      queueId: number | null;
      state: OfferState;
      expired: boolean;
      accountId: number;
      routingWorkflowId: string | null;
      holderId: number | null;
      routingState: string;
    }>
  >`SELECT o.id, o."interactionId", o."messageId", o."userId", o."workflowId", o.reservation, o."queueId", o.state::text AS state,
           o."expiresAt" <= now() AS expired, i."accountId", i."routingWorkflowId", i."agentId" AS "holderId", i."routingState"
    FROM "Offer" o JOIN "Interaction" i ON i.id = o."interactionId"
    WHERE o.id = ${offerId}`;
  return row;
}

function answered(row: {
  id: number;
  interactionId: number;
  workflowId: string;
  reservation: string;
  userId: number;
  queueId: number | null;
}) {
  return {
    offerId: row.id,
    interactionId: row.interactionId,
    workflowId: row.workflowId,
    reservation: row.reservation,
    agentId: row.userId,
    queueId: row.queueId,
  };
}

/** Why an offer can no longer be answered, in the words agents see (HTTP 409). */
function notPending(row: {
  id: number;
  state: OfferState;
  expired: boolean;
  holderId: number | null;
  routingState: string;
}): string | null {
  if (row.state === 'pending' && !row.expired) return null;
  if (row.state === 'pending') return `offer ${row.id} is no longer pending: it expired`;
  if (row.state === 'rescinded' && row.routingState === 'accepted' && row.holderId !== null)
    return `offer ${row.id} is no longer pending: agent ${row.holderId} accepted the interaction`;
  return `offer ${row.id} is ${row.state}`;
}

export function createOfferAnswerStore(db: Database) {
  return {
    /** The agent takes the interaction: their offer accepted, every other pending offer of it rescinded. */
    async accept(input: { offerId: number; agentId: number }): Promise<AcceptOutcome> {
      return db.$transaction(async (tx) => {
        const row = await lockOffer(tx, input.offerId);
        if (!row || row.userId !== input.agentId) return { accepted: false, reason: `offer ${input.offerId} not found` };
        const refused =
          notPending(row) ?? (row.routingWorkflowId !== row.workflowId ? `offer ${row.id} is no longer pending: its routing ended` : null);
        if (refused) return { accepted: false, reason: refused };
        await tx.$executeRaw`UPDATE "Offer" SET state = 'accepted', "respondedAt" = now() WHERE id = ${row.id}`;
        const rescinded = await tx.$queryRaw<
          Array<{ id: number; interactionId: number; workflowId: string; reservation: string; userId: number; queueId: number | null }>
        >`
          UPDATE "Offer" SET state = 'rescinded', "respondedAt" = now()
          WHERE "interactionId" = ${row.interactionId} AND "workflowId" = ${row.workflowId} AND state = 'pending'
          RETURNING id, "interactionId", "workflowId", reservation, "userId", "queueId"`;
        await tx.$executeRaw`
          UPDATE "Interaction" SET "agentId" = ${row.userId}, "routingState" = 'accepted', read = true, "updatedAt" = now()
          WHERE id = ${row.interactionId}`;
        await tx.$executeRaw`UPDATE "User" SET "handledCount" = "handledCount" + 1 WHERE id = ${row.userId}`;
        await tx.$executeRaw`DELETE FROM "RoutingWait" WHERE "interactionId" = ${row.interactionId}`;
        await tx.routingEvent.create({
          data: {
            interactionId: row.interactionId,
            workflowId: row.workflowId,
            type: 'accepted',
            detail: { agentId: row.userId, reservation: row.reservation },
          },
        });
        return {
          accepted: true,
          offer: answered(row),
          messageId: row.messageId,
          accountId: row.accountId,
          rescinded: rescinded.map(answered),
        };
      });
    },

    /** The agent declines: routing moves on at once. */
    async reject(input: {
      offerId: number;
      agentId: number;
    }): Promise<{ rejected: true; offer: AnsweredOffer } | { rejected: false; reason: string }> {
      return db.$transaction(async (tx) => {
        const row = await lockOffer(tx, input.offerId);
        if (!row || row.userId !== input.agentId) return { rejected: false, reason: `offer ${input.offerId} not found` };
        const refused = notPending(row);
        if (refused) return { rejected: false, reason: refused };
        await tx.$executeRaw`UPDATE "Offer" SET state = 'rejected', "respondedAt" = now() WHERE id = ${row.id}`;
        return { rejected: true, offer: answered(row) };
      });
    },

    /**
     * Ends the named offers that are still pending (`timeout` when their time ran out, `canceled` when routing took
     * them back). When an accept won the race the interaction is held: the holder is returned and nothing ends.
     */
    async settle(input: { interactionId: number; workflowId: string; reservations: string[]; state: 'timeout' | 'canceled' }) {
      return db.$transaction(async (tx) => {
        const [current] = await tx.$queryRaw<Array<{ routingState: string; agentId: number | null }>>`
          SELECT "routingState", "agentId" FROM "Interaction" WHERE id = ${input.interactionId} FOR NO KEY UPDATE`;
        if (current?.routingState === 'accepted' && current.agentId !== null)
          return { ended: [] as AnsweredOffer[], acceptedBy: current.agentId };
        const ended = await tx.$queryRaw<
          Array<{ id: number; interactionId: number; workflowId: string; reservation: string; userId: number; queueId: number | null }>
        >`
          UPDATE "Offer" SET state = ${input.state}::"OfferState", "respondedAt" = now()
          WHERE "workflowId" = ${input.workflowId} AND reservation = ANY(${input.reservations}::text[]) AND state = 'pending'
          RETURNING id, "interactionId", "workflowId", reservation, "userId", "queueId"`;
        return { ended: ended.map(answered), acceptedBy: null as number | null };
      });
    },

    /**
     * Agents who let a queue's offer time out are paused "not responding" when the queue asks for it (as Genesys
     * does); each pause is logged on the interaction whose offer they let go.
     */
    async pauseNotResponding(ended: AnsweredOffer[]): Promise<Array<{ agentId: number; queueId: number; pauseStatusId: number }>> {
      const paused: Array<{ agentId: number; queueId: number; pauseStatusId: number }> = [];
      for (const offer of ended) {
        if (offer.queueId === null) continue;
        const [row] = await db.$queryRaw<Array<{ pauseStatusId: number }>>`
          UPDATE "User" u SET presence = 'paused', "pauseStatusId" = q."notRespondingPauseStatusId", "updatedAt" = now()
          FROM "Queue" q JOIN "PauseStatus" p ON p.id = q."notRespondingPauseStatusId"
          WHERE q.id = ${offer.queueId} AND u.id = ${offer.agentId} AND u.presence = 'online'
          RETURNING q."notRespondingPauseStatusId" AS "pauseStatusId"`;
        if (row) paused.push({ agentId: offer.agentId, queueId: offer.queueId, pauseStatusId: row.pauseStatusId });
      }
      return paused;
    },

    /** An agent paused or went offline: their pending offers are taken back, for their workflows to move on. */
    async withdrawAgent(agentId: number): Promise<AnsweredOffer[]> {
      const rows = await db.$queryRaw<
        Array<{ id: number; interactionId: number; workflowId: string; reservation: string; userId: number; queueId: number | null }>
      >`
        UPDATE "Offer" o SET state = 'canceled', "respondedAt" = now()
        FROM "Interaction" i
        WHERE o."userId" = ${agentId} AND o.state = 'pending' AND i.id = o."interactionId" AND i."routingVersion" = 2
        RETURNING o.id, o."interactionId", o."workflowId", o.reservation, o."userId", o."queueId"`;
      return rows.map(answered);
    },

    /**
     * Offers still pending well past their expiry: their workflow's own timer normally ends them, so these are
     * offers whose workflow was never told of them (a process died between writing them and telling it).
     */
    async expiredLongAgo(
      graceSeconds: number,
      limit: number,
    ): Promise<Array<{ interactionId: number; workflowId: string; reservation: string }>> {
      return db.$queryRaw`
        SELECT o."interactionId", o."workflowId", o.reservation FROM "Offer" o
        JOIN "Interaction" i ON i.id = o."interactionId" AND i."routingVersion" = 2
        WHERE o.state = 'pending' AND o."expiresAt" < now() - make_interval(secs => ${graceSeconds})
        ORDER BY o."expiresAt" LIMIT ${limit}`;
    },
  };
}

export type OfferAnswerStore = ReturnType<typeof createOfferAnswerStore>;
