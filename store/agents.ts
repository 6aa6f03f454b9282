/**
 * Agents as routing sees them: who of a queue may take an interaction now, how loaded each one is, who waits ahead,
 * and the presence changes routing makes (paused "not responding", paused while disposing, restored after).
 */
import type { Presence } from '../domain/people';
import type { Database } from './db';

export function createAgentStore(db: Database) {
  return {
    findAgent(agentId: number) {
      return db.user.findUnique({ where: { id: agentId } });
    },

    /** The queue with its members who may take an interaction of the account now: online, agents of the account. */
    queueWithEligibleMembers(queueId: number, accountId: number, excludeAgentIds: number[]) {
      return db.queue.findUnique({
        where: { id: queueId },
        include: {
          members: {
            where: { userId: { notIn: excludeAgentIds }, user: { presence: 'online', accountAgents: { some: { accountId } } } },
            include: { user: true },
          },
        },
      });
    },

    /** Interactions each agent holds (accepted or disposing) plus offers pending for them. */
    async load(agentIds: number[]): Promise<Map<number, number>> {
      const held = await db.interaction.groupBy({
        by: ['agentId'],
        where: { agentId: { in: agentIds }, status: 'open', routingState: { in: ['accepted', 'disposing'] } },
        _count: { _all: true },
      });
      const offered = await db.offer.groupBy({
        by: ['userId'],
        where: { userId: { in: agentIds }, state: 'pending' },
        _count: { _all: true },
      });
      const load = new Map<number, number>();
      for (const row of held) if (row.agentId !== null) load.set(row.agentId, row._count._all);
      for (const row of offered) load.set(row.userId, (load.get(row.userId) ?? 0) + row._count._all);
      return load;
    },

    /** Interactions waiting for this queue's agents that come before `interactionId` (higher priority, or waiting longer). */
    async waitingAhead(queueId: number, interactionId: number): Promise<number> {
      const me = await db.interaction.findUnique({ where: { id: interactionId }, select: { priority: true, lastMessageAt: true } });
      if (!me) return 0;
      return db.interaction.count({
        where: {
          id: { not: interactionId },
          queueId,
          status: 'open',
          routingState: 'waiting-for-agents',
          routingWorkflowId: { not: null },
          OR: [
            { priority: { gt: me.priority } },
            { priority: me.priority, lastMessageAt: { lt: me.lastMessageAt } },
            { priority: me.priority, lastMessageAt: me.lastMessageAt, id: { lt: interactionId } },
          ],
        },
      });
    },

    /** rrmemory: the queue remembers the agent it offered to last. */
    async setRoundRobinPosition(queueId: number, agentId: number): Promise<void> {
      await db.queue.update({ where: { id: queueId }, data: { rrPosition: agentId } });
    },

    /** The pause status a queue gives agents who let its offers time out, when it names one that exists. */
    async notRespondingPauseStatus(queueId: number): Promise<number | null> {
      const queue = await db.queue.findUnique({ where: { id: queueId }, select: { notRespondingPauseStatusId: true } });
      const pauseStatusId = queue?.notRespondingPauseStatusId ?? null;
      if (pauseStatusId === null || !(await db.pauseStatus.findUnique({ where: { id: pauseStatusId } }))) return null;
      return pauseStatusId;
    },

    /** Pauses the agent if online; true when they were. */
    async pauseIfOnline(agentId: number, pauseStatusId: number): Promise<boolean> {
      const paused = await db.user.updateMany({ where: { id: agentId, presence: 'online' }, data: { presence: 'paused', pauseStatusId } });
      return paused.count > 0;
    },

    async setPresence(agentId: number, presence: { presence: Presence; pauseStatusId: number | null }): Promise<void> {
      await db.user.update({ where: { id: agentId }, data: presence });
    },

    /** Routing workflows that poll (routing version 1) with an offer pending for the agent. */
    async pendingOfferWorkflowIds(agentId: number): Promise<string[]> {
      const offers = await db.offer.findMany({
        where: { userId: agentId, state: 'pending', interaction: { routingVersion: 1 } },
        select: { workflowId: true },
      });
      return [...new Set(offers.map((offer) => offer.workflowId))];
    },

    /**
     * The routing workflows that poll (routing version 1) of interactions waiting in the queues of these agents (those
     * online), head of the line first (priority, then waiting time): as many as the agents can take, and `extra` more.
     */
    async waitingWorkflowIds(agentIds: number[], extra: number): Promise<string[]> {
      const agents = await db.user.findMany({
        where: { id: { in: agentIds }, presence: 'online' },
        select: { capacity: true, queueMembers: { select: { queueId: true } } },
      });
      const queueIds = [...new Set(agents.flatMap((agent) => agent.queueMembers.map((member) => member.queueId)))];
      if (queueIds.length === 0) return [];
      const waiting = await db.interaction.findMany({
        where: { routingState: 'waiting-for-agents', routingWorkflowId: { not: null }, routingVersion: 1, queueId: { in: queueIds } },
        orderBy: [{ priority: 'desc' }, { lastMessageAt: 'asc' }, { id: 'asc' }],
        take: agents.reduce((sum, agent) => sum + Math.max(1, agent.capacity), 0) + extra,
        select: { routingWorkflowId: true },
      });
      return waiting.map((row) => row.routingWorkflowId!);
    },
  };
}

export type AgentStore = ReturnType<typeof createAgentStore>;
