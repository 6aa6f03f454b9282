/**
 * The admin's "re-ingest" of a quarantined email, handed to a worker: the API starts (or joins) the email's reingest
 * workflow and waits a bounded time for its answer. A large email is parsed there, never in the API process.
 */
import { WorkflowFailedError, WorkflowIdConflictPolicy, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { reingestWorkflowId, type ReingestResult } from '../contracts/reingest-email';
import { ConflictError, failureReason, NotFoundError, RoutingErrorType } from '../domain/errors';
import { reingestQuarantined } from '../workflows/reingest-email';
import { answerWithin } from './workflow-answer';

export type ReingestAnswer = ({ state: 'done' } & ReingestResult) | { state: 'running'; workflowId: string };

function innermostApplicationFailure(error: unknown): ApplicationFailure | null {
  let found: ApplicationFailure | null = null;
  for (let cause: unknown = error; cause instanceof Error; cause = (cause as { cause?: unknown }).cause)
    if (cause instanceof ApplicationFailure) found = cause;
  return found;
}

export async function reingestOnWorker(
  temporal: Client,
  options: { taskQueue: string; quarantineId: number; accountKey: string; waitMs?: number },
): Promise<ReingestAnswer> {
  const workflowId = reingestWorkflowId(options.quarantineId);
  const handle = await temporal.workflow.start(reingestQuarantined, {
    taskQueue: options.taskQueue,
    workflowId,
    args: [{ quarantineId: options.quarantineId }],
    // A second request while one runs joins it; once it has ended, another may run (an admin retrying a failure).
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    staticSummary: `Re-ingest quarantined email ${options.quarantineId} of account ${options.accountKey}`,
  });
  try {
    const answer = await answerWithin(temporal, options.waitMs ?? 20_000, () => handle.result());
    return answer === null ? { state: 'running', workflowId } : { state: 'done', ...answer };
  } catch (error) {
    if (!(error instanceof WorkflowFailedError)) throw error;
    const failure = innermostApplicationFailure(error);
    if (failure?.type === RoutingErrorType.NotFound) throw new NotFoundError(`quarantined email ${options.quarantineId}`);
    throw new ConflictError(failureReason(error));
  }
}
