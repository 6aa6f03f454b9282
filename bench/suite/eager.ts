/**
 * Whether routing workflows really start eagerly. The starter cannot be asked (the worker's watch discards the
 * handle), so the histories say it: an eager start writes the first workflow task as started in the same transaction
 * as the workflow (microseconds apart; 15–60 µs measured on the dev server), while a task that went through matching
 * is started by a poll, milliseconds later (6 ms on an idle dev server).
 */
import type { TestPlatform } from '../../tests/support/platform';

const EAGER_GAP_MS = 1;

const ms = (time: { seconds?: unknown; nanos?: number | null } | null | undefined) =>
  Number(time?.seconds ?? 0) * 1000 + (time?.nanos ?? 0) / 1e6;

export async function eagerStartShare(
  platform: TestPlatform,
  workflowIds: string[],
): Promise<{ sampled: number; eager: number; how: string }> {
  let eager = 0;
  for (const workflowId of workflowIds) {
    const history = await platform.temporal.workflow.getHandle(workflowId).fetchHistory();
    const events = history.events ?? [];
    const scheduled = events.find((event) => event.workflowTaskScheduledEventAttributes);
    const started = events.find((event) => event.workflowTaskStartedEventAttributes);
    if (scheduled && started && ms(started.eventTime) - ms(scheduled.eventTime) < EAGER_GAP_MS) eager += 1;
  }
  return {
    sampled: workflowIds.length,
    eager,
    how: `first workflow task started < ${EAGER_GAP_MS} ms after it was scheduled (same transaction as the start) in the workflow's history`,
  };
}
