/**
 * The routing story of one incoming email:
 *   1. take ownership of the interaction (or join the workflow that already owns it) and load what routing needs;
 *   2. offer it to the agent who already handles the thread, for "wait for the assigned agent";
 *   3. then to that agent's queues, for "wait for the assigned queue";
 *   4. then run the account's action plan (queue, agent, autoreply, close, jumps…), or with no plan wait in all the
 *      account's queues; if nobody took it, wait unassigned until an agent picks it up, a supervisor routes it or the
 *      customer writes again (unassigned.ts);
 *   5. once an agent accepts, carry replies until the interaction is closed with a disposition;
 * all the while timing the account's service levels and escalating a warning or a breach (service-levels.ts).
 * The database places offers and decides accepts (placement.ts); steps 1 and the first offer run as local
 * activities in the first workflow task. Messages are handled beside the story (held.ts, placement.ts).
 * Runs started before database placement finish on the polling story they recorded (polling/).
 */
import { getExternalWorkflowHandle, patched } from '@temporalio/workflow';
import { messageAddedSignal, type RouteEmailInput, type RouteEmailResult } from '../../contracts/route-email';
import { evaluateCondition } from '../../domain/action-plan';
import { DEFAULT_QUEUES_SECONDS, SUPERVISOR_QUEUE_SECONDS } from '../../domain/routing';
import { db, routing } from './activities';
import { untilDeleted } from './deletion';
import { installHolderUpdates, installMessageAdded, installStatusQuery } from './held';
import { routeHeldFromStart } from './held-from-start';
import { escalating, installOfferHandlers, place, PlacedRun } from './placement';
import { runActionPlan } from './plan';
import { ServiceLevels } from './service-levels';
import { routeByPolling } from './polling';
import { installUnassignedUpdates, waitUnassigned } from './unassigned';
import { untilClosed } from './until-closed';

export async function routeEmail(input: RouteEmailInput): Promise<RouteEmailResult> {
  if (!patched('database-placement')) return routeByPolling(input);
  const run = new PlacedRun(input);
  installStatusQuery(run);
  installOfferHandlers(run);
  installMessageAdded(run, routing);
  installHolderUpdates(run, routing, db);
  installUnassignedUpdates(run);
  return untilDeleted(run, () => routeByPlacement(run));
}

async function routeByPlacement(run: PlacedRun): Promise<RouteEmailResult> {
  const { input } = run;
  // An email an agent started is theirs from the start: ownership, then straight to step 5 (held-from-start.ts).
  if (input.heldBy !== undefined) return routeHeldFromStart(run, input.heldBy);
  // 1. Ownership: a message on an interaction that another workflow already routes joins it.
  const begun = await routing.beginRouting(run.ids());
  if (!begun.claimed) return joinOwner(run, begun.ownerWorkflowId);
  run.context = begun.start;
  // The account's service levels are timed beside the story, from here until the run ends.
  const levels = patched('service-level-timers') ? await ServiceLevels.start(run) : null;
  const result = await routeClaimed(run);
  await levels?.stop();
  return result;
}

async function routeClaimed(run: PlacedRun): Promise<RouteEmailResult> {
  const { input } = run;
  // 2–4. The thread's agent, their queues, the action plan; if nobody took it, it waits unassigned.
  const found =
    input.resumeUnassigned !== undefined
      ? { accepted: false, reason: input.resumeUnassigned }
      : await escalating(run, () => findAgent(run));
  if (run.status.state === 'closed') return run.end('closed', found.reason);
  if (!found.accepted) {
    if (!patched('unassigned-wait')) {
      await routing.releaseInteraction({ interactionId: input.interactionId, workflowId: run.workflowId, reason: found.reason });
      return run.end('ended-without-agent', found.reason);
    }
    const held = await waitUnassigned(run, found.reason, {
      toQueue: (queueId) => place(run, { kind: 'queues', queueIds: [queueId] }, SUPERVISOR_QUEUE_SECONDS, 'supervisor'),
      toAgent: (agentId) => place(run, { kind: 'agent', agentId, always: true }, run.context!.transferTimeoutSeconds, 'supervisor'),
      forMessage: async (messageId) => {
        // The plan, the account's rules and the message's facts as they are now.
        const again = await routing.beginRouting({ ...run.ids(), messageId });
        if (again.claimed) run.context = again.start;
        return escalating(run, () => findAgent(run));
      },
    });
    if (!held) return run.end('closed', run.status.endReason ?? 'closed while unassigned');
  }

  // 5. Accepted: the holder replies (replyUpdate), may transfer (transferUpdate), and closes (closeUpdate).
  return untilClosed(run);
}

/** Steps 2–4: the thread's agent (even while away), then their queues, then the action plan (or the default). */
async function findAgent(run: PlacedRun): Promise<{ accepted: boolean; reason: string }> {
  const ctx = run.context!;
  const assigned = ctx.assignedAgentId;
  const accepted =
    (assigned !== null &&
      (await place(run, { kind: 'agent', agentId: assigned, always: true }, ctx.waitForAssignedAgentSeconds, 'assigned-agent'))) ||
    (assigned !== null &&
      ctx.assignedAgentQueueIds.length > 0 &&
      (await place(run, { kind: 'queues', queueIds: ctx.assignedAgentQueueIds }, ctx.waitForAssignedQueueSeconds, 'assigned-queue')));
  if (accepted) return { accepted: true, reason: 'accepted' };
  if (ctx.defaultQueueIds !== undefined) {
    // No action plan: every queue of the account at once, for the default's time.
    if (ctx.defaultQueueIds.length === 0) return { accepted: false, reason: 'the account has no action plan and no queue' };
    run.setState('waiting-for-agents');
    const taken = await place(run, { kind: 'queues', queueIds: ctx.defaultQueueIds }, DEFAULT_QUEUES_SECONDS, 'default-queues');
    return { accepted: taken, reason: taken ? 'accepted' : `nobody in the account's queues took it within ${DEFAULT_QUEUES_SECONDS} s` };
  }
  return runActionPlan(run, routing, ctx.plan, ctx.interaction, {
    queue: (queueId, seconds) => place(run, { kind: 'queues', queueIds: [queueId] }, seconds, 'queue-step'),
    agent: (agentId, seconds) => place(run, { kind: 'agent', agentId, always: false }, seconds, 'agent-step'),
    // Conditions on the message were decided when routing began; tags and priority change as the plan runs.
    holds: (step, index) =>
      ctx.messageConditions[index] ??
      evaluateCondition(step.condition, { from: '', to: [], cc: [], subject: '', body: '', headers: {}, ...ctx.interaction }),
  });
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
