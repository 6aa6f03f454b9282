/**
 * The activities routing calls, each with the retry policy its dependency calls for (one line of reason each).
 * Everything that touches only PostgreSQL runs as a local activity inside the workflow task (milliseconds, no
 * round trip to the Temporal server before the first offer); runs that poll call the same activities as regular
 * ones, as their recorded histories say. SMTP, IMAP and webhooks are regular activities.
 */
import { type ActivityOptions, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { createOutboxActivities } from '../../activities/outbox';
import type { createPlacementActivities } from '../../activities/placement';
import type { createRoutingActivities } from '../../activities/routing';
import type { createHttpActivities } from '../../activities/http';
import type { createImapActivities } from '../../activities/imap';
import type { SlaActivities } from '../../activities/sla';
import type { createSmtpActivities } from '../../activities/smtp';
import { RoutingErrorType } from '../../domain/errors';

/** The database activities of routing: ownership, offers, presence, transfers, closing, composing emails. */
export type DatabaseActivities = ReturnType<typeof createRoutingActivities> & ReturnType<typeof createOutboxActivities>;

/** Database activities take milliseconds; a short timeout retries one lost with a crashed worker quickly. */
const databaseOptions = {
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '200 ms', maximumInterval: '10 seconds', nonRetryableErrorTypes: [RoutingErrorType.NotFound] },
} satisfies ActivityOptions;

/** For runs with database placement: local activities, one short transaction each. */
export const routing = proxyLocalActivities<DatabaseActivities & ReturnType<typeof createPlacementActivities>>(databaseOptions);

/** Service levels: which policy measures the interaction, its clocks and escalations (all database work). */
export const sla = proxyLocalActivities<SlaActivities>(databaseOptions);

/** For runs that poll: the same activities, regular. */
export const db = proxyActivities<DatabaseActivities>(databaseOptions);

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
