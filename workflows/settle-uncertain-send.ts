/**
 * An outbound email whose delivery is unknown, settled: looked for in the Sent folder a few times (a provider files
 * what it accepted there, sometimes a while later), and otherwise held until a person decides (no timer runs then).
 * A resend goes out as a new email, sent at most once like any other, and copied to the Sent folder.
 */
import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  condition,
  ParentClosePolicy,
  proxyActivities,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { createImapActivities } from '../activities/imap';
import type { createUncertainSendActivities } from '../activities/uncertain-sends';
import {
  decideUncertainSendUpdate,
  settleUncertainSendWorkflowId,
  type SettleUncertainSendInput,
  type UncertainSendDecision,
  type UncertainSendOutcome,
  type UncertainSendResolution,
} from '../contracts/settle-uncertain-send';
import { failureReason, RoutingErrorType } from '../domain/errors';
import { sentFolder, smtp } from './route-email/activities';

const settling = proxyActivities<ReturnType<typeof createUncertainSendActivities>>({
  startToCloseTimeout: '1 minute',
  retry: {
    initialInterval: '1 second',
    maximumInterval: '1 minute',
    nonRetryableErrorTypes: [RoutingErrorType.NotFound, RoutingErrorType.Conflict],
  },
});
const lookup = proxyActivities<ReturnType<typeof createImapActivities>>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', maximumAttempts: 3, nonRetryableErrorTypes: [RoutingErrorType.NotFound] },
});

/** When the Sent folder is looked at again, after the previous look. */
const SENT_FOLDER_LOOKUPS = ['5 seconds', '30 seconds', '2 minutes', '10 minutes', '1 hour'] as const;

export async function settleUncertainSend(input: SettleUncertainSendInput): Promise<UncertainSendOutcome> {
  const { workflowId } = workflowInfo();
  let decision: { decision: UncertainSendDecision; actorId: number } | null = null;
  let outcome: UncertainSendOutcome | null = null;
  setHandler(
    decideUncertainSendUpdate,
    async (asked) => {
      decision ??= asked;
      await condition(() => outcome !== null);
      return outcome!;
    },
    {
      validator: (asked) => {
        if (outcome !== null) throw new Error(`outbound ${input.outboundId} was settled already (${outcome.resolution})`);
        if (decision !== null && decision.decision !== asked.decision)
          throw new Error(`outbound ${input.outboundId} is being settled already (${decision.decision})`);
      },
    },
  );

  const settledAs = (resolution: UncertainSendResolution, resentAs: UncertainSendOutcome['resentAs'] = null) =>
    (outcome = { outboundId: input.outboundId, resolution, resentAs });

  const start = await settling.noteUncertainSend({ outboundId: input.outboundId, workflowId });
  if (start.resolution !== null) return finish(settledAs(start.resolution));

  for (const wait of SENT_FOLDER_LOOKUPS) {
    if (await condition(() => decision !== null, wait)) break;
    const looked = await lookup.findUncertainInSentFolder({ outboundId: input.outboundId }).catch(() => null);
    if (looked?.found) await settling.announceSettled({ outboundId: input.outboundId, workflowId });
    if (looked?.resolution) return finish(settledAs(looked.resolution as UncertainSendResolution));
  }
  await condition(() => decision !== null);

  const { decision: chosen, actorId } = decision!;
  const settled = await settling.settleUncertainSend({ outboundId: input.outboundId, decision: chosen, actorId, workflowId });
  if (settled.resentOutboundId === null) return finish(settledAs(settled.resolution));
  const resent = await resend(settled.resentOutboundId);
  // A resend whose delivery is unknown in turn is settled like the first.
  if (resent.status === 'uncertain') await settleInBackground({ outboundId: resent.outboundId, interactionId: input.interactionId });
  return finish(settledAs(settled.resolution, resent));
}

/** Starts settling an uncertain email, in a run of its own that outlives its starter; one already at it is left be. */
export async function settleInBackground(input: SettleUncertainSendInput): Promise<void> {
  try {
    await startChild(settleUncertainSend, {
      workflowId: settleUncertainSendWorkflowId(input.outboundId),
      args: [input],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      staticSummary: `Outbound email ${input.outboundId} of interaction ${input.interactionId}: delivery unknown, looked for in the Sent folder, else settled by a person`,
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
}

/** The new email sent; its copy kept in the Sent folder (a copy that cannot be kept does not fail the resend). */
async function resend(outboundId: number): Promise<NonNullable<UncertainSendOutcome['resentAs']>> {
  try {
    await smtp.sendOutbound({ outboundId });
  } catch (error) {
    return { outboundId, status: deliveryUncertain(error) ? 'uncertain' : 'failed', error: failureReason(error) };
  }
  await sentFolder.appendToSentFolder({ outboundId }).catch(() => undefined);
  return { outboundId, status: 'sent', error: null };
}

async function finish(outcome: UncertainSendOutcome): Promise<UncertainSendOutcome> {
  // The person who decided gets the answer before the run ends.
  await condition(allHandlersFinished);
  return outcome;
}

/** The SMTP activity could not know whether the server took the message. */
export function deliveryUncertain(error: unknown): boolean {
  return (
    error instanceof ActivityFailure && error.cause instanceof ApplicationFailure && error.cause.type === RoutingErrorType.DeliveryUncertain
  );
}
