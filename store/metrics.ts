/** What the metrics read from the database: the queue gauges at scrape time, and how long an accepted offer waited. */
import type { Database } from './db';

export function createMetricsStore(db: Database) {
  return {
    /** Every queue's waiting interactions and the longest wait, in one query (the waits' queue index serves it). */
    async queueReadings(): Promise<Array<{ queue: string; waiting: number; longestWaitSeconds: number }>> {
      const rows = await db.$queryRaw<Array<{ queue: string; waiting: number; longest: number | null }>>`
        SELECT q.name AS queue, count(w.id)::int AS waiting,
               EXTRACT(EPOCH FROM now() - min(w."waitingSince"))::float8 AS longest
        FROM "Queue" q LEFT JOIN "RoutingWait" w ON w."queueId" = q.id
        GROUP BY q.id, q.name`;
      return rows.map((row) => ({ queue: row.queue, waiting: row.waiting, longestWaitSeconds: Math.max(0, row.longest ?? 0) }));
    },

    /** Seconds from an offer's creation to its answer, once answered. */
    async answerSeconds(offerId: number): Promise<number | null> {
      const [row] = await db.$queryRaw<Array<{ seconds: number | null }>>`
        SELECT EXTRACT(EPOCH FROM "respondedAt" - "createdAt")::float8 AS seconds FROM "Offer" WHERE id = ${offerId}`;
      return row?.seconds ?? null;
    },
  };
}

export type MetricsStore = ReturnType<typeof createMetricsStore>;
