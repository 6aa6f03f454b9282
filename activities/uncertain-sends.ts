/**
 * Settling an outbound email whose delivery is unknown, as a person decides: marked sent (the email as composed joins
 * the thread), discarded (it stays uncertain, settled), or resent as a new email with its own Message-ID (sent by the
 * settling workflow like any other). Each decision is recorded on the interaction's log and announced live.
 */
import type { UncertainSendDecision, UncertainSendResolution } from '../contracts/settle-uncertain-send';
import { ApplicationFailure } from '@temporalio/common';
import { RoutingErrorType } from '../domain/errors';
import type { OutboundEnvelope } from '../domain/outbound';
import type { RoutingEvents } from '../services/routing-events';
import type { Store } from '../store';
import { found } from './failures';
import { outboundMessageId } from './outbox';
import { composeMessage } from './smtp';

export interface UncertainSendActivityDeps {
  store: Pick<Store, 'outbox' | 'blobs'>;
  routingEvents: RoutingEvents;
}

const RESOLUTION_OF: Record<UncertainSendDecision, UncertainSendResolution> = {
  resend: 'resent',
  'mark-sent': 'marked-sent',
  discard: 'discarded',
};

export function createUncertainSendActivities({ store, routingEvents }: UncertainSendActivityDeps) {
  const { outbox, blobs } = store;

  async function recordSettled(
    row: { id: number; interactionId: number; resolution: string | null; resolvedById: number | null; resentAsId: number | null },
    workflowId: string,
  ) {
    await routingEvents.record({
      interactionId: row.interactionId,
      workflowId,
      type: 'send-resolved',
      detail: { outboundId: row.id, resolution: row.resolution, actorId: row.resolvedById, resentOutboundId: row.resentAsId },
      once: `send-resolved-${row.id}`,
    });
  }

  return {
    /**
     * How an uncertain email was settled, if it was; the first call records on the interaction's log that its
     * delivery is unknown.
     */
    async noteUncertainSend(input: { outboundId: number; workflowId: string }) {
      const row = found(await outbox.find(input.outboundId), `outbound ${input.outboundId}`);
      await routingEvents.record({
        interactionId: row.interactionId,
        workflowId: input.workflowId,
        type: 'send-uncertain',
        detail: { outboundId: row.id, kind: row.kind, reason: row.error },
        once: `send-uncertain-${row.id}`,
        notify: true,
      });
      return { resolution: row.resolution as UncertainSendResolution | null };
    },

    /** Carries out a person's decision; repeated (a retried activity), it finds the decision already made. */
    async settleUncertainSend(input: {
      outboundId: number;
      decision: UncertainSendDecision;
      actorId: number;
      workflowId: string;
    }): Promise<{ resolution: UncertainSendResolution; resentOutboundId: number | null }> {
      const row = found(await outbox.find(input.outboundId), `outbound ${input.outboundId}`);
      const wanted = RESOLUTION_OF[input.decision];
      if (row.resolution === null && row.status === 'uncertain') {
        const envelope = row.envelope as unknown as OutboundEnvelope;
        if (input.decision === 'mark-sent') {
          const raw = await composeMessage(envelope, blobs.read);
          await outbox.recordSent({
            outbound: row,
            envelope,
            rawSha256: await blobs.put(raw),
            sizeBytes: raw.length,
            sentAt: row.dataStartedAt ?? new Date(),
            smtpResponse: 'marked sent by a person',
            settled: { resolution: 'marked-sent', resolvedById: input.actorId },
          });
        } else if (input.decision === 'discard') {
          await outbox.discardUncertain(row.id, input.actorId);
        } else {
          const messageIdHeader = outboundMessageId({
            accountEmail: envelope.from.address,
            interactionId: row.interactionId,
            requestId: `resend-of-${row.id}`,
          });
          await outbox.resendUncertain(row.id, input.actorId, { messageIdHeader, envelope: { ...envelope, messageId: messageIdHeader } });
        }
      }
      const settled = found(await outbox.find(input.outboundId), `outbound ${input.outboundId}`);
      if (settled.resolution !== wanted) {
        throw ApplicationFailure.create({
          message: `outbound ${row.id} was settled already (${settled.resolution ?? settled.status})`,
          type: RoutingErrorType.Conflict,
          nonRetryable: true,
        });
      }
      await recordSettled(settled, input.workflowId);
      return { resolution: wanted, resentOutboundId: settled.resentAsId };
    },

    /** An email found in the Sent folder: the interaction's log says so. */
    async announceSettled(input: { outboundId: number; workflowId: string }): Promise<void> {
      await recordSettled(found(await outbox.find(input.outboundId), `outbound ${input.outboundId}`), input.workflowId);
    },

    /** How a resent email fared: sent, or still uncertain or failed, with the reason. */
    async outboundStatus(input: { outboundId: number }): Promise<{ status: string; error: string | null }> {
      const row = found(await outbox.find(input.outboundId), `outbound ${input.outboundId}`);
      return { status: row.status, error: row.error };
    },
  };
}
