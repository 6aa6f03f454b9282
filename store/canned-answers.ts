/** Canned answers: global (accountId null, offered on every account) or one account's own. */
import type { Database } from './db';
import { contains, type PageWindow } from './paging';

export interface CannedAnswerRow {
  id: number;
  accountId: number | null;
  name: string;
  body: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface CannedAnswerFilter {
  /** true: the global ones only; false: accounts' own only. */
  global?: boolean;
  accountId?: number;
  /** The ones offered on this account: the global ones and its own. */
  offeredOn?: number;
  /** Name contains. */
  q?: string;
  /** Only the global ones and those of these accounts (undefined: every account's). */
  withinAccounts?: number[];
}

export function createCannedAnswerStore(db: Database) {
  return {
    find(id: number): Promise<CannedAnswerRow | null> {
      return db.cannedAnswer.findUnique({ where: { id } });
    },

    list(filter: CannedAnswerFilter, window: PageWindow): Promise<CannedAnswerRow[]> {
      const { global, accountId, offeredOn, q, withinAccounts } = filter;
      const where = {
        ...(offeredOn !== undefined ? { OR: [{ accountId: null }, { accountId: offeredOn }] } : {}),
        ...(withinAccounts !== undefined ? { AND: [{ OR: [{ accountId: null }, { accountId: { in: withinAccounts } }] }] } : {}),
        ...(global === true ? { accountId: null } : global === false ? { accountId: { not: null } } : {}),
        ...(accountId !== undefined ? { accountId } : {}),
        ...(q ? { name: contains(q) } : {}),
      };
      return db.cannedAnswer.findMany({ where, ...window });
    },

    create(input: { accountId: number | null; name: string; body: string }): Promise<CannedAnswerRow> {
      return db.cannedAnswer.create({ data: input });
    },

    /** Writes only while the answer is still at `updatedAt` (optimistic concurrency): false once someone else saved. */
    async updateIfUnchanged(id: number, updatedAt: Date, columns: { name?: string; body?: string }): Promise<boolean> {
      return (await db.cannedAnswer.updateMany({ where: { id, updatedAt }, data: columns })).count > 0;
    },

    async delete(id: number): Promise<void> {
      await db.cannedAnswer.delete({ where: { id } });
    },
  };
}

export type CannedAnswerStore = ReturnType<typeof createCannedAnswerStore>;
