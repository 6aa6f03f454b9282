/** The account's action plan, step by step: queues, agents, autoreplies, tags, jumps… until an agent accepts or it ends. */
import type { ActionStep } from '../../../domain/action-plan-schema';
import { evaluateCondition, findStepIndex, isWorkingTime, PLAN_STEP_BUDGET } from '../../../domain/action-plan';
import { failureReason } from '../../../domain/errors';
import type { RoutingStart } from '../../../domain/routing';
import { autoreplySmtp, http, routing } from './activities';
import { place } from './placement';
import type { PlacedRun } from './run';

type StepOutcome = { kind: 'next' } | { kind: 'accepted' } | { kind: 'closed' } | { kind: 'jump'; label: string };

export async function runActionPlan(run: PlacedRun, start: RoutingStart): Promise<{ accepted: boolean; reason: string }> {
  run.setState('running-action-plan');
  run.status.planVersion = start.plan.version;
  const steps = start.plan.steps;
  let index = 0;
  for (let executed = 0; executed < PLAN_STEP_BUDGET; executed++) {
    if (index >= steps.length) return { accepted: false, reason: 'action plan ended without an agent accepting' };
    const step = steps[index]!;
    run.status.planStep = index + 1;
    await routing.recordRoutingEvent({
      ...run.ids(),
      type: 'plan-step',
      detail: { step: index + 1, stepType: step.type, planVersion: start.plan.version },
    });
    const outcome = await runStep(run, step, index, start);
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

async function runStep(run: PlacedRun, step: ActionStep, index: number, start: RoutingStart): Promise<StepOutcome> {
  const { interactionId } = run.input;
  const stepNumber = index + 1;
  switch (step.type) {
    case 'queue':
      return (await place(run, { kind: 'queues', queueIds: [step.queueId] }, step.timeoutSeconds, 'queue-step'))
        ? { kind: 'accepted' }
        : { kind: 'next' };
    case 'agent':
      return (await place(run, { kind: 'agent', agentId: step.agentId, always: false }, step.timeoutSeconds, 'agent-step'))
        ? { kind: 'accepted' }
        : { kind: 'next' };
    case 'close':
      await routing.closeInteraction({
        interactionId,
        workflowId: run.workflowId,
        actorId: null,
        dispositionId: step.dispositionId ?? null,
      });
      run.setState('closed');
      return { kind: 'closed' };
    case 'noop':
      return { kind: 'next' };
    case 'tag':
      start.interaction.tags = await routing.addTags({ interactionId, tags: step.tags });
      return { kind: 'next' };
    case 'priority':
      await routing.setPriority({ interactionId, priority: step.priority });
      start.interaction.priority = step.priority;
      return { kind: 'next' };
    case 'gotoif': {
      // Conditions on the message were decided when routing began; tags and priority change as the plan runs.
      const holds =
        start.messageConditions[index] ??
        evaluateCondition(step.condition, { from: '', to: [], cc: [], subject: '', body: '', headers: {}, ...start.interaction });
      const target = holds ? step.then : step.else;
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
async function autoreply(run: PlacedRun, step: Extract<ActionStep, { type: 'autoreply' }>, stepNumber: number): Promise<void> {
  const queued = await routing.createAutoreply({
    ...run.ids(),
    step: stepNumber,
    template: step.template,
    mode: step.mode,
    replyAll: step.replyAll,
  });
  if (queued.outboundId === null) return;
  try {
    await autoreplySmtp.sendOutbound({ outboundId: queued.outboundId });
    await routing.recordRoutingEvent({ ...run.ids(), type: 'autoreply-sent', detail: { step: stepNumber, outboundId: queued.outboundId } });
  } catch (error) {
    // A failed autoreply never stops routing: the failure is recorded and the plan goes on.
    await routing.recordRoutingEvent({ ...run.ids(), type: 'autoreply-failed', detail: { step: stepNumber, error: failureReason(error) } });
  }
}

async function webhook(run: PlacedRun, step: Extract<ActionStep, { type: 'webhook' }>, stepNumber: number): Promise<void> {
  try {
    const answer = await http.postWebhook({ ...run.ids(), url: step.url, timeoutSeconds: step.timeoutSeconds, step: stepNumber });
    await routing.recordRoutingEvent({ ...run.ids(), type: 'webhook-sent', detail: { step: stepNumber, status: answer.status } });
  } catch (error) {
    await routing.recordRoutingEvent({ ...run.ids(), type: 'webhook-failed', detail: { step: stepNumber, error: failureReason(error) } });
  }
}
