/**
 * Interactions as their routing workflow holds them: who owns the routing, its state, what routing reads when it
 * starts, and the writes of closing, releasing and transferring. Writes guarded by `routingWorkflowId` are no-ops for
 * a workflow that no longer owns the interaction.
 */
import type { InteractionRoutingState } from '../domain/routing';
import type { Database } from './db';

export function createRoutingStore(db: Database) {
  return {
    /** Takes the interaction for this workflow unless another routing workflow owns it; true when taken. */
    async claim(interactionId: number, workflowId: string): Promise<boolean> {
      const taken = await db.interaction.updateMany({
        where: { id: interactionId, OR: [{ routingWorkflowId: null }, { routingWorkflowId: workflowId }] },
        data: { routingWorkflowId: workflowId, status: 'open', closedAt: null, routingState: 'new' },
      });
      return taken.count === 1;
    },

    /** The workflow routing the interaction (`routingWorkflowId` null: none); null when there is no such interaction. */
    async routingOwner(interactionId: number): Promise<{ routingWorkflowId: string | null } | null> {
      return db.interaction.findUnique({ where: { id: interactionId }, select: { routingWorkflowId: true } });
    },

    async accountIdOf(interactionId: number): Promise<number | null> {
      const interaction = await db.interaction.findUnique({ where: { id: interactionId }, select: { accountId: true } });
      return interaction?.accountId ?? null;
    },

    /** The interaction with its account and the account's queues. */
    findWithAccount(interactionId: number) {
      return db.interaction.findUnique({ where: { id: interactionId }, include: { account: { include: { queues: true } } } });
    },

    /** The interaction with its account's key (what a webhook tells about it). */
    findWithAccountKey(interactionId: number) {
      return db.interaction.findUnique({ where: { id: interactionId }, include: { account: { select: { key: true } } } });
    },

    findMessage(messageId: number) {
      return db.message.findUnique({ where: { id: messageId } });
    },

    /** The queues, among `queueIds`, the agent belongs to, in the agent's order of preference. */
    async agentQueueIds(agentId: number, queueIds: number[]): Promise<number[]> {
      const members = await db.queueMember.findMany({
        where: { userId: agentId, queueId: { in: queueIds } },
        orderBy: [{ priority: 'asc' }, { queueId: 'asc' }],
      });
      return members.map((member) => member.queueId);
    },

    /** The account's newest action plan version, if it has one. */
    latestPlan(accountId: number) {
      return db.actionPlanVersion.findFirst({ where: { accountId }, orderBy: { version: 'desc' } });
    },

    async setState(input: { interactionId: number; workflowId: string; state: InteractionRoutingState; queueId: number | null }) {
      await db.interaction.updateMany({
        where: { id: input.interactionId, routingWorkflowId: input.workflowId },
        data: { routingState: input.state, ...(input.queueId !== null ? { queueId: input.queueId } : {}) },
      });
    },

    async tags(interactionId: number): Promise<string[] | null> {
      const interaction = await db.interaction.findUnique({ where: { id: interactionId }, select: { tags: true } });
      return interaction?.tags ?? null;
    },

    async setTags(interactionId: number, tags: string[]): Promise<void> {
      await db.interaction.update({ where: { id: interactionId }, data: { tags } });
    },

    /** The interaction's priority, and its place in a queue's line when it waits in one. */
    async setPriority(interactionId: number, priority: number): Promise<void> {
      await db.$transaction([
        db.interaction.update({ where: { id: interactionId }, data: { priority } }),
        db.routingWait.updateMany({ where: { interactionId }, data: { priority } }),
      ]);
    },

    /** The agent holding the interaction (null: nobody, or no such interaction). */
    async holder(interactionId: number): Promise<number | null> {
      const interaction = await db.interaction.findUnique({ where: { id: interactionId }, select: { agentId: true } });
      return interaction?.agentId ?? null;
    },

    /** Closes the interaction with its disposition and cancels the workflow's pending offers, in one transaction. */
    async close(input: { interactionId: number; workflowId: string; dispositionId: number | null }): Promise<void> {
      await db.$transaction([
        db.interaction.update({
          where: { id: input.interactionId },
          data: {
            status: 'closed',
            closedAt: new Date(),
            dispositionId: input.dispositionId,
            routingState: 'closed',
            routingWorkflowId: null,
          },
        }),
        db.offer.updateMany({
          where: { workflowId: input.workflowId, state: 'pending' },
          data: { state: 'canceled', respondedAt: new Date() },
        }),
      ]);
    },

    /** Routing ended without an agent: nobody routes the interaction any more. */
    async release(interactionId: number, workflowId: string): Promise<void> {
      await db.interaction.updateMany({
        where: { id: interactionId, routingWorkflowId: workflowId },
        data: { routingWorkflowId: null, routingState: 'ended-without-agent' },
      });
    },

    /** Routing found nobody: the interaction waits unassigned, its run still owning it. */
    async markUnassigned(interactionId: number, workflowId: string): Promise<void> {
      await db.interaction.updateMany({
        where: { id: interactionId, routingWorkflowId: workflowId },
        data: { routingState: 'unassigned' },
      });
    },

    /** An agent picked the unassigned interaction up: they hold it (it counts as handled, like an accept). */
    async pickUp(input: { interactionId: number; workflowId: string; agentId: number }): Promise<void> {
      await db.$transaction([
        db.interaction.updateMany({
          where: { id: input.interactionId, routingWorkflowId: input.workflowId },
          data: { agentId: input.agentId, routingState: 'accepted', read: true },
        }),
        db.user.update({ where: { id: input.agentId }, data: { handledCount: { increment: 1 } } }),
      ]);
    },

    /** A new message joined the interaction: unread, and its time is the interaction's latest. */
    async markMessageAdded(interactionId: number, messageId: number): Promise<void> {
      const message = await db.message.findUnique({ where: { id: messageId }, select: { receivedAt: true } });
      await db.interaction.update({
        where: { id: interactionId },
        data: { read: false, ...(message ? { lastMessageAt: message.receivedAt } : {}) },
      });
    },

    async startTransfer(interactionId: number, workflowId: string): Promise<void> {
      await db.interaction.updateMany({
        where: { id: interactionId, routingWorkflowId: workflowId },
        data: { routingState: 'transferring', read: false },
      });
    },

    /** The interaction with the account it belongs to (a transfer's source). */
    findWithOwnAccount(interactionId: number) {
      return db.interaction.findUnique({ where: { id: interactionId }, include: { account: true } });
    },

    /** An account with its queues (a transfer's target). */
    findAccountWithQueues(accountId: number) {
      return db.emailAccount.findUnique({ where: { id: accountId }, include: { queues: true } });
    },

    /** Moves the interaction to another account, unread and unassigned, with the transfer's note, in one transaction. */
    async moveToAccount(input: {
      interactionId: number;
      workflowId: string;
      toAccountId: number;
      authorId: number;
      subject: string;
      note: string;
    }): Promise<void> {
      await db.$transaction([
        db.interaction.update({
          where: { id: input.interactionId },
          data: { accountId: input.toAccountId, agentId: null, queueId: null, read: false, routingState: 'transferring' },
        }),
        db.message.create({
          data: {
            interactionId: input.interactionId,
            accountId: input.toAccountId,
            direction: 'note',
            authorId: input.authorId,
            subject: input.subject,
            text: input.note,
            workflowId: input.workflowId,
          },
        }),
      ]);
    },

    /** A transfer nobody took goes back to the transferring agent (and account), unread. */
    async returnTransfer(input: { interactionId: number; workflowId: string; agentId: number; accountId?: number }): Promise<void> {
      await db.interaction.updateMany({
        where: { id: input.interactionId, routingWorkflowId: input.workflowId },
        data: {
          agentId: input.agentId,
          routingState: 'accepted',
          read: false,
          ...(input.accountId !== undefined ? { accountId: input.accountId } : {}),
        },
      });
    },
  };
}

export type RoutingStore = ReturnType<typeof createRoutingStore>;
