/** The dispositions of an account: a tree of up to three levels, names unique among siblings. */
import type { Database } from './db';
import type { PageWindow } from './paging';

export interface DispositionRow {
  id: number;
  accountId: number;
  name: string;
  level: number;
  parentId: number | null;
}

export function createDispositionStore(db: Database) {
  return {
    /** The disposition, when it is one of this account's. */
    find(accountId: number, id: number): Promise<DispositionRow | null> {
      return db.disposition.findFirst({ where: { id, accountId } });
    },

    /** A sibling named `name` under `parentId` (other than `exceptId`), if any. */
    findSibling(accountId: number, parentId: number | null, name: string, exceptId?: number): Promise<DispositionRow | null> {
      return db.disposition.findFirst({
        where: { accountId, parentId, name, ...(exceptId !== undefined ? { id: { not: exceptId } } : {}) },
      });
    },

    list(accountId: number, filter: { level?: number }, window: PageWindow): Promise<DispositionRow[]> {
      return db.disposition.findMany({ where: { accountId, ...(filter.level ? { level: filter.level } : {}) }, ...window });
    },

    create(input: { accountId: number; name: string; parentId: number | null; level: number }): Promise<DispositionRow> {
      return db.disposition.create({ data: input });
    },

    rename(id: number, name: string): Promise<DispositionRow> {
      return db.disposition.update({ where: { id }, data: { name } });
    },

    /** Deletes the disposition with its lower levels. */
    async delete(id: number): Promise<void> {
      await db.disposition.delete({ where: { id } });
    },
  };
}

export type DispositionStore = ReturnType<typeof createDispositionStore>;
