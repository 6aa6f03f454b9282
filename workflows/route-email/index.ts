/**
 * The routing story of one incoming email:
 *   1. take ownership of the interaction (or join the workflow that already owns it) and load what routing needs;
 *   2. offer it to the agent who already handles the thread, for "wait for the assigned agent";
 *   3. then to that agent's queues, for "wait for the assigned queue";
 *   4. then run the account's action plan (queue, agent, autoreply, close, jumps…);
 *   5. once an agent accepts, carry replies until the interaction is closed with a disposition.
 * The database places offers and decides accepts (placement.ts); steps 1 and the first offer run as local
 * activities in the first workflow task. Messages are handled beside the story (held.ts, placement.ts).
 * Runs started before database placement finish on the polling story they recorded (polling/).
 */
import { condition, getExternalWorkflowHandle, patched } from '@temporalio/workflow';
import { messageAddedSignal, type RouteEmailInput, type RouteEmailResult } from '../../contracts/route-email';
import { evaluateCondition } from '../../domain/action-plan';
import { db, routing } from './activities';
import { untilDeleted } from './deletion';
import { installHolderUpdates, installMessageAdded, installStatusQuery } from './held';
import { routeHeldFromStart } from './held-from-start';
import { installOfferHandlers, place, PlacedRun } from './placement';
import { runActionPlan } from './plan';
import { routeByPolling } from './polling';
import { transfer } from './transfer';

export async function routeEmail(input: RouteEmailInput): Promise<RouteEmailResult> {
  if (!patched('database-placement')) return routeByPolling(input);
  const run = new PlacedRun(input);
  installStatusQuery(run);
  installOfferHandlers(run);
  installMessageAdded(run, routing);
  installHolderUpdates(run, routing, db);
  return untilDeleted(run, () => routeByPlacement(run));
}

async function routeByPlacement(run: PlacedRun): Promise<RouteEmailResult> {
  const { input } = run;
  // An email an agent started is theirs from the start: ownership, then straight to step 5 (held-from-start.ts).
  if (input.heldBy !== undefined) return routeHeldFromStart(run, input.heldBy);
  // 1. Ownership: a message on an interaction that another workflow already routes joins it.
  const begun = await routing.beginRouting(run.ids());
  if (!begun.claimed) return joinOwner(run, begun.ownerWorkflowId);
  const ctx = (run.context = begun.start);

  // 2–4. The thread's agent (even while away), then their queues, then the action plan.
  const assigned = ctx.assignedAgentId;
  const accepted =
    (assigned !== null &&
      (await place(run, { kind: 'agent', agentId: assigned, always: true }, ctx.waitForAssignedAgentSeconds, 'assigned-agent'))) ||
    (assigned !== null &&
      ctx.assignedAgentQueueIds.length > 0 &&
      (await place(run, { kind: 'queues', queueIds: ctx.assignedAgentQueueIds }, ctx.waitForAssignedQueueSeconds, 'assigned-queue')));
  if (!accepted) {
    const plan = await runActionPlan(run, routing, ctx.plan, ctx.interaction, {
      queue: (queueId, seconds) => place(run, { kind: 'queues', queueIds: [queueId] }, seconds, 'queue-step'),
      agent: (agentId, seconds) => place(run, { kind: 'agent', agentId, always: false }, seconds, 'agent-step'),
      // Conditions on the message were decided when routing began; tags and priority change as the plan runs.
      holds: (step, index) =>
        ctx.messageConditions[index] ??
        evaluateCondition(step.condition, { from: '', to: [], cc: [], subject: '', body: '', headers: {}, ...ctx.interaction }),
    });
    if (run.status.state === 'closed') return run.end('closed', plan.reason);
    if (!plan.accepted) {
      await routing.releaseInteraction({ interactionId: input.interactionId, workflowId: run.workflowId, reason: plan.reason });
      return run.end('ended-without-agent', plan.reason);
    }
  }

  // 5. Accepted: the holder replies (replyUpdate), may transfer (transferUpdate), and closes (closeUpdate).
  while (!run.closed) {
    await condition(() => run.closed || run.transferRequest !== null);
    if (run.transferRequest !== null) {
      const request = run.transferRequest;
      run.transferRequest = null;
      await transfer(run, routing, request, {
        toAgent: (agentId, seconds) => place(run, { kind: 'agent', agentId, always: true }, seconds, 'transfer'),
        toQueues: (queueIds, seconds) => place(run, { kind: 'queues', queueIds }, seconds, 'transfer'),
      });
    }
  }
  return run.end('closed', 'closed by agent');
}

/** The message belongs to an interaction another run routes: that run is told, and this one ends. */
async function joinOwner(run: PlacedRun, ownerWorkflowId: string | null): Promise<RouteEmailResult> {
  if (ownerWorkflowId !== null) {
    try {
      await getExternalWorkflowHandle(ownerWorkflowId).signal(messageAddedSignal, {
        messageId: run.input.messageId,
        fromWorkflowId: run.workflowId,
      });
    } catch {
      // The owner ended meanwhile: the message stays on the interaction for the next routing or a supervisor.
    }
  }
  await routing.recordRoutingEvent({ ...run.ids(), type: 'message-joined', detail: { ownerWorkflowId } });
  return run.end('joined-open-interaction', `interaction is routed by ${ownerWorkflowId}`);
}
