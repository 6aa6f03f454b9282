/**
 * After a backlog drained: were offers made in the line's order, and was nothing offered twice? Read from the offer
 * rows the platform wrote (ids come from one sequence, in the order dispatches wrote them).
 *
 * Order: for each interaction, how many that waited behind it were offered before it ("overtaken by"). Dispatches
 * run concurrently (one per agent freed) and each takes the head of the line it can lock, so some overtaking is
 * expected; the figure says how much, beside the agents' count.
 */
import { Prisma } from '../../store/db';
import type { BenchPlatform } from '../support/platform';
import { percentile } from '../support/stats';

/** For each position of `order` (a permutation of 0..n-1 by offer rank), how many later positions have a smaller rank. */
function overtakenCounts(offerRankInLine: number[]): number[] {
  const n = offerRankInLine.length;
  const tree = new Array<number>(n + 1).fill(0);
  const add = (index: number) => {
    for (let i = index + 1; i <= n; i += i & -i) tree[i]! += 1;
  };
  const countBelow = (index: number) => {
    let sum = 0;
    for (let i = index; i > 0; i -= i & -i) sum += tree[i]!;
    return sum;
  };
  const result = new Array<number>(n).fill(0);
  // From the back of the line: those already added waited behind; count the ones offered earlier.
  for (let position = n - 1; position >= 0; position--) {
    result[position] = countBelow(offerRankInLine[position]!);
    add(offerRankInLine[position]!);
  }
  return result;
}

export async function drainOrder(platform: BenchPlatform, accountId: number, line: number[], agents: number) {
  const firstOffers = await platform.db.$queryRaw<Array<{ interactionId: number; id: number }>>(Prisma.sql`
    SELECT DISTINCT ON ("interactionId") "interactionId", id FROM "Offer"
    WHERE "interactionId" = ANY(${line}::int[]) ORDER BY "interactionId", id`);
  const offerId = new Map(firstOffers.map((row) => [row.interactionId, row.id]));
  const offeredLine = line.filter((interactionId) => offerId.has(interactionId));
  const byOffer = [...offeredLine].sort((a, b) => offerId.get(a)! - offerId.get(b)!);
  const rank = new Map(byOffer.map((interactionId, index) => [interactionId, index]));
  const overtaken = overtakenCounts(offeredLine.map((interactionId) => rank.get(interactionId)!));

  const [doubleAccepted] = await platform.db.$queryRaw<Array<{ count: number }>>(Prisma.sql`
    SELECT count(*)::int AS count FROM (
      SELECT o."interactionId" FROM "Offer" o JOIN "Interaction" i ON i.id = o."interactionId"
      WHERE i."accountId" = ${accountId} AND o.state = 'accepted' GROUP BY o."interactionId" HAVING count(*) > 1) twice`);
  // Two offers of one interaction to different agents, the later made before the earlier was answered or expired.
  const [concurrent] = await platform.db.$queryRaw<Array<{ count: number }>>(Prisma.sql`
    SELECT count(*)::int AS count FROM "Offer" a
    JOIN "Offer" b ON b."interactionId" = a."interactionId" AND b.id > a.id AND b."userId" <> a."userId"
    JOIN "Interaction" i ON i.id = a."interactionId"
    WHERE i."accountId" = ${accountId} AND b."createdAt" < COALESCE(a."respondedAt", a."expiresAt")`);
  return {
    order: {
      offers: offeredLine.length,
      inOrder: overtaken.filter((count) => count === 0).length,
      maxOvertaken: overtaken.length ? Math.max(...overtaken) : 0,
      p99Overtaken: overtaken.length ? percentile(overtaken, 99) : 0,
      overtakenBeyondAgents: overtaken.filter((count) => count > agents).length,
    },
    doubleAccepted: doubleAccepted?.count ?? 0,
    concurrentOffers: concurrent?.count ?? 0,
  };
}
