/**
 * What the desk's outbound tests share (desk-outbound-*.test.ts, uncertain-send.test.ts): SMTP captures closed after
 * the test file, holding an outbox row across the server's 250, the routing workflow of an interaction, and closing
 * an interaction with its history recorded when asked.
 */
import type { Pool, PoolClient } from 'pg';
import { recordHistoryIfAsked } from './histories';
import type { ApiClient, TestPlatform } from './platform';
import { startSmtpSink, type SmtpSink, type SmtpSinkOptions } from './smtp-sink';

/** Starts SMTP captures for one test file and closes them all after it (call at top level). */
export function smtpSinks(): (options?: SmtpSinkOptions) => Promise<SmtpSink> {
  const sinks: SmtpSink[] = [];
  afterAll(async () => {
    await Promise.all(sinks.map((sink) => sink.close()));
  });
  return async (options = {}) => {
    const started = await startSmtpSink(options);
    sinks.push(started);
    return started;
  };
}

/**
 * Holds the first email's outbox row locked from just before the server's 250 until `release`: the sending attempt
 * has its 250 but cannot record it, which is the window in which a crash or a timeout would tempt a second send.
 * Emails after the first pass freely.
 */
export function holdRowAcross250(pool: Pool): { options: SmtpSinkOptions; held: Promise<void>; release(): Promise<void> } {
  let client: PoolClient | undefined;
  let markHeld: () => void;
  const held = new Promise<void>((resolve) => (markHeld = resolve));
  return {
    held,
    options: {
      async beforeAccept(email) {
        if (client) return;
        client = await pool.connect();
        await client.query('BEGIN');
        await client.query('SELECT id FROM "OutboundEmail" WHERE "messageIdHeader" = $1 FOR UPDATE', [email.messageId]);
      },
      afterAccept() {
        markHeld();
      },
    },
    async release() {
      await client?.query('COMMIT');
      client?.release();
    },
  };
}

export async function workflowIdOf(platform: TestPlatform, interactionId: number): Promise<string> {
  const interaction = await platform.db.interaction.findUniqueOrThrow({ where: { id: interactionId } });
  return interaction.routingWorkflowId!;
}

/** Closes with the disposition, waits for the workflow to complete, and records its history when asked. */
export async function closeAndRecord(
  platform: TestPlatform,
  agent: ApiClient,
  interactionId: number,
  dispositionId: number,
  historyName: string,
): Promise<void> {
  const workflowId = await workflowIdOf(platform, interactionId);
  const closed = await agent.post(`/api/interactions/${interactionId}/close`, { dispositionId });
  expect(closed.body).toEqual({ state: 'closed' });
  expect(await platform.temporal.workflow.getHandle(workflowId).result()).toMatchObject({ state: 'closed' });
  recordHistoryIfAsked(workflowId, historyName);
}
