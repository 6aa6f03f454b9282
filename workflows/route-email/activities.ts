/** The activities routing calls, each with the retry policy its dependency calls for (one line of reason each). */
import { type ActivityOptions, proxyActivities } from '@temporalio/workflow';
import type { createOutboxActivities } from '../../activities/outbox';
import type { createRoutingActivities } from '../../activities/routing';
import type { createHttpActivities } from '../../activities/http';
import type { createImapActivities } from '../../activities/imap';
import type { createSmtpActivities } from '../../activities/smtp';
import { RoutingErrorType } from '../../domain/errors';

/** Database activities take milliseconds; a short timeout retries one lost with a crashed worker quickly. */
export const db = proxyActivities<ReturnType<typeof createRoutingActivities> & ReturnType<typeof createOutboxActivities>>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '200 ms', maximumInterval: '10 seconds', nonRetryableErrorTypes: [RoutingErrorType.NotFound] },
});

/** Agents' replies: up to ten tries over minutes, never after a permanent refusal or an uncertain delivery. */
export const smtpOptions = {
  startToCloseTimeout: '2 minutes',
  retry: {
    initialInterval: '2 seconds',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: 10,
    nonRetryableErrorTypes: [RoutingErrorType.SmtpRejected, RoutingErrorType.DeliveryUncertain, RoutingErrorType.NotFound],
  },
} satisfies ActivityOptions;
export const smtp = proxyActivities<ReturnType<typeof createSmtpActivities>>(smtpOptions);

/** The sender of one agent email whose attempt has a shorter timeout (same activity type, so histories replay). */
export function smtpWithTimeout(seconds: number) {
  return proxyActivities<ReturnType<typeof createSmtpActivities>>({
    ...smtpOptions,
    startToCloseTimeout: Math.min(120, Math.max(1, Math.floor(seconds))) * 1000,
  });
}

/** The copy of a sent email in the mailbox's Sent folder: a few tries, then it is recorded as missing. */
export const sentFolder = proxyActivities<ReturnType<typeof createImapActivities>>({
  startToCloseTimeout: '1 minute',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumAttempts: 5,
    nonRetryableErrorTypes: [RoutingErrorType.InvalidConfiguration, RoutingErrorType.NotFound],
  },
});

/** Autoreplies: a few tries only, so a broken SMTP server delays routing by seconds, not minutes. */
export const autoreplySmtp = proxyActivities<ReturnType<typeof createSmtpActivities>>({
  startToCloseTimeout: '1 minute',
  retry: {
    initialInterval: '1 second',
    maximumAttempts: 3,
    nonRetryableErrorTypes: [RoutingErrorType.SmtpRejected, RoutingErrorType.DeliveryUncertain, RoutingErrorType.NotFound],
  },
});

/** Webhook steps: a few quick tries, then the plan goes on (the step's own timeout bounds each try). */
export const http = proxyActivities<ReturnType<typeof createHttpActivities>>({
  startToCloseTimeout: '2 minutes',
  retry: {
    initialInterval: '1 second',
    maximumAttempts: 3,
    nonRetryableErrorTypes: [RoutingErrorType.InvalidConfiguration, RoutingErrorType.NotFound],
  },
});
