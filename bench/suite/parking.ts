/** Parking: many interactions waiting for agents at once, each with its routing workflow. */
import { Client as PgClient } from 'pg';
import { startRoutingWorkflow } from '../../services/start-routing';
import { createStore } from '../../store';
import type { TestPlatform } from '../../tests/support/platform';
import { testEnvironment } from '../../tests/support/test-environment';
import { createDesk } from '../support/desk';
import { round, sleep } from '../support/stats';

/**
 * Parks up to `target` interactions waiting for agents: rows written in bulk, then one routing workflow each,
 * started exactly as the mailbox watcher starts them (services/start-routing.ts), on a queue whose only agent is offline.
 */
export async function park(platform: TestPlatform, target: number, budgetSeconds: number) {
  const desk = await createDesk(platform, { dovecot: testEnvironment().dovecot, agents: 1, activate: false, online: false });
  const sql = new PgClient({ connectionString: testEnvironment().databaseUrl });
  await sql.connect();
  const rows = await sql.query<{ interaction: number; message: number; uid: string }>(
    `WITH interactions AS (
       INSERT INTO "Interaction" ("accountId", subject, "customerEmail", "updatedAt")
       SELECT $1, 'parked ' || g, 'parked' || g || '@customer.test', now() FROM generate_series(1, $2) g RETURNING id
     ), numbered AS (SELECT id, row_number() OVER (ORDER BY id) AS n FROM interactions)
     INSERT INTO "Message" ("interactionId", "accountId", direction, mailbox, "uidValidity", uid, "messageIdHeader", "fromAddress", subject, text)
     SELECT id, $1, 'inbound', 'INBOX', 1, n, '<parked-' || n || '-' || $1 || '@customer.test>', 'parked' || n || '@customer.test', 'parked ' || n, 'Waiting.'
     FROM numbered RETURNING "interactionId" AS interaction, id AS message, uid`,
    [desk.account.id, target],
  );
  await sql.end();
  const t0 = performance.now();
  const deadline = Date.now() + budgetSeconds * 1000;
  let next = 0;
  let startedCount = 0;
  await Promise.all(
    Array.from({ length: 20 }, async () => {
      while (next < rows.rows.length && Date.now() < deadline) {
        const row = rows.rows[next++]!;
        await startRoutingWorkflow(
          { store: createStore(platform.db), temporal: platform.temporal, taskQueue: platform.taskQueue },
          {
            accountId: desk.account.id,
            accountKey: desk.account.key,
            uidValidity: 1n,
            uid: BigInt(row.uid),
            messageId: row.message,
            interactionId: row.interaction,
          },
        );
        startedCount += 1;
      }
    }),
  );
  const waiting = () => platform.db.interaction.count({ where: { accountId: desk.account.id, routingState: 'waiting-for-agents' } });
  let parked = await waiting();
  while (parked < startedCount && Date.now() < deadline + 10_000) {
    await sleep(1000);
    parked = await waiting();
  }
  return { target, started: startedCount, parked, parkSeconds: round((performance.now() - t0) / 1000) };
}
