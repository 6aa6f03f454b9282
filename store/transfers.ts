/** Where a held interaction may be transferred: the account's agents, its queues, other accounts; and whether a named target is one. */
import type { Database } from './db';

export function createTransferStore(db: Database) {
  return {
    /** The agent's presence (null: no such user), for refusing a transfer nobody would answer. */
    async presence(userId: number): Promise<string | null> {
      return (await db.user.findUnique({ where: { id: userId }, select: { presence: true } }))?.presence ?? null;
    },

    /** Whether the user is an agent added to the account. */
    async isAccountAgent(accountId: number, userId: number): Promise<boolean> {
      return (await db.accountAgent.findUnique({ where: { accountId_userId: { accountId, userId } } })) !== null;
    },

    /** Whether the queue is one the account routes to. */
    async isAccountQueue(accountId: number, queueId: number): Promise<boolean> {
      return (await db.accountQueue.findUnique({ where: { accountId_queueId: { accountId, queueId } } })) !== null;
    },

    /** Any account, visible or not: a transfer to another account may name one the holder is not added to. */
    account(id: number) {
      return db.emailAccount.findUnique({ where: { id }, select: { id: true } });
    },

    /**
     * The targets the account's transfer settings allow (an empty list for a kind it does not), each sorted by name;
     * the asking agent is not among the agents.
     */
    async targets(accountId: number, askingUserId: number) {
      const account = await db.emailAccount.findUniqueOrThrow({ where: { id: accountId } });
      const allowed = (kind: boolean) => account.transferEnabled && kind;
      const [agents, queues, accounts] = await Promise.all([
        allowed(account.transferToAgent)
          ? db.user
              .findMany({
                where: { accountAgents: { some: { accountId } }, id: { not: askingUserId } },
                select: { id: true, name: true, presence: true, pauseStatus: { select: { name: true } } },
                orderBy: { name: 'asc' },
              })
              .then((rows) =>
                rows.map(({ pauseStatus, ...agent }) => ({
                  ...agent,
                  pauseReason: agent.presence === 'paused' ? (pauseStatus?.name ?? null) : null,
                  // Only an online agent is offered a transfer; a paused or offline one would let it time out.
                  available: agent.presence === 'online',
                })),
              )
          : [],
        allowed(account.transferToQueue)
          ? db.queue.findMany({ where: { accounts: { some: { accountId } } }, select: { id: true, name: true }, orderBy: { name: 'asc' } })
          : [],
        allowed(account.transferToAccount)
          ? db.emailAccount.findMany({
              where: { id: { not: accountId } },
              select: { id: true, key: true, name: true },
              orderBy: { name: 'asc' },
            })
          : [],
      ]);
      return { enabled: account.transferEnabled, agents, queues, accounts };
    },
  };
}

export type TransferStore = ReturnType<typeof createTransferStore>;
