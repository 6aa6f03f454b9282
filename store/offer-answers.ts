/**
 * Answers to offers, each decided in one transaction by compare-and-set on the offer row: an accept, a reject, a
 * timeout, or the offers of an agent who left. The interaction row is locked first by every answer, so in a
 * ring-all race exactly one accept wins and the others find their offer rescinded. An agent's own answer is one
 * round trip: the database function answer_offer (its migration says how it decides).
 */
import type { OfferState } from '../domain/routing';
import type { Database } from './db';

export interface AnsweredOffer {
  offerId: number;
  interactionId: number;
  workflowId: string;
  reservation: string;
  agentId: number;
  queueId: number | null;
}

/** An offer's row as an answer found it (after locking its interaction). */
interface OfferRow {
  offerId: number;
  interactionId: number;
  messageId: number;
  agentId: number;
  workflowId: string;
  reservation: string;
  queueId: number | null;
  state: OfferState;
  expired: boolean;
  accountId: number;
  routingWorkflowId: string | null;
  holderId: number | null;
  routingState: string;
}

/** What answer_offer (prisma/migrations/…_answer_offer_function) decided. */
type AnswerResult =
  | { outcome: 'not-found' }
  | { outcome: 'asked-by-workflow'; state: OfferState; workflowId: string; reservation: string }
  | ({ outcome: 'refused' } & OfferRow)
  | ({ outcome: 'answered'; rescinded: AnsweredOffer[] } & OfferRow);

/** How an agent's answer ended. Runs of routing version 1 decide answers themselves: the caller asks the workflow. */
export type AnswerOutcome =
  | { answered: true; offer: AnsweredOffer; messageId: number; accountId: number; rescinded: AnsweredOffer[] }
  | { answered: false; notFound: boolean; reason: string }
  | { answered: 'ask-workflow'; state: OfferState; workflowId: string; reservation: string };

function answered(row: OfferRow): AnsweredOffer {
  const { offerId, interactionId, workflowId, reservation, agentId, queueId } = row;
  return { offerId, interactionId, workflowId, reservation, agentId, queueId };
}

/** Why an offer can no longer be answered, in the words agents see (HTTP 409). */
function refusal(row: OfferRow): string {
  if (row.state === 'pending' && row.expired) return `offer ${row.offerId} is no longer pending: it expired`;
  if (row.state === 'pending') return `offer ${row.offerId} is no longer pending: its routing ended`;
  if (row.state === 'rescinded' && row.routingState === 'accepted' && row.holderId !== null)
    return `offer ${row.offerId} is no longer pending: agent ${row.holderId} accepted the interaction`;
  return `offer ${row.offerId} is ${row.state}`;
}

export function createOfferAnswerStore(db: Database) {
  return {
    /**
     * The agent's answer, in one round trip: `accepted` takes the interaction (every other pending offer of it
     * rescinded), `rejected` declines it.
     */
    async answer(input: { offerId: number; agentId: number; answer: 'accepted' | 'rejected' }): Promise<AnswerOutcome> {
      const [row] = await db.$queryRaw<Array<{ result: AnswerResult }>>`
        SELECT answer_offer(${input.offerId}::int, ${input.agentId}::int, ${input.answer}::"OfferState") AS result`;
      const result = row!.result;
      switch (result.outcome) {
        case 'not-found':
          return { answered: false, notFound: true, reason: `offer ${input.offerId} not found` };
        case 'asked-by-workflow':
          return { answered: 'ask-workflow', state: result.state, workflowId: result.workflowId, reservation: result.reservation };
        case 'refused':
          return { answered: false, notFound: false, reason: refusal(result) };
        case 'answered':
          return {
            answered: true,
            offer: answered(result),
            messageId: result.messageId,
            accountId: result.accountId,
            rescinded: result.rescinded,
          };
      }
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
        const ended = await tx.$queryRaw<AnsweredOffer[]>`
          UPDATE "Offer" SET state = ${input.state}::"OfferState", "respondedAt" = now()
          WHERE "workflowId" = ${input.workflowId} AND reservation = ANY(${input.reservations}::text[]) AND state = 'pending'
          RETURNING id AS "offerId", "interactionId", "workflowId", reservation, "userId" AS "agentId", "queueId"`;
        return { ended, acceptedBy: null as number | null };
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
      return db.$queryRaw<AnsweredOffer[]>`
        UPDATE "Offer" o SET state = 'canceled', "respondedAt" = now()
        FROM "Interaction" i
        WHERE o."userId" = ${agentId} AND o.state = 'pending' AND i.id = o."interactionId" AND i."routingVersion" = 2
        RETURNING o.id AS "offerId", o."interactionId", o."workflowId", o.reservation, o."userId" AS "agentId", o."queueId"`;
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
