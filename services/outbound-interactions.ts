/**
 * A new email an agent starts: it becomes an interaction the agent holds, with a routing run of its own (held from
 * the start), so it is replied to, transferred and closed like any other, and the customer's answer threads to it.
 * The email itself is the run's first reply: the same outbox row, fixed Message-ID and at-most-once send.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { WorkflowExecutionAlreadyStartedError, WorkflowIdConflictPolicy, WorkflowIdReusePolicy, type Client } from '@temporalio/client';
import { outboundWorkflowId, replyUpdate, routingStatusQuery } from '../contracts/route-email';
import { accountKeyAttribute, agentAttribute, interactionIdAttribute, stateAttribute } from '../contracts/search-attributes';
import type { EmailAddress, OutboundRequest } from '../domain/email';
import type { Store } from '../store';
import { routeEmail } from '../workflows/route-email';

/** How long the first email waits for its run to hold the interaction (the run's first task, a worker away). */
const HELD_WAIT_MS = 30_000;

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

  /** Until the run says the agent holds the interaction: an update validated before that would be refused. */
  async function untilHeld(handle: ReturnType<Client['workflow']['getHandle']>, agentId: number): Promise<void> {
    const deadline = Date.now() + HELD_WAIT_MS;
    for (;;) {
      const status = await handle.query(routingStatusQuery).catch(() => undefined);
      if (status?.state === 'accepted' && status.holderAgentId === agentId) return;
      if (status && status.state !== 'new') return; // Moved on (closed, transferred): the update says why.
      if (Date.now() > deadline) return;
      await sleep(50);
    }
  }

  return {
    async start(input: OutboundStart): Promise<{ interactionId: number; workflowId: string; outboundId: number; messageIdHeader: string }> {
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
          workflowIdFor: (interactionId) => outboundWorkflowId({ accountKey: account.key, interactionId }),
        }));
      const { interactionId, workflowId } = started;
      try {
        await temporal.workflow.start(routeEmail, {
          taskQueue,
          workflowId,
          args: [{ accountId: account.id, accountKey: account.key, interactionId, messageId: 0, heldBy: agentId }],
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
      const handle = temporal.workflow.getHandle(workflowId);
      await untilHeld(handle, agentId);
      const sent = await handle.executeUpdate(replyUpdate, {
        args: [{ ...request, to: input.to, cc: input.cc, bcc: input.bcc }],
      });
      return { interactionId, workflowId, ...sent };
    },
  };
}

export type OutboundInteractions = ReturnType<typeof createOutboundInteractions>;
