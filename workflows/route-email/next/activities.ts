/**
 * The activities of routing with database placement. Everything that touches only PostgreSQL runs as a local
 * activity inside the workflow task (milliseconds; no round trip to the Temporal server before the first offer);
 * SMTP, IMAP and webhooks stay regular activities with their own retry policies (../activities.ts).
 */
import { proxyLocalActivities } from '@temporalio/workflow';
import type { createOutboxActivities } from '../../../activities/outbox';
import type { createPlacementActivities } from '../../../activities/placement';
import type { createRoutingActivities } from '../../../activities/routing';
import { RoutingErrorType } from '../../../domain/errors';

type DatabaseActivities = ReturnType<typeof createPlacementActivities> &
  ReturnType<typeof createRoutingActivities> &
  ReturnType<typeof createOutboxActivities>;

/** One short transaction each; a lost one (crashed worker) is retried quickly, a missing row never. */
export const routing = proxyLocalActivities<DatabaseActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '200 ms', maximumInterval: '10 seconds', nonRetryableErrorTypes: [RoutingErrorType.NotFound] },
});

export { autoreplySmtp, http, sentFolder, smtp, smtpWithTimeout } from '../activities';
