/** Publishing an account's action plan: a new immutable version, once its steps hold together and name what exists. */
import { validateActionPlan } from '../domain/action-plan';
import type { ActionStep } from '../domain/action-plan-schema';
import { InvalidInputError, type FieldProblem } from '../domain/errors';
import type { OutboundGuard } from '../platform/outbound';
import type { Store } from '../store';
import type { ActionPlanVersionRow } from '../store/action-plans';
import { checkPlanReferences } from './references';

export async function publishActionPlan(
  store: Pick<Store, 'actionPlans' | 'queues' | 'users' | 'dispositions' | 'calendars'>,
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
  return store.actionPlans.create(accountId, (latest?.version ?? 0) + 1, await withCalendars(store, accountId, steps));
}

/**
 * Working-time steps that name a calendar carry a copy of it: the version stays immutable and the routing
 * workflow reads its calendar from the plan, never from the database.
 */
async function withCalendars(store: Pick<Store, 'calendars'>, accountId: number, steps: ActionStep[]): Promise<ActionStep[]> {
  const problems: FieldProblem[] = [];
  const resolved = await Promise.all(
    steps.map(async (step, index) => {
      if (step.type !== 'gotop') return step;
      const { calendar: _stale, ...rest } = step;
      if (step.calendarId === undefined) return rest;
      const row = await store.calendars.find(accountId, step.calendarId);
      if (!row) problems.push({ field: `steps.${index}.calendarId`, reason: 'not a calendar of this account' });
      return row ? { ...rest, calendar: { timeZone: row.timeZone, hours: row.hours, holidays: row.holidays } } : rest;
    }),
  );
  if (problems.length > 0)
    throw new InvalidInputError(
      `invalid action plan: ${problems.map((problem) => `${problem.field}: ${problem.reason}`).join('; ')}`,
      problems,
    );
  return resolved;
}
