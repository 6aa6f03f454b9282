/** How the API answers when a routing workflow refuses or fails what an agent asked of it. */
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { failureReason } from '../domain/errors';
import { AppError } from './http';

/** A workflow update refused by its validator (or failed) is a conflict for the caller, with the workflow's reason. */
export async function asConflict<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError) throw AppError.conflict(failureReason(error));
    if (error instanceof WorkflowNotFoundError) throw AppError.conflict('the routing of this interaction has ended');
    throw error;
  }
}
