/**
 * Stable error types. Activities raise `ApplicationFailure`s with these types; workflows list the
 * permanent ones as non-retryable; the API maps them to HTTP answers; tests assert on them.
 */
export enum RoutingErrorType {
  NotFound = 'NotFound',
  /** The SMTP server refused the message permanently (5xx). */
  SmtpRejected = 'SmtpRejected',
  /** An earlier attempt may have been delivered: never sent again automatically. */
  DeliveryUncertain = 'DeliveryUncertain',
  InvalidConfiguration = 'InvalidConfiguration',
  /** What was asked clashes with the current state (e.g. an email that still cannot be ingested). */
  Conflict = 'Conflict',
  /** The IMAP server answered NO (or BAD): asking again with the same bytes gets the same answer. */
  ImapRefused = 'ImapRefused',
}

/**
 * The innermost reason of a failure chain: "Activity task failed" or "Workflow Update failed" say less than the
 * activity's or validator's own message. Duck-typed on `cause`, so workflow code and the API share it.
 */
export function failureReason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  let reason = error.message;
  for (let cause = (error as { cause?: unknown }).cause; cause instanceof Error; cause = (cause as { cause?: unknown }).cause) {
    if (cause.message) reason = cause.message;
  }
  return reason;
}

/** One problem with one input field, named as the caller spelled it (`steps.2.queueId`). */
export interface FieldProblem {
  field: string;
  reason: string;
}

/**
 * Failures of a use case, independent of who asked: the API answers them as 404, 400, 409 and 412 problems, an
 * activity turns NotFoundError into a non-retryable NotFound failure.
 */
export class NotFoundError extends Error {
  constructor(readonly what: string) {
    super(`${what} not found`);
  }
}

/** Input that breaks a rule a schema cannot state (an unknown reference, a plan that loops): names the fields. */
export class InvalidInputError extends Error {
  constructor(
    message: string,
    readonly problems: FieldProblem[],
  ) {
    super(message);
  }

  static field(field: string, reason: string, message = `${field}: ${reason}`): InvalidInputError {
    return new InvalidInputError(message, [{ field, reason }]);
  }
}

/** The request clashes with the current state (a name taken, an offer already answered). */
export class ConflictError extends Error {}

/** The client's copy is stale (If-Match). */
export class PreconditionFailedError extends Error {}

/** The caller's role or ownership does not allow this. */
export class ForbiddenError extends Error {}

/** Too many attempts: try again after `retryAfterSeconds`. */
export class TooManyRequestsError extends Error {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}
