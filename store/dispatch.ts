/**
 * The dispatcher: who gets offered what, decided in one transaction where the data is.
 *
 * An interaction that waits for agents has one RoutingWait row per queue it waits in (or one for the agent it
 * waits for). Whenever an agent may have room (an email is placed, an agent comes online, an offer ends, an
 * interaction closes) the queues concerned are dispatched: the head of each line (priority, then waiting time)
 * is matched with the queue's free members by the queue's strategy. Capacity is a hard limit under concurrency:
 * the chosen agents' rows are locked and their load counted again before any offer is written, and an
 * interaction leaves the waiting state by compare-and-set, so two dispatchers never offer it twice.
 */
import { orderQueueMembers, type QueueStrategy } from '../domain/offer-order';
import type { OfferSource } from '../domain/routing';
import { type Database, Prisma } from './db';

type Tx = Prisma.TransactionClient;

/** Waiters looked at per queue and dispatch: more than any queue has free agents at once. */
const DISPATCH_BATCH = 200;
/** Namespace of the advisory locks that let one dispatcher at a time work a queue's line. */
const QUEUE_DISPATCH_LOCK_NAMESPACE = 7302;

export interface PlacedOffer {
  offerId: number;
  reservation: string;
  agentId: number;
  /** Epoch milliseconds. */
  expiresAt: number;
}

/** Offers written for one interaction by one dispatch: its workflow is told (or, for the caller's own, returned). */
export interface Placement {
  interactionId: number;
  messageId: number;
  accountId: number;
  workflowId: string;
  queueId: number | null;
  source: OfferSource;
  offers: PlacedOffer[];
}

interface WaitRow {
  id: number;
  interactionId: number;
  accountId: number;
  messageId: number;
  workflowId: string;
  queueId: number | null;
  agentId: number | null;
  source: OfferSource;
  step: number;
  deadline: Date;
  excludedAgentIds: number[];
  excludedUntil: Date | null;
}

interface MemberRow {
  userId: number;
  weight: number;
  priority: number;
  capacity: number;
  lastOfferAt: Date | null;
  handledCount: number;
  accountIds: number[];
  load: number;
}

/** Open interactions an agent holds plus their live pending offers: what counts against their capacity. */
const LOAD = (userColumn: Prisma.Sql) => Prisma.sql`(
  (SELECT count(*) FROM "Interaction" i WHERE i."agentId" = ${userColumn} AND i.status = 'open'
     AND i."routingState" IN ('accepted', 'disposing'))
  + (SELECT count(*) FROM "Offer" o WHERE o."userId" = ${userColumn} AND o.state = 'pending' AND o."expiresAt" > now())
)::int`;

function excludedNow(wait: WaitRow, now: Date): Set<number> {
  return wait.excludedUntil !== null && wait.excludedUntil > now ? new Set(wait.excludedAgentIds) : new Set();
}

/** Free members of a queue: online, with room; the accounts they may serve travel along. */
async function queueMembers(tx: Tx, queueId: number): Promise<MemberRow[]> {
  return tx.$queryRaw<MemberRow[]>`
    SELECT m."userId", m.weight, m.priority, u.capacity, u."lastOfferAt", u."handledCount",
           ARRAY(SELECT aa."accountId" FROM "AccountAgent" aa WHERE aa."userId" = u.id) AS "accountIds",
           ${LOAD(Prisma.sql`u.id`)} AS load
    FROM "QueueMember" m JOIN "User" u ON u.id = m."userId"
    WHERE m."queueId" = ${queueId} AND u.presence = 'online'`;
}

/**
 * Locks the agents about to be offered (in id order: no deadlocks between dispatchers), then counts their load
 * again in a statement of its own: a statement that waited for a lock still counts with the snapshot it began with,
 * which would miss the offers of the dispatcher it waited for.
 */
async function lockedRoom(tx: Tx, agentIds: number[]): Promise<Map<number, number>> {
  await tx.$queryRaw`SELECT id FROM "User" WHERE id = ANY(${agentIds}::int[]) ORDER BY id FOR UPDATE`;
  const rows = await tx.$queryRaw<Array<{ id: number; capacity: number; presence: string; load: number }>>`
    SELECT u.id, u.capacity, u.presence::text AS presence, ${LOAD(Prisma.sql`u.id`)} AS load
    FROM "User" u WHERE u.id = ANY(${agentIds}::int[])`;
  return new Map(rows.map((row) => [row.id, row.presence === 'online' ? row.capacity - row.load : 0]));
}

/**
 * Takes interactions out of the waiting state (compare-and-set: a concurrent dispatcher of another of its queues
 * loses) and writes their offers, each living until the queue's offer timeout or the step's deadline.
 */
async function writeOffers(
  tx: Tx,
  assignments: Array<{ wait: WaitRow; agentIds: number[]; offerTimeoutSeconds: number | null }>,
  now: Date,
): Promise<Placement[]> {
  const placements: Placement[] = [];
  for (const { wait, agentIds, offerTimeoutSeconds } of assignments) {
    const taken = await tx.$executeRaw`
      UPDATE "Interaction" SET "routingState" = 'offered', "queueId" = COALESCE(${wait.queueId}::int, "queueId"), "updatedAt" = now()
      WHERE id = ${wait.interactionId} AND "routingWorkflowId" = ${wait.workflowId} AND "routingState" = 'waiting-for-agents'`;
    if (taken === 0) continue;
    await tx.$executeRaw`DELETE FROM "RoutingWait" WHERE "interactionId" = ${wait.interactionId}`;
    const expiresAt = new Date(
      offerTimeoutSeconds === null
        ? wait.deadline.getTime()
        : Math.min(wait.deadline.getTime(), now.getTime() + offerTimeoutSeconds * 1000),
    );
    const offers = await insertOffers(tx, { ...wait, expiresAt }, agentIds);
    placements.push({
      interactionId: wait.interactionId,
      messageId: wait.messageId,
      accountId: wait.accountId,
      workflowId: wait.workflowId,
      queueId: wait.queueId,
      source: wait.source,
      offers,
    });
  }
  return placements;
}

/**
 * Offer rows named by the workflow's routing step and their id (`s2-o123`): the workflow, the database and the Web
 * UI call an offer the same, and a step entered again (a local activity retried) finds the offers it made.
 */
export async function insertOffers(
  tx: Tx,
  input: {
    interactionId: number;
    messageId: number;
    workflowId: string;
    source: string;
    step: number;
    queueId: number | null;
    expiresAt: Date;
  },
  agentIds: number[],
): Promise<PlacedOffer[]> {
  const rows = await tx.$queryRaw<Array<{ id: number; userId: number; reservation: string; expiresAt: Date }>>`
    INSERT INTO "Offer" (id, "interactionId", "messageId", "userId", "workflowId", reservation, source, "queueId", "expiresAt")
    SELECT n.id, ${input.interactionId}, ${input.messageId}, n.agent, ${input.workflowId}, ${`s${input.step}-o`} || n.id, ${input.source},
           ${input.queueId}::int, ${input.expiresAt}
    FROM (SELECT nextval(pg_get_serial_sequence('"Offer"', 'id'))::int AS id, agent FROM unnest(${agentIds}::int[]) AS agent) n
    RETURNING id, "userId", reservation, "expiresAt"`;
  await tx.$executeRaw`UPDATE "User" SET "lastOfferAt" = now() WHERE id = ANY(${agentIds}::int[])`;
  await tx.$executeRaw`
    INSERT INTO "RoutingEvent" ("interactionId", "messageId", "workflowId", type, detail)
    VALUES (${input.interactionId}, ${input.messageId}, ${input.workflowId}, 'offered', ${JSON.stringify({
      source: input.source,
      queueId: input.queueId,
      agentIds,
      reservations: rows.map((row) => row.reservation),
      expiresAt: input.expiresAt.toISOString(),
    })}::jsonb)`;
  return rows.map((row) => ({ offerId: row.id, reservation: row.reservation, agentId: row.userId, expiresAt: row.expiresAt.getTime() }));
}

/** Matches the head of one queue's line with its free members, by the queue's strategy. */
async function dispatchQueue(tx: Tx, queueId: number, now: Date): Promise<Placement[]> {
  const waits = await tx.$queryRaw<WaitRow[]>`
    SELECT id, "interactionId", "accountId", "messageId", "workflowId", "queueId", "agentId", source, step, deadline,
           "excludedAgentIds", "excludedUntil"
    FROM "RoutingWait" WHERE "queueId" = ${queueId} AND deadline > now()
    ORDER BY priority DESC, "waitingSince", "interactionId"
    LIMIT ${DISPATCH_BATCH} FOR UPDATE SKIP LOCKED`;
  if (waits.length === 0) return [];
  const members = await queueMembers(tx, queueId);
  const room = new Map(members.map((member) => [member.userId, member.capacity - member.load]));
  if (![...room.values()].some((free) => free > 0)) return [];
  const [queue] = await tx.$queryRaw<Array<{ strategy: QueueStrategy; offerTimeoutSeconds: number; rrPosition: number }>>`
    SELECT strategy::text AS strategy, "offerTimeoutSeconds", "rrPosition" FROM "Queue" WHERE id = ${queueId}`;
  if (!queue) return [];
  let rrPosition = queue.rrPosition;
  const tentative: Array<{ wait: WaitRow; agentIds: number[] }> = [];
  for (const wait of waits) {
    const excluded = excludedNow(wait, now);
    const eligible = members.filter(
      (member) => (room.get(member.userId) ?? 0) > 0 && member.accountIds.includes(wait.accountId) && !excluded.has(member.userId),
    );
    if (eligible.length === 0) continue;
    const ordered = orderQueueMembers(
      queue.strategy,
      eligible.map((member) => ({
        agentId: member.userId,
        weight: member.weight,
        priority: member.priority,
        lastOfferAt: member.lastOfferAt?.getTime() ?? null,
        handledCount: member.handledCount,
      })),
      { rrPosition, random: Math.random },
    );
    const agentIds = queue.strategy === 'beepall' ? ordered : ordered.slice(0, 1);
    if (queue.strategy === 'rrmemory') rrPosition = agentIds[0]!;
    for (const agentId of agentIds) room.set(agentId, (room.get(agentId) ?? 0) - 1);
    tentative.push({ wait, agentIds });
  }
  if (tentative.length === 0) return [];
  const confirmed = await confirmRoom(tx, tentative);
  if (rrPosition !== queue.rrPosition) await tx.$executeRaw`UPDATE "Queue" SET "rrPosition" = ${rrPosition} WHERE id = ${queueId}`;
  return writeOffers(
    tx,
    confirmed.map((entry) => ({ ...entry, offerTimeoutSeconds: queue.offerTimeoutSeconds })),
    now,
  );
}

/** Keeps, in line order, only the offers the locked agents still have room for. */
async function confirmRoom<T extends { agentIds: number[] }>(tx: Tx, tentative: T[]): Promise<T[]> {
  const room = await lockedRoom(
    tx,
    [...new Set(tentative.flatMap((entry) => entry.agentIds))].sort((a, b) => a - b),
  );
  const confirmed: T[] = [];
  for (const entry of tentative) {
    const agentIds = entry.agentIds.filter((agentId) => (room.get(agentId) ?? 0) > 0);
    for (const agentId of agentIds) room.set(agentId, room.get(agentId)! - 1);
    if (agentIds.length > 0) confirmed.push({ ...entry, agentIds });
  }
  return confirmed;
}

/** Interactions waiting for one agent in particular (the plan's agent step), offered once that agent has room. */
async function dispatchAgentWaits(tx: Tx, agentIds: number[], now: Date): Promise<Placement[]> {
  const waits = await tx.$queryRaw<WaitRow[]>`
    SELECT id, "interactionId", "accountId", "messageId", "workflowId", "queueId", "agentId", source, step, deadline,
           "excludedAgentIds", "excludedUntil"
    FROM "RoutingWait" WHERE "agentId" = ANY(${agentIds}::int[]) AND deadline > now()
    ORDER BY priority DESC, "waitingSince", "interactionId"
    LIMIT ${DISPATCH_BATCH} FOR UPDATE SKIP LOCKED`;
  if (waits.length === 0) return [];
  const confirmed = await confirmRoom(
    tx,
    waits.map((wait) => ({ wait, agentIds: [wait.agentId!] })),
  );
  return writeOffers(
    tx,
    confirmed.map((entry) => ({ ...entry, offerTimeoutSeconds: null })),
    now,
  );
}

export async function dispatchInTransaction(tx: Tx, scope: { queueIds?: number[]; agentIds?: number[] }): Promise<Placement[]> {
  const now = new Date();
  const placements: Placement[] = [];
  const queueIds = [...new Set(scope.queueIds ?? [])].sort((a, b) => a - b);
  // One dispatcher at a time per queue, so each takes the true head of its line: with row locks alone, a dispatcher
  // that found the head locked by another skipped past it and offered an interaction further back. Taken first, in
  // queue order, before any agent row is locked: no deadlock between dispatchers.
  for (const queueId of queueIds)
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${QUEUE_DISPATCH_LOCK_NAMESPACE}::int, ${queueId}::int)`;
  if (scope.agentIds && scope.agentIds.length > 0) placements.push(...(await dispatchAgentWaits(tx, scope.agentIds, now)));
  for (const queueId of queueIds) placements.push(...(await dispatchQueue(tx, queueId, now)));
  return placements;
}

export function createDispatchStore(db: Database) {
  return {
    /** Dispatches the queues of agents who may have room again (and the interactions waiting for them by name). */
    async dispatchAgents(agentIds: number[]): Promise<Placement[]> {
      if (agentIds.length === 0) return [];
      return db.$transaction(async (tx) => {
        const queues = await tx.$queryRaw<Array<{ queueId: number }>>`
          SELECT DISTINCT m."queueId" FROM "QueueMember" m JOIN "User" u ON u.id = m."userId"
          WHERE m."userId" = ANY(${agentIds}::int[]) AND u.presence = 'online'`;
        return dispatchInTransaction(tx, { queueIds: queues.map((row) => row.queueId), agentIds });
      });
    },

    async dispatchQueues(queueIds: number[]): Promise<Placement[]> {
      if (queueIds.length === 0) return [];
      return db.$transaction((tx) => dispatchInTransaction(tx, { queueIds }));
    },

    /** Waits whose step ended long ago without its workflow taking them out (a terminated workflow): forgotten. */
    async dropWaitsPastDeadline(graceSeconds: number): Promise<number> {
      return db.$executeRaw`DELETE FROM "RoutingWait" WHERE deadline < now() - make_interval(secs => ${graceSeconds})`;
    },

    /** What the desks announce with offers: the account's notification settings and the interaction's names. */
    async offerNoticeFacts(interactionIds: number[]) {
      const interactions = await db.interaction.findMany({
        where: { id: { in: interactionIds } },
        select: {
          id: true,
          subject: true,
          customerEmail: true,
          customerName: true,
          accountId: true,
          account: { select: { key: true, name: true, notificationTemplate: true, notificationSound: true, notificationShake: true } },
          queue: { select: { name: true } },
        },
      });
      return new Map(interactions.map((interaction) => [interaction.id, interaction]));
    },

    /**
     * Queues where an interaction waits while a member is online with room: normally none, since every change
     * that frees an agent dispatches at once. The periodic safety net dispatches these (a lost wake-up heals).
     */
    async queuesWithRoomAndWaiters(): Promise<number[]> {
      const rows = await db.$queryRaw<Array<{ queueId: number }>>`
        SELECT DISTINCT w."queueId" FROM "RoutingWait" w
        JOIN "QueueMember" m ON m."queueId" = w."queueId"
        JOIN "User" u ON u.id = m."userId" AND u.presence = 'online'
        WHERE u.capacity > ${LOAD(Prisma.sql`u.id`)}`;
      return rows.map((row) => row.queueId);
    },
  };
}

export type DispatchStore = ReturnType<typeof createDispatchStore>;
