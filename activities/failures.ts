/**
 * The one way an activity says "what you asked about does not exist": a non-retryable ApplicationFailure of type
 * NotFound, which routing workflows list as permanent (retrying cannot make a deleted row come back).
 */
import { ApplicationFailure } from '@temporalio/common';
import type { ActivityInboundCallsInterceptor } from '@temporalio/worker';
import { InvalidInputError, NotFoundError, RoutingErrorType } from '../domain/errors';
import { domainErrorOf } from '../store/errors';

export function notFound(what: string, message = `${what} not found`): ApplicationFailure {
  return ApplicationFailure.create({ message, type: RoutingErrorType.NotFound, nonRetryable: true });
}

/** The row, or the NotFound failure naming it. */
export function found<T>(row: T | null | undefined, what: string): T {
  if (row === null || row === undefined) throw notFound(what);
  return row;
}

/**
 * Every activity, whatever it touches: a row that vanished (an interaction deleted while its routing ran, a message
 * or agent removed) fails as NotFound, never as an error retried for ever. That covers the store's NotFoundError and
 * the database's own refusals (no row to update, a reference to a deleted row).
 */
export const vanishedRowsAreNotFound: ActivityInboundCallsInterceptor = {
  async execute(input, next) {
    try {
      return await next(input);
    } catch (error) {
      const known = domainErrorOf(error) ?? error;
      if (known instanceof NotFoundError) throw notFound(known.what, known.message);
      if (known instanceof InvalidInputError && known.message.includes('refers to something that does not exist'))
        throw notFound('a referenced row', known.message);
      throw error;
    }
  },
};
