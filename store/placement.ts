/**
 * Placing one interaction, each step one short transaction for the routing workflow's local activities: taking
 * ownership and loading what routing needs, entering a routing step (offered at once when an agent has room,
 * waiting in line otherwise), and leaving a step whose time ran out.
 */
import { evaluateCondition } from '../domain/action-plan';
import type { ActionStep } from '../domain/action-plan-schema';
import { accountRulesOf, type AccountRuleSettings, type OfferSource, type RoutingStart } from '../domain/routing';
import { NotFoundError } from '../domain/errors';
import type { Database, Prisma } from './db';
import { dispatchInTransaction, insertOffers, type PlacedOffer, type Placement } from './dispatch';

const MAX_BODY_FACT_CHARS = 32_768;

/** Where a routing step offers the interaction. */
export type PlacementTarget =
  | { kind: 'queues'; queueIds: number[] }
  /** `always`: offered even while the agent is away (the thread's own agent, a transfer); else when they have room. */
  | { kind: 'agent'; agentId: number; always: boolean };

export interface PlaceInput {
  interactionId: number;
  messageId: number;
  workflowId: string;
  target: PlacementTarget;
  source: OfferSource;
  /** The workflow's count of routing steps: a step entered again (a retried local activity) finds what it did. */
  step: number;
  /** Epoch milliseconds: the end of the routing step. */
  deadline: number;
  /** Agents who let this interaction go earlier in the step: passed over for a while. */
  excludedAgentIds: number[];
}

export interface PlaceResult {
  /** This interaction's offers, when an agent had room at once. */
  offers: PlacedOffer[];
  /** Other interactions offered by the same dispatch (their workflows are told by the caller). */
  others: Placement[];
  /** The routing state the interaction is left in ('accepted': an offer of this step was accepted already). */
  state: 'offered' | 'waiting-for-agents' | 'accepted';
  queueId: number | null;
  /** Who holds it, when an offer of this step was accepted already. */
  acceptedBy?: number;
}

/** Agents passed over after they let an offer go: long enough not to ring them again at once. */
export const EXCLUSION_MS = 5_000;

function jsonAddresses(value: unknown): string[] {
  return Array.isArray(value) ? value.map((entry) => String((entry as { address?: string }).address ?? entry)) : [];
}

/** The plan's conditions on the message, decided once here: the workflow keeps booleans, never bodies or headers. */
function messageConditions(
  steps: ActionStep[],
  message: { from: string; to: string[]; cc: string[]; subject: string; body: string; headers: Record<string, string> },
) {
  const decided: Record<number, boolean> = {};
  steps.forEach((step, index) => {
    if (step.type === 'gotoif' && step.condition.field !== 'tags' && step.condition.field !== 'priority') {
      decided[index] = evaluateCondition(step.condition, { ...message, tags: [], priority: 0 });
    }
  });
  return decided;
}

export function createPlacementStore(db: Database) {
  return {
    /**
     * Takes the interaction for this workflow (unless another routing workflow owns it) and loads what routing needs,
     * in one statement: it runs in the first workflow task, before the first offer.
     */
    async beginRouting(input: { interactionId: number; messageId: number; workflowId: string }) {
      const [begun] = await db.$queryRaw<
        Array<
          AccountRuleSettings & {
            agentId: number | null;
            tags: string[];
            priority: number;
            waitForAssignedAgentSeconds: number;
            waitForAssignedQueueSeconds: number;
            accountQueueIds: number[];
            assignedAgentQueueIds: number[];
            planVersion: number | null;
            planSteps: ActionStep[] | null;
            fromAddress: string | null;
            toAddresses: unknown;
            ccAddresses: unknown;
            subject: string | null;
            text: string | null;
            headers: Record<string, string> | null;
          }
        >
      >`
        WITH claimed AS (
          UPDATE "Interaction" SET "routingWorkflowId" = ${input.workflowId}, status = 'open', "closedAt" = NULL,
                 -- A retried claim by the same run keeps what the run already did (an offer, an accept).
                 "routingState" = CASE WHEN "routingWorkflowId" = ${input.workflowId} THEN "routingState" ELSE 'new' END,
                 "routingVersion" = 2, "updatedAt" = now()
          WHERE id = ${input.interactionId} AND ("routingWorkflowId" IS NULL OR "routingWorkflowId" = ${input.workflowId})
          RETURNING "accountId", "agentId", tags, priority
        )
        SELECT c."agentId", c.tags, c.priority, a.key, a."mandatoryDisposition", a."dispositionPauseStatusId",
               a."transferTimeoutSeconds", a."transferEnabled", a."transferToAgent", a."transferToQueue", a."transferToAccount",
               a."waitForAssignedAgentSeconds", a."waitForAssignedQueueSeconds",
               ARRAY(SELECT aq."queueId" FROM "AccountQueue" aq WHERE aq."accountId" = a.id ORDER BY aq."queueId") AS "accountQueueIds",
               ARRAY(SELECT m."queueId" FROM "QueueMember" m
                     JOIN "AccountQueue" aq ON aq."queueId" = m."queueId" AND aq."accountId" = a.id
                     WHERE m."userId" = c."agentId" ORDER BY m.priority, m."queueId") AS "assignedAgentQueueIds",
               p.version AS "planVersion", p.steps AS "planSteps",
               msg."fromAddress", msg."toAddresses", msg."ccAddresses", msg.subject, left(msg.text, ${MAX_BODY_FACT_CHARS}::int) AS text,
               msg.headers
        FROM claimed c
        JOIN "EmailAccount" a ON a.id = c."accountId"
        LEFT JOIN LATERAL (
          SELECT version, steps FROM "ActionPlanVersion" WHERE "accountId" = a.id ORDER BY version DESC LIMIT 1
        ) p ON true
        LEFT JOIN "Message" msg ON msg.id = ${input.messageId}`;
      if (!begun) {
        const owner = await db.interaction.findUnique({ where: { id: input.interactionId }, select: { routingWorkflowId: true } });
        if (!owner) return { claimed: false as const, found: false as const, ownerWorkflowId: null };
        return { claimed: false as const, found: true as const, ownerWorkflowId: owner.routingWorkflowId };
      }
      const plan = { version: begun.planVersion ?? 0, steps: begun.planSteps ?? [] };
      const start: RoutingStart = {
        ...accountRulesOf(begun),
        waitForAssignedAgentSeconds: begun.waitForAssignedAgentSeconds,
        waitForAssignedQueueSeconds: begun.waitForAssignedQueueSeconds,
        assignedAgentId: begun.agentId,
        assignedAgentQueueIds: begun.agentId === null ? [] : begun.assignedAgentQueueIds,
        plan,
        messageConditions: messageConditions(plan.steps, {
          from: begun.fromAddress ?? '',
          to: jsonAddresses(begun.toAddresses),
          cc: jsonAddresses(begun.ccAddresses),
          subject: begun.subject ?? '',
          body: begun.text ?? '',
          headers: begun.headers ?? {},
        }),
        interaction: { tags: begun.tags, priority: begun.priority },
        ...(begun.planVersion === null ? { defaultQueueIds: begun.accountQueueIds } : {}),
      };
      return { claimed: true as const, start };
    },

    /**
     * Enters a routing step: the interaction waits in line (one row per queue, or for the agent), then the
     * queues concerned are dispatched — which offers it at once when an agent has room and nobody is ahead of it.
     * An offer to the thread's own agent or a transferee is written directly, whatever their presence.
     */
    async place(input: PlaceInput): Promise<PlaceResult> {
      return db.$transaction(async (tx) => {
        // Locked like every answer to an offer (a locked row is read as it is now), so what this step already did is
        // read as it is now by the statements after.
        const [interaction] = await tx.$queryRaw<
          Array<{ accountId: number; priority: number; lastMessageAt: Date; routingState: string; agentId: number | null }>
        >`
          SELECT "accountId", priority, "lastMessageAt", "routingState", "agentId" FROM "Interaction"
          WHERE id = ${input.interactionId} FOR NO KEY UPDATE`;
        if (!interaction) throw new NotFoundError(`interaction ${input.interactionId}`);
        const earlier = await tx.$queryRaw<
          Array<{ id: number; userId: number; reservation: string; state: string; expiresAt: Date; queueId: number | null }>
        >`
          SELECT id, "userId", reservation, state::text AS state, "expiresAt", "queueId" FROM "Offer"
          WHERE "workflowId" = ${input.workflowId} AND reservation LIKE ${`s${input.step}-o%`} AND state IN ('pending', 'accepted')`;
        const acceptedEarlier = earlier.find((offer) => offer.state === 'accepted');
        if (acceptedEarlier)
          return { offers: [], others: [], state: 'accepted', queueId: acceptedEarlier.queueId, acceptedBy: acceptedEarlier.userId };
        if (earlier.length > 0) {
          const offers = earlier.map((offer) => ({
            offerId: offer.id,
            reservation: offer.reservation,
            agentId: offer.userId,
            expiresAt: offer.expiresAt.getTime(),
          }));
          return { offers, others: [], state: 'offered', queueId: earlier[0]!.queueId };
        }
        const deadline = new Date(input.deadline);
        await tx.$executeRaw`DELETE FROM "RoutingWait" WHERE "interactionId" = ${input.interactionId}`;
        if (input.target.kind === 'agent' && input.target.always) {
          await tx.$executeRaw`UPDATE "Interaction" SET "routingState" = 'offered', "updatedAt" = now() WHERE id = ${input.interactionId}`;
          const offers = await insertOffers(
            tx,
            {
              interactionId: input.interactionId,
              messageId: input.messageId,
              workflowId: input.workflowId,
              source: input.source,
              step: input.step,
              queueId: null,
              expiresAt: deadline,
            },
            [input.target.agentId],
          );
          return { offers, others: [], state: 'offered', queueId: null };
        }
        const waitsIn =
          input.target.kind === 'queues'
            ? input.target.queueIds.map((queueId) => ({ queueId, agentId: null }))
            : [{ queueId: null, agentId: input.target.agentId }];
        const excludedUntil = input.excludedAgentIds.length > 0 ? new Date(Date.now() + EXCLUSION_MS) : null;
        await tx.$executeRaw`
          INSERT INTO "RoutingWait" ("interactionId", "accountId", "messageId", "workflowId", "queueId", "agentId", priority,
                                     "waitingSince", source, step, deadline, "excludedAgentIds", "excludedUntil")
          SELECT ${input.interactionId}, ${interaction.accountId}, ${input.messageId}, ${input.workflowId}, w.queue, w.agent,
                 ${interaction.priority}, ${interaction.lastMessageAt}, ${input.source}, ${input.step}, ${deadline}, ${input.excludedAgentIds}::int[], ${excludedUntil}
          FROM unnest(${waitsIn.map((wait) => wait.queueId)}::int[], ${waitsIn.map((wait) => wait.agentId)}::int[]) AS w(queue, agent)`;
        const firstQueueId = waitsIn[0]?.queueId ?? null;
        await tx.$executeRaw`
          UPDATE "Interaction" SET "routingState" = 'waiting-for-agents', "queueId" = COALESCE(${firstQueueId}::int, "queueId"), "updatedAt" = now()
          WHERE id = ${input.interactionId}`;
        const placements = await dispatchInTransaction(tx, {
          queueIds: waitsIn.flatMap((wait) => (wait.queueId === null ? [] : [wait.queueId])),
          agentIds: waitsIn.flatMap((wait) => (wait.agentId === null ? [] : [wait.agentId])),
        });
        const own = placements.find((placement) => placement.interactionId === input.interactionId);
        const others = placements.filter((placement) => placement !== own);
        if (own) return { offers: own.offers, others, state: 'offered', queueId: own.queueId };
        // Recorded once per step, so an agent's desk and the realtime view see the interaction waiting.
        if (interaction.routingState !== 'waiting-for-agents') {
          await tx.$executeRaw`
            INSERT INTO "RoutingEvent" ("interactionId", "messageId", "workflowId", type, detail)
            VALUES (${input.interactionId}, ${input.messageId}, ${input.workflowId}, 'waiting-for-agents',
                    ${JSON.stringify({ queueId: firstQueueId })}::jsonb)`;
        }
        return { offers: [], others, state: 'waiting-for-agents', queueId: firstQueueId };
      });
    },

    /**
     * The step's time ran out: out of line, and its offers still pending end as timed out. A leave retried after
     * the run went on (its workflow task was retried after the worker died) finds a later step and does nothing:
     * the later step's offers and place in line are not this step's to end.
     */
    async leaveStep(input: { interactionId: number; workflowId: string; step?: number }) {
      return db.$transaction(async (tx) => {
        // Serialised with accepts (they lock the interaction too): an accept that won the race is kept.
        const [current] = await tx.$queryRaw<Array<{ routingState: string; agentId: number | null }>>`
          SELECT "routingState", "agentId" FROM "Interaction" WHERE id = ${input.interactionId} FOR NO KEY UPDATE`;
        if (input.step !== undefined && (await hasLaterStep(tx, input.interactionId, input.workflowId, input.step))) {
          return { timedOut: [], acceptedBy: null };
        }
        await tx.$executeRaw`DELETE FROM "RoutingWait" WHERE "interactionId" = ${input.interactionId}`;
        if (current?.routingState === 'accepted' && current.agentId !== null) return { timedOut: [], acceptedBy: current.agentId };
        // Out of the waiting state, so a dispatcher that already picked this interaction finds it gone (compare-and-set).
        await tx.$executeRaw`
          UPDATE "Interaction" SET "routingState" = 'running-action-plan', "updatedAt" = now()
          WHERE id = ${input.interactionId} AND "routingState" IN ('waiting-for-agents', 'offered')`;
        const timedOut = await tx.$queryRaw<Array<{ userId: number; reservation: string }>>`
          UPDATE "Offer" SET state = 'timeout', "respondedAt" = now()
          WHERE "workflowId" = ${input.workflowId} AND "interactionId" = ${input.interactionId} AND state = 'pending'
          RETURNING "userId", reservation`;
        return { timedOut, acceptedBy: null };
      });
    },
  };
}

/** Whether the run already entered a step after `step`: it waits in line for it, or offers of it exist. */
async function hasLaterStep(tx: Prisma.TransactionClient, interactionId: number, workflowId: string, step: number): Promise<boolean> {
  const [found] = await tx.$queryRaw<Array<{ later: boolean }>>`
    SELECT EXISTS (SELECT 1 FROM "RoutingWait" WHERE "interactionId" = ${interactionId} AND "workflowId" = ${workflowId} AND step > ${step})
        OR EXISTS (SELECT 1 FROM "Offer" WHERE "interactionId" = ${interactionId} AND "workflowId" = ${workflowId}
                   AND reservation ~ '^s[0-9]+-' AND split_part(substr(reservation, 2), '-', 1)::int > ${step}) AS later`;
  return found?.later === true;
}

export type PlacementStore = ReturnType<typeof createPlacementStore>;
