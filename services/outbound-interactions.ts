/**
 * A new email an agent starts: it becomes an interaction the agent holds, with a routing run of its own (held from
 * the start), so it is replied to, transferred and closed like any other, and the customer's answer threads to it.
 * The email is kept with the interaction's start and sent by the run as its first reply (the same outbox row, fixed
 * Message-ID and at-most-once send), so it goes out even if the request that started it is lost.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { WorkflowExecutionAlreadyStartedError, WorkflowIdConflictPolicy, WorkflowIdReusePolicy, type Client } from '@temporalio/client';
import { outboundWorkflowId } from '../contracts/route-email';
import { accountKeyAttribute, agentAttribute, interactionIdAttribute, stateAttribute } from '../contracts/search-attributes';
import type { EmailAddress, OutboundRequest } from '../domain/email';
import type { Store } from '../store';
import { routeEmail } from '../workflows/route-email';

/** How long the request waits for the SMTP server to accept the email before answering that it is still sending. */
const SEND_WAIT_MS = 10_000;
/** How a send ends: accepted by the SMTP server, refused for good, or unknown (settled by a run of its own). */
const SETTLED = new Set(['sent', 'failed', 'uncertain']);

export interface OutboundStart {
  account: { id: number; key: string; contactListId: number | null };
  agentId: number;
  to: EmailAddress[];
  cc: EmailAddress[];
  bcc: EmailAddress[];
  subject: string;
  /** The words, canned answer and stored attachments; `requestId` makes a retried request find the first. */
  request: OutboundRequest;
}

export function createOutboundInteractions(deps: { store: Pick<Store, 'outbox'>; temporal: Client; taskQueue: string }) {
  const { store, temporal, taskQueue } = deps;

  return {
    async start(input: OutboundStart) {
      const { account, agentId, request } = input;
      const [customer] = input.to as [EmailAddress, ...EmailAddress[]];
      const started =
        (await store.outbox.findOutboundStarted(agentId, request.requestId)) ??
        (await store.outbox.createOutboundInteraction({
          account,
          agentId,
          customer: { address: customer.address, name: customer.name ?? null },
          subject: input.subject,
          requestId: request.requestId,
          email: { ...request, to: input.to, cc: input.cc, bcc: input.bcc },
          workflowIdFor: (interactionId) => outboundWorkflowId({ accountKey: account.key, interactionId }),
        }));
      const { interactionId, workflowId } = started;
      try {
        await temporal.workflow.start(routeEmail, {
          taskQueue,
          workflowId,
          args: [{ accountId: account.id, accountKey: account.key, interactionId, messageId: 0, heldBy: agentId, sendsFirstEmail: true }],
          // A retried request reuses the running run; one that already ended is not started again.
          workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
          workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
          typedSearchAttributes: [
            { key: accountKeyAttribute, value: account.key },
            { key: interactionIdAttribute, value: interactionId },
            { key: stateAttribute, value: 'accepted' },
            { key: agentAttribute, value: String(agentId) },
          ],
          memo: { from: customer.address, subject: input.subject },
        });
      } catch (error) {
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      }
      // The run sends it; the agent hears how it went, or that it is still going (an SMTP server down, a worker away).
      const deadline = Date.now() + SEND_WAIT_MS;
      for (;;) {
        const email = await store.outbox.firstEmailStatus(interactionId);
        const settled = email !== null && SETTLED.has(email.status);
        if (settled || Date.now() > deadline) {
          return {
            interactionId,
            workflowId,
            state: settled ? (email.status as 'sent' | 'failed' | 'uncertain') : ('sending' as const),
            outboundId: email?.id ?? null,
            messageIdHeader: email?.messageIdHeader ?? null,
            error: email?.error ?? null,
          };
        }
        await sleep(100);
      }
    },
  };
}

export type OutboundInteractions = ReturnType<typeof createOutboundInteractions>;
