/**
 * The routing story for runs started before database placement, kept so they finish on the code that started
 * them (their histories replay against it, tests/replay): the workflow names its offers, polls for free agents
 * with a backing-off safety net, and decides accepts itself. New runs never come here (see ../index.ts).
 */
import { condition, getExternalWorkflowHandle, patched } from '@temporalio/workflow';
import { messageAddedSignal, type RouteEmailInput, type RouteEmailResult } from '../../../contracts/route-email';
import { evaluateCondition } from '../../../domain/action-plan';
import { db } from '../activities';
import { runActionPlan } from '../plan';
import { transfer } from '../transfer';
import { untilDeleted } from '../deletion';
import { installHandlers } from './handlers';
import { offer, offerToAgentWhenAvailable, offerToAssignedAgent, offerToAssignedQueues, offerToQueues } from './offers';
import { PollingRun } from './run';

export async function routeByPolling(input: RouteEmailInput): Promise<RouteEmailResult> {
  const run = new PollingRun(input);
  installHandlers(run);
  return untilDeleted(run, () => routeStory(run));
}

async function routeStory(run: PollingRun): Promise<RouteEmailResult> {
  const { input } = run;
  // 1. Ownership: a message on an interaction that another workflow already routes joins it.
  const claim = await db.claimInteraction({ interactionId: input.interactionId, messageId: input.messageId, workflowId: run.workflowId });
  if (!claim.claimed) return joinOwner(run, claim.ownerWorkflowId);
  const ctx = await db.loadRoutingContext({ interactionId: input.interactionId, messageId: input.messageId });
  run.context = ctx;

  // 2–4. Assigned agent, then the assigned agent's queues, then the action plan.
  const accepted = (await offerToAssignedAgent(run, ctx)) || (await offerToAssignedQueues(run, ctx));
  if (!accepted) {
    const plan = await runActionPlan(run, db, ctx.plan, ctx.interaction, {
      queue: (queueId, seconds) => offerToQueues(run, [queueId], seconds, 'queue-step'),
      agent: (agentId, seconds) => {
        run.setState('offered', { agentId });
        return offerToAgentWhenAvailable(run, agentId, seconds);
      },
      holds: (step) =>
        evaluateCondition(step.condition, { ...ctx.message, tags: ctx.interaction.tags, priority: ctx.interaction.priority }),
    });
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
      await transfer(run, db, request, {
        toAgent: (agentId, seconds) => offer(run, [agentId], seconds, 'transfer', null),
        toQueues: (queueIds, seconds) => offerToQueues(run, queueIds, seconds, 'transfer'),
      });
    }
  }
  return run.end('closed', 'closed by agent');
}

/** The message belongs to an interaction another run routes: that run is told, and this one ends. */
async function joinOwner(run: PollingRun, ownerWorkflowId: string | null): Promise<RouteEmailResult> {
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
  await db.recordRoutingEvent({ ...run.ids(), type: 'message-joined', detail: { ownerWorkflowId } });
  return run.end('joined-open-interaction', `interaction is routed by ${ownerWorkflowId}`);
}
