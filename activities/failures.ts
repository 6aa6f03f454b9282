/**
 * The one way an activity says "what you asked about does not exist": a non-retryable ApplicationFailure of type
 * NotFound, which routing workflows list as permanent (retrying cannot make a deleted row come back).
 */
import { ApplicationFailure } from '@temporalio/common';
import { RoutingErrorType } from '../domain/errors';

export function notFound(what: string, message = `${what} not found`): ApplicationFailure {
  return ApplicationFailure.create({ message, type: RoutingErrorType.NotFound, nonRetryable: true });
}

/** The row, or the NotFound failure naming it. */
export function found<T>(row: T | null | undefined, what: string): T {
  if (row === null || row === undefined) throw notFound(what);
  return row;
}
