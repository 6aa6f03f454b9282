/** How the API answers when a routing workflow refuses or fails what an agent asked of it. */
import { isGrpcServiceError, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { failureReason } from '../domain/errors';
import { AppError } from './http';

/** A workflow update refused by its validator (or failed) is a conflict for the caller, with the workflow's reason. */
export async function asConflict<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError) throw AppError.conflict(failureReason(error));
    if (error instanceof WorkflowNotFoundError) throw AppError.conflict('the routing of this interaction has ended');
    if (workflowTaskFailing(error)) {
      // The run is being retried on a worker (after a crash or a bug being fixed): nothing was done, ask again later.
      throw new AppError(503, 'Service Unavailable', 'the routing of this interaction is recovering: retry shortly', [], {
        'Retry-After': '5',
      });
    }
    throw error;
  }
}

/** gRPC's status code 9. */
const FAILED_PRECONDITION = 9;

function workflowTaskFailing(error: unknown): boolean {
  const cause = error instanceof Error ? error.cause : undefined;
  return isGrpcServiceError(cause) && cause.code === FAILED_PRECONDITION && /workflow task in failed state/i.test(cause.details);
}
