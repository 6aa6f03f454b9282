/**
 * Where notification → offer goes, stage by stage, from timestamps the platform writes anyway (same machine, one
 * clock): the watcher's notice (Message.noticedAt), the message row (Message.createdAt), the workflow's start and its
 * first task's start (history event times), the offer row (Offer.createdAt: its transaction's start), and the offer
 * event's arrival on the agent's live stream.
 */
import { Prisma } from '../../store/db';
import type { TestPlatform } from '../../tests/support/platform';
import { summarize, type LatencySummary } from '../support/stats';
import type { OfferClock } from './offers';

export const STAGES = [
  'notice → message stored (IMAP fetch, parse, store)',
  'message stored → workflow started (commit, start request)',
  'workflow started → first task started',
  'first task started → offer written (local activities)',
  'offer written → live event arrived (commit, announce, NOTIFY, SSE)',
] as const;

const eventMs = (time: { seconds?: unknown; nanos?: number | null } | null | undefined) =>
  Number(time?.seconds ?? 0) * 1000 + (time?.nanos ?? 0) / 1e6;

export async function offerStages(
  platform: TestPlatform,
  clock: OfferClock,
  accountId: number,
  subjectPrefix: string,
): Promise<Record<string, LatencySummary>> {
  const rows = await platform.db.$queryRaw<
    Array<{ interactionId: number; workflowId: string | null; noticedAt: Date | null; storedAt: Date; offeredAt: Date | null }>
  >(Prisma.sql`
    SELECT m."interactionId", m."workflowId", m."noticedAt", m."createdAt" AS "storedAt",
           (SELECT min(o."createdAt") FROM "Offer" o WHERE o."interactionId" = m."interactionId") AS "offeredAt"
    FROM "Message" m
    WHERE m."accountId" = ${accountId} AND m.direction = 'inbound' AND m.subject LIKE ${`${subjectPrefix}%`}`);
  const samples: number[][] = STAGES.map(() => []);
  for (const row of rows) {
    const arrived = clock.firstOffer.get(row.interactionId);
    if (!row.workflowId || !row.noticedAt || !row.offeredAt || arrived === undefined) continue;
    const history = await platform.temporal.workflow.getHandle(row.workflowId).fetchHistory();
    const events = history.events ?? [];
    const started = events.find((event) => event.workflowExecutionStartedEventAttributes);
    const taskStarted = events.find((event) => event.workflowTaskStartedEventAttributes);
    if (!started || !taskStarted) continue;
    const points = [
      row.noticedAt.getTime(),
      row.storedAt.getTime(),
      eventMs(started.eventTime),
      eventMs(taskStarted.eventTime),
      row.offeredAt.getTime(),
      arrived,
    ];
    STAGES.forEach((_, index) => samples[index]!.push(points[index + 1]! - points[index]!));
  }
  return Object.fromEntries(STAGES.map((stage, index) => [stage, summarize(samples[index]!)]));
}
