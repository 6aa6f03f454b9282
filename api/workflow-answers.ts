/** How the API answers when a routing workflow refuses or fails what an agent asked of it. */
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { AppError } from './http';

/** The innermost reason of a failure chain ("Activity task failed" says less than the activity's own message). */
export function rootReason(error: Error): string {
  let reason = error.message;
  for (let cause = (error as { cause?: unknown }).cause; cause instanceof Error; cause = (cause as { cause?: unknown }).cause) {
    if (cause.message) reason = cause.message;
  }
  return reason;
}

/** A workflow update refused by its validator (or failed) is a conflict for the caller, with the workflow's reason. */
export async function asConflict<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError) throw AppError.conflict(rootReason(error));
    if (error instanceof WorkflowNotFoundError) throw AppError.conflict('the routing of this interaction has ended');
    throw error;
  }
}
