/**
 * Settling an outbound email whose delivery is unknown (its worker died while the SMTP server had the message):
 * one workflow per outbox row, named by its id. It looks for the email in the account's Sent folder (providers such
 * as Gmail and Microsoft 365 file what they accepted there) and otherwise waits for a person: the holder or a
 * supervisor resends it as a new email, marks it sent, or discards it. Sandbox-safe.
 */
import { defineUpdate } from '@temporalio/workflow';

export function settleUncertainSendWorkflowId(outboundId: number): string {
  return `uncertain-send-${outboundId}`;
}

export interface SettleUncertainSendInput {
  outboundId: number;
  interactionId: number;
}

/** What a person decides about an uncertain email. */
export type UncertainSendDecision = 'resend' | 'mark-sent' | 'discard';
export const UNCERTAIN_SEND_DECISIONS: readonly UncertainSendDecision[] = ['resend', 'mark-sent', 'discard'];

/** How an uncertain email was settled, as the outbox row records it. */
export type UncertainSendResolution = 'found-in-sent-folder' | 'marked-sent' | 'discarded' | 'resent';

export interface UncertainSendOutcome {
  outboundId: number;
  resolution: UncertainSendResolution;
  /** Of a resend: the new email, and whether it went out (sent), or is itself uncertain or failed. */
  resentAs: { outboundId: number; status: 'sent' | 'uncertain' | 'failed'; error: string | null } | null;
}

export const decideUncertainSendUpdate = defineUpdate<UncertainSendOutcome, [{ decision: UncertainSendDecision; actorId: number }]>(
  'decideUncertainSend',
);
