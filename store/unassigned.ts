/**
 * Interactions that wait unassigned: routing found nobody, so agents of the account may pick them up and
 * supervisors route them. `ended-without-agent` is how routing left such interactions before it kept waiting: they
 * have no run, and the stranded-interaction sweep gives each one back.
 */
import { UNASSIGNED_STATES } from '../domain/routing';
import type { Database } from './db';

export function createUnassignedStore(db: Database) {
  return {
    /** One page of the unassigned interactions of these accounts, longest waiting first (then id). */
    async page(input: { accountIds: number[]; skip: number; take: number }) {
      const where = { accountId: { in: input.accountIds }, status: 'open' as const, routingState: { in: [...UNASSIGNED_STATES] } };
      const rows = await db.interaction.findMany({
        where,
        orderBy: [{ lastMessageAt: 'asc' }, { id: 'asc' }],
        skip: input.skip,
        take: input.take,
        include: { account: { select: { key: true } }, agent: { select: { name: true } } },
      });
      return rows.map(({ account, agent, ...interaction }) => ({
        ...interaction,
        accountKey: account.key,
        agentName: agent?.name ?? null,
      }));
    },

    /**
     * Open interactions nobody routes any more (left by an older routing, or whose run was lost): what a run must be
     * started for, with the message it starts from (the customer's newest).
     */
    async stranded(limit: number, interactionId?: number) {
      const rows = await db.interaction.findMany({
        where: {
          status: 'open',
          routingWorkflowId: null,
          routingState: { in: [...UNASSIGNED_STATES] },
          ...(interactionId !== undefined ? { id: interactionId } : {}),
        },
        orderBy: { id: 'asc' },
        take: limit,
        select: {
          id: true,
          accountId: true,
          account: { select: { key: true } },
          messages: { where: { direction: 'inbound' }, orderBy: { id: 'desc' }, take: 1, select: { id: true } },
        },
      });
      return rows.flatMap((row) =>
        row.messages[0]
          ? [{ interactionId: row.id, accountId: row.accountId, accountKey: row.account.key, messageId: row.messages[0].id }]
          : [],
      );
    },

    /** The interaction, if an older routing left it open without a run. */
    async strandedOne(interactionId: number) {
      const [row] = await this.stranded(1, interactionId);
      return row ?? null;
    },
  };
}

export type UnassignedStore = ReturnType<typeof createUnassignedStore>;
