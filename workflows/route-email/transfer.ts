/**
 * A transfer carried out by the main loop: the transferee (an agent, a queue's agents, or another account's queues)
 * has the account's transfer timeout to accept; otherwise the interaction returns to the transferring agent, unread.
 */
import { upsertSearchAttributes } from '@temporalio/workflow';
import { accountKeyAttribute } from '../../contracts/search-attributes';
import type { AccountRules, RoutingContext, TransferTarget } from '../../domain/routing';
import { db } from './activities';
import { offer, offerToQueues } from './offers';
import type { RoutingRun } from './run';

export async function transfer(
  run: RoutingRun,
  request: { fromAgentId: number; target: TransferTarget },
  ctx: RoutingContext,
): Promise<void> {
  const { fromAgentId, target } = request;
  await db.startTransfer({ ...run.eventBase(), fromAgentId, target });
  const seconds = ctx.transferTimeoutSeconds;
  let returnToAccount: { id: number; key: string } | null = null;
  /** The new account's rules, once the interaction moved there (absent in histories recorded before they were). */
  let movedRules: AccountRules | undefined;
  let accepted: boolean;
  if (target.kind === 'agent') {
    accepted = await offer(run, [target.agentId], seconds, 'transfer', null);
  } else if (target.kind === 'queue') {
    accepted = await offerToQueues(run, [target.queueId], seconds, 'transfer');
  } else {
    // Another account: it arrives there unread, for that account's queues.
    const moved = await db.moveToAccount({ ...run.eventBase(), fromAgentId, toAccountId: target.accountId });
    if (moved.fromAccountId !== null) returnToAccount = { id: moved.fromAccountId, key: ctx.accountKey };
    upsertSearchAttributes([{ key: accountKeyAttribute, value: moved.accountKey }]);
    movedRules = moved.rules;
    accepted = await offerToQueues(run, moved.queueIds, seconds, 'transfer');
  }
  if (accepted) {
    // Held in the new account now: its disposition and transfer rules apply from here on.
    if (movedRules) run.context = { ...ctx, ...movedRules };
    return;
  }
  run.status.holderAgentId = fromAgentId;
  run.setState('accepted', { agentId: fromAgentId });
  if (returnToAccount !== null) upsertSearchAttributes([{ key: accountKeyAttribute, value: returnToAccount.key }]);
  await db.returnTransfer({
    ...run.eventBase(),
    agentId: fromAgentId,
    reason: `nobody accepted within ${seconds} s`,
    ...(returnToAccount !== null ? { accountId: returnToAccount.id } : {}),
  });
}
