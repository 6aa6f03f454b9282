/** Queues and their members (agents with a weight and a priority). */
import type { QueueStrategy } from '../domain/offer-order';
import type { Database } from './db';
import { contains, type PageWindow } from './paging';

export interface QueueRow {
  id: number;
  name: string;
  description: string | null;
  strategy: QueueStrategy;
  offerTimeoutSeconds: number;
  rrPosition: number;
  notRespondingPauseStatusId: number | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface QueueColumns {
  name?: string;
  description?: string | null;
  strategy?: QueueStrategy;
  offerTimeoutSeconds?: number;
  notRespondingPauseStatusId?: number | null;
}

export interface QueueMember {
  agentId: number;
  weight: number;
  priority: number;
}

export function createQueueStore(db: Database) {
  return {
    find(id: number): Promise<QueueRow | null> {
      return db.queue.findUnique({ where: { id } });
    },

    findByName(name: string): Promise<QueueRow | null> {
      return db.queue.findUnique({ where: { name } });
    },

    /** `withinAccounts`: only queues serving one of these accounts (undefined: every queue). */
    list(filter: { strategy?: QueueStrategy; q?: string; withinAccounts?: number[] }, window: PageWindow): Promise<QueueRow[]> {
      const where = {
        ...(filter.strategy ? { strategy: filter.strategy } : {}),
        ...(filter.q ? { name: contains(filter.q) } : {}),
        ...(filter.withinAccounts !== undefined ? { accounts: { some: { accountId: { in: filter.withinAccounts } } } } : {}),
      };
      return db.queue.findMany({ where, ...window });
    },

    /** The queues of an account, by id. */
    ofAccount(accountId: number): Promise<QueueRow[]> {
      return db.queue.findMany({ where: { accounts: { some: { accountId } } }, orderBy: { id: 'asc' } });
    },

    /** How many of `ids` are queues. */
    countExisting(ids: number[]): Promise<number> {
      return db.queue.count({ where: { id: { in: ids } } });
    },

    create(columns: QueueColumns & { name: string }): Promise<QueueRow> {
      return db.queue.create({ data: columns });
    },

    /** Writes only while the queue is still at `updatedAt` (optimistic concurrency): false once someone else saved. */
    async updateIfUnchanged(id: number, updatedAt: Date, columns: QueueColumns): Promise<boolean> {
      return (await db.queue.updateMany({ where: { id, updatedAt }, data: columns })).count > 0;
    },

    async delete(id: number): Promise<void> {
      await db.queue.delete({ where: { id } });
    },

    async members(queueId: number): Promise<QueueMember[]> {
      const members = await db.queueMember.findMany({ where: { queueId }, orderBy: { userId: 'asc' } });
      return members.map((member) => ({ agentId: member.userId, weight: member.weight, priority: member.priority }));
    },

    async setMembers(queueId: number, members: QueueMember[]): Promise<void> {
      await db.$transaction([
        db.queueMember.deleteMany({ where: { queueId } }),
        db.queueMember.createMany({
          data: members.map((member) => ({ queueId, userId: member.agentId, weight: member.weight, priority: member.priority })),
        }),
      ]);
    },
  };
}

export type QueueStore = ReturnType<typeof createQueueStore>;
