/**
 * The account's action plan, step by step: queues, agents, autoreplies, tags, jumps… until an agent accepts or it
 * ends. How a queue or agent step offers the interaction is the caller's (placement.ts, or polling/ for runs that
 * poll); everything else is the same for both.
 */
import type { ActionStep } from '../../domain/action-plan-schema';
import { findStepIndex, isStepWorkingTime, PLAN_STEP_BUDGET } from '../../domain/action-plan';
import { failureReason } from '../../domain/errors';
import type { ActionPlan } from '../../domain/action-plan-schema';
import { autoreplySmtp, type DatabaseActivities, http } from './activities';
import type { RoutingRun } from './run';

/** What the plan needs from the run's way of offering. */
export interface PlanSteps {
  queue(queueId: number, seconds: number): Promise<boolean>;
  agent(agentId: number, seconds: number): Promise<boolean>;
  /** Whether a gotoif step's condition holds now (index: the step's position in the plan). */
  holds(step: Extract<ActionStep, { type: 'gotoif' }>, index: number): boolean;
}

type StepOutcome = { kind: 'next' } | { kind: 'accepted' } | { kind: 'closed' } | { kind: 'jump'; label: string };

export async function runActionPlan(
  run: RoutingRun,
  db: DatabaseActivities,
  plan: ActionPlan,
  interaction: { tags: string[]; priority: number },
  steps: PlanSteps,
): Promise<{ accepted: boolean; reason: string }> {
  run.setState('running-action-plan');
  run.status.planVersion = plan.version;
  let index = 0;
  for (let executed = 0; executed < PLAN_STEP_BUDGET; executed++) {
    if (index >= plan.steps.length) return { accepted: false, reason: 'action plan ended without an agent accepting' };
    const step = plan.steps[index]!;
    run.status.planStep = index + 1;
    await db.recordRoutingEvent({
      ...run.ids(),
      type: 'plan-step',
      detail: { step: index + 1, stepType: step.type, planVersion: plan.version },
    });
    const outcome = await runStep(run, db, step, index, interaction, steps);
    if (outcome.kind === 'accepted') return { accepted: true, reason: `accepted at step ${index + 1}` };
    if (outcome.kind === 'closed') return { accepted: false, reason: `closed by step ${index + 1}` };
    if (outcome.kind === 'jump') {
      const target = findStepIndex(plan.steps, outcome.label);
      if (target < 0) return { accepted: false, reason: `step ${index + 1} jumps to unknown step "${outcome.label}"` };
      index = target;
    } else {
      index += 1;
    }
  }
  return { accepted: false, reason: `action plan exceeded its budget of ${PLAN_STEP_BUDGET} steps` };
}

async function runStep(
  run: RoutingRun,
  db: DatabaseActivities,
  step: ActionStep,
  index: number,
  interaction: { tags: string[]; priority: number },
  steps: PlanSteps,
): Promise<StepOutcome> {
  const { interactionId } = run.input;
  const stepNumber = index + 1;
  switch (step.type) {
    case 'queue':
      return (await steps.queue(step.queueId, step.timeoutSeconds)) ? { kind: 'accepted' } : { kind: 'next' };
    case 'agent':
      return (await steps.agent(step.agentId, step.timeoutSeconds)) ? { kind: 'accepted' } : { kind: 'next' };
    case 'close':
      await db.closeInteraction({ interactionId, workflowId: run.workflowId, actorId: null, dispositionId: step.dispositionId ?? null });
      run.setState('closed');
      return { kind: 'closed' };
    case 'noop':
      return { kind: 'next' };
    case 'tag':
      interaction.tags = await db.addTags({ interactionId, tags: step.tags });
      return { kind: 'next' };
    case 'priority':
      await db.setPriority({ interactionId, priority: step.priority });
      interaction.priority = step.priority;
      return { kind: 'next' };
    case 'gotoif': {
      const target = steps.holds(step, index) ? step.then : step.else;
      return target === undefined ? { kind: 'next' } : { kind: 'jump', label: target };
    }
    case 'gotop': {
      const target = isStepWorkingTime(step, new Date(Date.now())) ? step.then : step.else;
      return target === undefined ? { kind: 'next' } : { kind: 'jump', label: target };
    }
    case 'autoreply':
      await autoreply(run, db, step, stepNumber);
      return { kind: 'next' };
    case 'webhook':
      await webhook(run, db, step, stepNumber);
      return { kind: 'next' };
  }
}

/** Answers the customer automatically unless the sender must never be answered (loops) or the mode rules it out. */
async function autoreply(run: RoutingRun, db: DatabaseActivities, step: Extract<ActionStep, { type: 'autoreply' }>, stepNumber: number) {
  const queued = await db.createAutoreply({
    ...run.ids(),
    step: stepNumber,
    template: step.template,
    mode: step.mode,
    replyAll: step.replyAll,
  });
  if (queued.outboundId === null) return;
  try {
    await autoreplySmtp.sendOutbound({ outboundId: queued.outboundId });
    await db.recordRoutingEvent({ ...run.ids(), type: 'autoreply-sent', detail: { step: stepNumber, outboundId: queued.outboundId } });
  } catch (error) {
    // A failed autoreply never stops routing: the failure is recorded and the plan goes on.
    await db.recordRoutingEvent({ ...run.ids(), type: 'autoreply-failed', detail: { step: stepNumber, error: failureReason(error) } });
  }
}

async function webhook(run: RoutingRun, db: DatabaseActivities, step: Extract<ActionStep, { type: 'webhook' }>, stepNumber: number) {
  try {
    const answer = await http.postWebhook({ ...run.ids(), url: step.url, timeoutSeconds: step.timeoutSeconds, step: stepNumber });
    await db.recordRoutingEvent({ ...run.ids(), type: 'webhook-sent', detail: { step: stepNumber, status: answer.status } });
  } catch (error) {
    await db.recordRoutingEvent({ ...run.ids(), type: 'webhook-failed', detail: { step: stepNumber, error: failureReason(error) } });
  }
}
