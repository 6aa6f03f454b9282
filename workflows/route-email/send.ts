/**
 * An agent's reply or forward: the outbox row (fixed Message-ID) first, then the send (at most once), then a
 * copy in the mailbox's Sent folder. A Sent folder that cannot be written is recorded, never fails the send. A send
 * whose outcome is unknown fails the agent's request and is settled by a run of its own (settle-uncertain-send.ts).
 */
import { patched } from '@temporalio/workflow';
import { failureReason } from '../../domain/errors';
import { deliveryUncertain, settleInBackground } from '../settle-uncertain-send';
import { type DatabaseActivities, sentFolder, smtp, smtpWithTimeout } from './activities';
import type { RoutingRun } from './run';

export async function sendAgentEmail(
  run: RoutingRun,
  db: DatabaseActivities,
  kind: 'reply' | 'forward',
  agentId: number,
  sendTimeoutSeconds: number | undefined,
  writeOutbox: () => Promise<{ outboundId: number; messageIdHeader: string }>,
): Promise<{ outboundId: number; messageIdHeader: string }> {
  const outbound = await writeOutbox();
  const sender = sendTimeoutSeconds === undefined ? smtp : smtpWithTimeout(sendTimeoutSeconds);
  try {
    await sender.sendOutbound({ outboundId: outbound.outboundId });
  } catch (error) {
    // The agent is told at once; the email is looked for in the Sent folder, else left for a person to settle.
    if (deliveryUncertain(error) && patched('settle-uncertain-send'))
      await settleInBackground({ outboundId: outbound.outboundId, interactionId: run.input.interactionId });
    throw error;
  }
  // A repeated request (same requestId) reaches here again with the same outbound row: its event is recorded once.
  await db.recordRoutingEvent({
    ...run.ids(),
    type: `${kind}-sent`,
    detail: { agentId, outboundId: outbound.outboundId },
    once: `${kind}-sent-${outbound.outboundId}`,
  });
  if (kind === 'reply') run.serviceNews?.push({ kind: 'reply', at: Date.now() });
  if (run.keepsSentCopy()) {
    try {
      await sentFolder.appendToSentFolder({ outboundId: outbound.outboundId });
    } catch (error) {
      await db.recordRoutingEvent({
        ...run.ids(),
        type: 'sent-folder-append-failed',
        detail: { outboundId: outbound.outboundId, reason: failureReason(error) },
      });
    }
  }
  return outbound;
}
