/**
 * An agent's reply or forward: the outbox row (fixed Message-ID) first, then the send (at most once), then a
 * copy in the mailbox's Sent folder. A Sent folder that cannot be written is recorded, never fails the send.
 */
import { failureReason } from '../../domain/errors';
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
  await sender.sendOutbound({ outboundId: outbound.outboundId });
  // A repeated request (same requestId) reaches here again with the same outbound row: its event is recorded once.
  await db.recordRoutingEvent({
    ...run.ids(),
    type: `${kind}-sent`,
    detail: { agentId, outboundId: outbound.outboundId },
    once: `${kind}-sent-${outbound.outboundId}`,
  });
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
