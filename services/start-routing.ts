/**
 * Starting the routing workflow of a stored inbound message, exactly once: the id comes from the message's
 * mailbox identity, a running workflow under that id is reused and a closed one is never run again. So starting
 * twice (a watcher that crashed after storing, a re-ingest) is always safe. Used by the mailbox watcher and by the
 * quarantine's re-ingest action.
 */
import { WorkflowExecutionAlreadyStartedError, WorkflowIdConflictPolicy, WorkflowIdReusePolicy, type Client } from '@temporalio/client';
import type { InboundEmailStore } from '../store/inbound-email';
import { routingWorkflowId } from '../contracts/route-email';
import { routeEmail } from '../workflows/route-email';
import { accountKeyAttribute, interactionIdAttribute, stateAttribute } from '../contracts/search-attributes';
import type { RoutingMemo } from './ingest-email';

export interface RoutingStart {
  accountId: number;
  accountKey: string;
  uidValidity: bigint;
  uid: bigint;
  messageId: number;
  interactionId: number;
  redownloadModseq?: bigint | null;
}

export interface StartRoutingDeps {
  store: { inboundEmail: Pick<InboundEmailStore, 'routingMemo' | 'setWorkflowId'> };
  temporal: Client;
  taskQueue: string;
  /**
   * Ask the server to hand the new workflow's first task straight back to this process (eager start): only when
   * `temporal` shares its connection with a worker of `taskQueue` in this process, as the worker's mailbox watch does.
   */
  eager?: boolean;
}

export async function startRoutingWorkflow(
  deps: StartRoutingDeps,
  input: RoutingStart,
  known: { memo?: RoutingMemo; workflowIdStored?: boolean } = {},
): Promise<string> {
  const { store, temporal, taskQueue } = deps;
  const workflowId = routingWorkflowId(input);
  const memo = known.memo ?? (await store.inboundEmail.routingMemo(input.messageId));
  try {
    await temporal.workflow.start(routeEmail, {
      taskQueue,
      workflowId,
      args: [{ accountId: input.accountId, accountKey: input.accountKey, interactionId: input.interactionId, messageId: input.messageId }],
      // A running workflow under this id is reused; a closed one is refused (caught below): never a second run.
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      typedSearchAttributes: [
        { key: accountKeyAttribute, value: input.accountKey },
        { key: interactionIdAttribute, value: input.interactionId },
        { key: stateAttribute, value: 'new' },
      ],
      memo,
      ...(deps.eager ? { requestEagerStart: true } : {}),
    });
  } catch (error) {
    // Already ran to completion under this id: the second start is a no-op, as intended.
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
  if (!known.workflowIdStored) await store.inboundEmail.setWorkflowId(input.messageId, workflowId);
  return workflowId;
}
