/**
 * Starting the routing workflow of a stored inbound message, exactly once: the id comes from the message's
 * mailbox identity, a running workflow under that id is reused and a closed one is never run again. So starting
 * twice (a watcher that crashed after storing, a re-ingest) is always safe. Used by the mailbox watcher and by the
 * quarantine's re-ingest action; the worker's sweep and the API give a run back to an interaction left without one.
 */
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowIdConflictPolicy,
  WorkflowIdReusePolicy,
  type Client,
  type WorkflowStartOptions,
} from '@temporalio/client';
import type { InboundEmailStore } from '../store/inbound-email';
import { routingWorkflowId, unassignedWorkflowId } from '../contracts/route-email';
import { routeEmail } from '../workflows/route-email';
import { accountKeyAttribute, interactionIdAttribute, stateAttribute } from '../contracts/search-attributes';
import type { RoutingMemo } from './ingest-email';
import type { InteractionRoutingState } from '../domain/routing';

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
      ...whatOperatorsSee(input, 'new', memo),
      ...(deps.eager ? { requestEagerStart: true } : {}),
    });
  } catch (error) {
    // Already ran to completion under this id: the second start is a no-op, as intended.
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
  if (!known.workflowIdStored) await store.inboundEmail.setWorkflowId(input.messageId, workflowId);
  return workflowId;
}

/**
 * What operators see of a routing run in the Temporal Web UI without opening it: its search attributes, the memo,
 * and a summary (account, sender, subject) in its user metadata.
 */
function whatOperatorsSee(
  input: { accountKey: string; interactionId: number },
  state: InteractionRoutingState,
  memo: RoutingMemo,
): Pick<WorkflowStartOptions<typeof routeEmail>, 'typedSearchAttributes' | 'memo' | 'staticSummary'> {
  const subject = memo.subject.length > 120 ? `${memo.subject.slice(0, 119)}…` : memo.subject;
  return {
    typedSearchAttributes: [
      { key: accountKeyAttribute, value: input.accountKey },
      { key: interactionIdAttribute, value: input.interactionId },
      { key: stateAttribute, value: state },
    ],
    memo: { ...memo },
    staticSummary: `${input.accountKey}: ${memo.from || 'unknown sender'} · ${subject || '(no subject)'}`,
  };
}

/**
 * Gives an open interaction that no run routes (an older routing ended without an agent) a run that waits
 * unassigned, so agents can pick it up and supervisors route it. Safe to call twice: a running one is reused.
 */
export async function resumeUnassigned(
  deps: Pick<StartRoutingDeps, 'store' | 'temporal' | 'taskQueue'>,
  input: { accountId: number; accountKey: string; interactionId: number; messageId: number },
): Promise<string> {
  const workflowId = unassignedWorkflowId(input);
  const memo = await deps.store.inboundEmail.routingMemo(input.messageId);
  await deps.temporal.workflow.start(routeEmail, {
    taskQueue: deps.taskQueue,
    workflowId,
    args: [{ ...input, resumeUnassigned: 'routing had ended without an agent' }],
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    // The same interaction may be left again later (by a run begun before this version): a new run then.
    workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
    ...whatOperatorsSee(input, 'unassigned', memo),
  });
  return workflowId;
}
