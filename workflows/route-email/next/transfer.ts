/**
 * A transfer carried out by the main loop: the transferee (an agent, a queue's agents, or another account's queues)
 * has the account's transfer timeout to accept; otherwise the interaction returns to the transferring agent, unread.
 */
import { upsertSearchAttributes } from '@temporalio/workflow';
import { accountKeyAttribute } from '../../../contracts/search-attributes';
import type { AccountRules, TransferTarget } from '../../../domain/routing';
import { routing } from './activities';
import { place } from './placement';
import type { PlacedRun } from './run';

export async function transfer(run: PlacedRun, request: { fromAgentId: number; target: TransferTarget }): Promise<void> {
  const ctx = run.context!;
  const { fromAgentId, target } = request;
  await routing.startTransfer({ ...run.ids(), fromAgentId, target });
  const seconds = ctx.transferTimeoutSeconds;
  let returnToAccount: { id: number; key: string } | null = null;
  let movedRules: AccountRules | undefined;
  let accepted: boolean;
  if (target.kind === 'agent') {
    accepted = await place(run, { kind: 'agent', agentId: target.agentId, always: true }, seconds, 'transfer');
  } else if (target.kind === 'queue') {
    accepted = await place(run, { kind: 'queues', queueIds: [target.queueId] }, seconds, 'transfer');
  } else {
    // Another account: it arrives there unread, for that account's queues.
    const moved = await routing.moveToAccount({ ...run.ids(), fromAgentId, toAccountId: target.accountId });
    if (moved.fromAccountId !== null) returnToAccount = { id: moved.fromAccountId, key: ctx.accountKey };
    upsertSearchAttributes([{ key: accountKeyAttribute, value: moved.accountKey }]);
    movedRules = moved.rules;
    accepted = await place(run, { kind: 'queues', queueIds: moved.queueIds }, seconds, 'transfer');
  }
  if (accepted) {
    // Held in the new account now: its disposition and transfer rules apply from here on.
    if (movedRules) run.context = { ...ctx, ...movedRules };
    return;
  }
  run.status.holderAgentId = fromAgentId;
  run.setState('accepted', { agentId: fromAgentId });
  if (returnToAccount !== null) upsertSearchAttributes([{ key: accountKeyAttribute, value: returnToAccount.key }]);
  await routing.returnTransfer({
    ...run.ids(),
    agentId: fromAgentId,
    reason: `nobody accepted within ${seconds} s`,
    ...(returnToAccount !== null ? { accountId: returnToAccount.id } : {}),
  });
}
