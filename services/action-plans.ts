/** Publishing an account's action plan: a new immutable version, once its steps hold together and name what exists. */
import { validateActionPlan } from '../domain/action-plan';
import type { ActionStep } from '../domain/action-plan-schema';
import { InvalidInputError } from '../domain/errors';
import type { OutboundGuard } from '../platform/outbound';
import type { Store } from '../store';
import type { ActionPlanVersionRow } from '../store/action-plans';
import { checkPlanReferences } from './references';

export async function publishActionPlan(
  store: Pick<Store, 'actionPlans' | 'queues' | 'users' | 'dispositions'>,
  accountId: number,
  steps: ActionStep[],
  outbound: Pick<OutboundGuard, 'problem'>,
): Promise<ActionPlanVersionRow> {
  const problems = validateActionPlan(steps);
  steps.forEach((step, index) => {
    const refused = step.type === 'webhook' ? outbound.problem(step.url) : null;
    if (refused) problems.push({ path: `steps.${index}.url`, message: refused });
  });
  if (problems.length > 0) {
    throw new InvalidInputError(
      `invalid action plan: ${problems.map((problem) => problem.message).join('; ')}`,
      problems.map((problem) => ({ field: problem.path, reason: problem.message })),
    );
  }
  await checkPlanReferences(store, accountId, steps);
  const latest = await store.actionPlans.latest(accountId);
  return store.actionPlans.create(accountId, (latest?.version ?? 0) + 1, steps);
}
