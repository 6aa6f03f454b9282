/** The routing event log of interactions: append-only. */
import type { RoutingEventInput } from '../domain/routing-events';
import type { Database } from './db';

export function createRoutingEventStore(db: Database) {
  return {
    /**
     * Appends one event; answers with when it was written and what a live announcement of it needs, or null when an
     * event with its `once` key is already there. One statement: routing records several events per email.
     */
    async append(input: Omit<RoutingEventInput, 'notify'>) {
      const [row] = await db.$queryRaw<
        Array<{
          createdAt: Date;
          interactionId: number;
          accountId: number;
          subject: string;
          customerEmail: string;
          customerName: string | null;
          queueName: string | null;
          key: string;
          name: string;
          notificationTemplate: string | null;
          notificationSound: boolean;
          notificationShake: boolean;
        }>
      >`
        WITH written AS (
          INSERT INTO "RoutingEvent" ("interactionId", "messageId", "workflowId", type, detail, "onceKey")
          VALUES (${input.interactionId}, ${input.messageId ?? null}::int, ${input.workflowId ?? null}::text, ${input.type},
                  ${JSON.stringify(input.detail ?? {})}::jsonb, ${input.once ?? null}::text)
          ON CONFLICT ("interactionId", "onceKey") DO NOTHING
          RETURNING "createdAt", "interactionId"
        )
        SELECT w."createdAt", i.id AS "interactionId", i."accountId", i.subject, i."customerEmail", i."customerName",
               q.name AS "queueName", a.key, a.name, a."notificationTemplate", a."notificationSound", a."notificationShake"
        FROM written w JOIN "Interaction" i ON i.id = w."interactionId" JOIN "EmailAccount" a ON a.id = i."accountId"
        LEFT JOIN "Queue" q ON q.id = i."queueId"`;
      if (!row) return null;
      const { createdAt, interactionId, accountId, subject, customerEmail, customerName, queueName, ...account } = row;
      const queue = queueName === null ? null : { name: queueName };
      return { createdAt, interaction: { id: interactionId, accountId, subject, customerEmail, customerName, queue }, account };
    },
  };
}

export type RoutingEventStore = ReturnType<typeof createRoutingEventStore>;
