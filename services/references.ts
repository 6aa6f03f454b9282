/**
 * What a configuration change names must exist: an InvalidInputError naming the field (a 400 at the API), not a
 * database error halfway through a write.
 */
import type { AccountChanges } from '../domain/account';
import type { ActionStep } from '../domain/action-plan-schema';
import { InvalidInputError, type FieldProblem } from '../domain/errors';
import type { Store } from '../store';

export async function checkPauseStatus(store: Pick<Store, 'pauseStatuses'>, id: number | null | undefined, field: string): Promise<void> {
  if (id != null && !(await store.pauseStatuses.find(id))) throw InvalidInputError.field(field, 'no such pause status');
}

export async function checkAccountReferences(store: Pick<Store, 'contacts' | 'pauseStatuses'>, input: AccountChanges): Promise<void> {
  if (input.contactListId != null && !(await store.contacts.findList(input.contactListId)))
    throw InvalidInputError.field('contactListId', 'no such contact list');
  await checkPauseStatus(store, input.dispositionPauseStatusId, 'dispositionPauseStatusId');
}

/** Every queue and agent an action plan names must exist, and every disposition must be one of this account's. */
export async function checkPlanReferences(
  store: Pick<Store, 'queues' | 'users' | 'dispositions'>,
  accountId: number,
  steps: ActionStep[],
): Promise<void> {
  const problems: FieldProblem[] = [];
  for (const [index, step] of steps.entries()) {
    if (step.type === 'queue' && !(await store.queues.find(step.queueId)))
      problems.push({ field: `steps.${index}.queueId`, reason: 'no such queue' });
    if (step.type === 'agent' && !(await store.users.find(step.agentId)))
      problems.push({ field: `steps.${index}.agentId`, reason: 'no such agent' });
    if (step.type === 'close' && step.dispositionId !== undefined && !(await store.dispositions.find(accountId, step.dispositionId)))
      problems.push({ field: `steps.${index}.dispositionId`, reason: 'not a disposition of this account' });
  }
  if (problems.length > 0) throw invalidPlan(problems);
}

function invalidPlan(problems: FieldProblem[]): InvalidInputError {
  return new InvalidInputError(
    `invalid action plan: ${problems.map((problem) => `${problem.field}: ${problem.reason}`).join('; ')}`,
    problems,
  );
}
