/**
 * The routing story of one incoming email:
 *   1. take ownership of the interaction (or join the workflow that already owns it);
 *   2. offer it to the agent who already handles the thread, for "wait for the assigned agent";
 *   3. then to that agent's queues, for "wait for the assigned queue";
 *   4. then run the account's action plan (queue, agent, autoreply, close, jumps…);
 *   5. once an agent accepts, carry replies until the interaction is closed with a disposition.
 * Messages (accept, reply, transfer, close…) are handled beside the story: see handlers.ts.
 */
import { condition, getExternalWorkflowHandle, patched } from '@temporalio/workflow';
import { messageAddedSignal, type RouteEmailInput, type RouteEmailResult } from '../../contracts/route-email';
import { db } from './activities';
import { installHandlers } from './handlers';
import { offerToAssignedAgent, offerToAssignedQueues } from './offers';
import { runActionPlan } from './plan';
import { RoutingRun } from './run';
import { transfer } from './transfer';

export async function routeEmail(input: RouteEmailInput): Promise<RouteEmailResult> {
  const run = new RoutingRun(input);
  installHandlers(run);

  // 1. Ownership: a message on an interaction that another workflow already routes joins it.
  const claim = await db.claimInteraction({ interactionId: input.interactionId, messageId: input.messageId, workflowId: run.workflowId });
  if (!claim.claimed) return joinOwner(run, claim.ownerWorkflowId);
  const ctx = await db.loadRoutingContext({ interactionId: input.interactionId, messageId: input.messageId });
  run.context = ctx;

  // 2–4. Assigned agent, then the assigned agent's queues, then the action plan.
  const accepted = (await offerToAssignedAgent(run, ctx)) || (await offerToAssignedQueues(run, ctx));
  if (!accepted) {
    const plan = await runActionPlan(run, ctx);
    if (run.status.state === 'closed') return run.end('closed', plan.reason);
    if (!plan.accepted) {
      await db.releaseInteraction({ interactionId: input.interactionId, workflowId: run.workflowId, reason: plan.reason });
      return run.end('ended-without-agent', plan.reason);
    }
  }

  // 5. Accepted: the holder replies (replyUpdate), may transfer (transferUpdate), and closes (closeUpdate).
  while (!run.closed) {
    await condition(() => run.closed || run.transferRequest !== null);
    if (run.transferRequest !== null) {
      const request = run.transferRequest;
      run.transferRequest = null;
      await transfer(run, request, run.context!);
    }
  }
  return run.end('closed', 'closed by agent');
}

/** The message belongs to an interaction another run routes: that run is told, and this one ends. */
async function joinOwner(run: RoutingRun, ownerWorkflowId: string | null): Promise<RouteEmailResult> {
  if (patched('notify-owner-of-joined-message') && ownerWorkflowId !== null) {
    try {
      await getExternalWorkflowHandle(ownerWorkflowId).signal(messageAddedSignal, {
        messageId: run.input.messageId,
        fromWorkflowId: run.workflowId,
      });
    } catch {
      // The owner ended meanwhile: the message stays on the interaction for the next routing or a supervisor.
    }
  }
  await db.recordRoutingEvent({ ...run.eventBase(), type: 'message-joined', detail: { ownerWorkflowId } });
  return run.end('joined-open-interaction', `interaction is routed by ${ownerWorkflowId}`);
}
