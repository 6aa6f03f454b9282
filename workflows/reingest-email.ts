/** One quarantined email ingested again on a worker, its limits waived, and routed like a new one. */
import { proxyActivities } from '@temporalio/workflow';
import type { createQuarantineActivities } from '../activities/quarantine';
import type { ReingestInput, ReingestResult } from '../contracts/reingest-email';
import { RoutingErrorType } from '../domain/errors';

const { reingestQuarantinedEmail } = proxyActivities<ReturnType<typeof createQuarantineActivities>>({
  startToCloseTimeout: '5 minutes',
  retry: { maximumAttempts: 5, nonRetryableErrorTypes: [RoutingErrorType.NotFound, RoutingErrorType.Conflict] },
});

export async function reingestQuarantined(input: ReingestInput): Promise<ReingestResult> {
  return reingestQuarantinedEmail(input);
}
