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
}
