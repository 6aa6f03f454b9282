/** The account's action plan, step by step: queues, agents, autoreplies, tags, jumps… until an agent accepts or it ends. */
import type { ActionStep } from '../../domain/action-plan-schema';
import { evaluateCondition, findStepIndex, isWorkingTime, PLAN_STEP_BUDGET } from '../../domain/action-plan';
import { failureReason } from '../../domain/errors';
import type { RoutingContext } from '../../domain/routing';
import { autoreplySmtp, db, http } from './activities';
import { offerToAgentWhenAvailable, offerToQueues } from './offers';
import type { RoutingRun } from './run';

type StepOutcome = { kind: 'next' } | { kind: 'accepted' } | { kind: 'closed' } | { kind: 'jump'; label: string };

export async function runActionPlan(run: RoutingRun, ctx: RoutingContext): Promise<{ accepted: boolean; reason: string }> {
  run.setState('running-action-plan');
  run.status.planVersion = ctx.plan.version;
  const steps = ctx.plan.steps;
  let index = 0;
  for (let executed = 0; executed < PLAN_STEP_BUDGET; executed++) {
    if (index >= steps.length) return { accepted: false, reason: 'action plan ended without an agent accepting' };
    const step = steps[index]!;
    run.status.planStep = index + 1;
    await db.recordRoutingEvent({
      ...run.eventBase(),
      type: 'plan-step',
      detail: { step: index + 1, stepType: step.type, planVersion: ctx.plan.version },
    });
    const outcome = await runStep(run, step, ctx, index + 1);
    if (outcome.kind === 'accepted') return { accepted: true, reason: `accepted at step ${index + 1}` };
    if (outcome.kind === 'closed') return { accepted: false, reason: `closed by step ${index + 1}` };
    if (outcome.kind === 'jump') {
      const target = findStepIndex(steps, outcome.label);
      if (target < 0) return { accepted: false, reason: `step ${index + 1} jumps to unknown step "${outcome.label}"` };
      index = target;
    } else {
      index += 1;
    }
  }
  return { accepted: false, reason: `action plan exceeded its budget of ${PLAN_STEP_BUDGET} steps` };
}

async function runStep(run: RoutingRun, step: ActionStep, ctx: RoutingContext, stepNumber: number): Promise<StepOutcome> {
  const { interactionId } = run.input;
  switch (step.type) {
    case 'queue':
      return (await offerToQueues(run, [step.queueId], step.timeoutSeconds, 'queue-step')) ? { kind: 'accepted' } : { kind: 'next' };
    case 'agent':
      run.setState('offered', { agentId: step.agentId });
      return (await offerToAgentWhenAvailable(run, step.agentId, step.timeoutSeconds)) ? { kind: 'accepted' } : { kind: 'next' };
    case 'close':
      await db.closeInteraction({ interactionId, workflowId: run.workflowId, actorId: null, dispositionId: step.dispositionId ?? null });
      run.setState('closed');
      return { kind: 'closed' };
    case 'noop':
      return { kind: 'next' };
    case 'tag':
      ctx.interaction.tags = await db.addTags({ interactionId, tags: step.tags });
      return { kind: 'next' };
    case 'priority':
      await db.setPriority({ interactionId, priority: step.priority });
      ctx.interaction.priority = step.priority;
      return { kind: 'next' };
    case 'gotoif': {
      const facts = { ...ctx.message, tags: ctx.interaction.tags, priority: ctx.interaction.priority };
      const target = evaluateCondition(step.condition, facts) ? step.then : step.else;
      return target === undefined ? { kind: 'next' } : { kind: 'jump', label: target };
    }
    case 'gotop': {
      const target = isWorkingTime(step.schedule, new Date(Date.now())) ? step.then : step.else;
      return target === undefined ? { kind: 'next' } : { kind: 'jump', label: target };
    }
    case 'autoreply':
      await autoreply(run, step, stepNumber);
      return { kind: 'next' };
    case 'webhook':
      await webhook(run, step, stepNumber);
      return { kind: 'next' };
  }
}

/** Answers the customer automatically unless the sender must never be answered (loops) or the mode rules it out. */
async function autoreply(run: RoutingRun, step: Extract<ActionStep, { type: 'autoreply' }>, stepNumber: number): Promise<void> {
  const queued = await db.createAutoreply({
    ...run.eventBase(),
    step: stepNumber,
    template: step.template,
    mode: step.mode,
    replyAll: step.replyAll,
  });
  if (queued.outboundId === null) return;
  try {
    await autoreplySmtp.sendOutbound({ outboundId: queued.outboundId });
    await db.recordRoutingEvent({
      ...run.eventBase(),
      type: 'autoreply-sent',
      detail: { step: stepNumber, outboundId: queued.outboundId },
    });
  } catch (error) {
    // A failed autoreply never stops routing: the failure is recorded and the plan goes on.
    await db.recordRoutingEvent({
      ...run.eventBase(),
      type: 'autoreply-failed',
      detail: { step: stepNumber, error: failureReason(error) },
    });
  }
}

async function webhook(run: RoutingRun, step: Extract<ActionStep, { type: 'webhook' }>, stepNumber: number): Promise<void> {
  try {
    const answer = await http.postWebhook({ ...run.eventBase(), url: step.url, timeoutSeconds: step.timeoutSeconds, step: stepNumber });
    await db.recordRoutingEvent({ ...run.eventBase(), type: 'webhook-sent', detail: { step: stepNumber, status: answer.status } });
  } catch (error) {
    await db.recordRoutingEvent({ ...run.eventBase(), type: 'webhook-failed', detail: { step: stepNumber, error: failureReason(error) } });
  }
}
