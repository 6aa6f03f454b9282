/**
 * A transfer carried out by the main loop: the transferee (an agent, a queue's agents, or another account's queues)
 * has the account's transfer timeout to accept; otherwise the interaction returns to the transferring agent, unread.
 * How the transferee is offered it is the caller's (placement.ts, or polling/ for runs that poll).
 */
import { upsertSearchAttributes } from '@temporalio/workflow';
import { accountKeyAttribute } from '../../contracts/search-attributes';
import type { AccountRules, TransferTarget } from '../../domain/routing';
import type { DatabaseActivities } from './activities';
import type { RoutingRun } from './run';

export interface TransferOffers {
  toAgent(agentId: number, seconds: number): Promise<boolean>;
  toQueues(queueIds: number[], seconds: number): Promise<boolean>;
}

export async function transfer(
  run: RoutingRun,
  db: DatabaseActivities,
  request: { fromAgentId: number; target: TransferTarget },
  offers: TransferOffers,
): Promise<void> {
  const ctx = run.context!;
  const { fromAgentId, target } = request;
  await db.startTransfer({ ...run.ids(), fromAgentId, target });
  const seconds = ctx.transferTimeoutSeconds;
  let returnToAccount: { id: number; key: string } | null = null;
  /** The new account's rules, once the interaction moved there (absent in histories recorded before they were). */
  let movedRules: AccountRules | undefined;
  let accepted: boolean;
  if (target.kind === 'agent') {
    accepted = await offers.toAgent(target.agentId, seconds);
  } else if (target.kind === 'queue') {
    accepted = await offers.toQueues([target.queueId], seconds);
  } else {
    // Another account: it arrives there unread, for that account's queues.
    const moved = await db.moveToAccount({ ...run.ids(), fromAgentId, toAccountId: target.accountId });
    if (moved.fromAccountId !== null) returnToAccount = { id: moved.fromAccountId, key: ctx.accountKey };
    upsertSearchAttributes([{ key: accountKeyAttribute, value: moved.accountKey }]);
    movedRules = moved.rules;
    accepted = await offers.toQueues(moved.queueIds, seconds);
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
    ...run.ids(),
    agentId: fromAgentId,
    reason: `nobody accepted within ${seconds} s`,
    ...(returnToAccount !== null ? { accountId: returnToAccount.id } : {}),
  });
}
