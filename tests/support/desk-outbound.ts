/**
 * What the desk's outbound tests share (desk-outbound-*.test.ts): SMTP captures closed after the test file, the
 * routing workflow of an interaction, and closing an interaction with its history recorded when asked.
 */
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
