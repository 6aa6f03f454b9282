/** Pause statuses: the reasons an agent gives for a pause. */
import type { Database } from './db';
import { contains, type PageWindow } from './paging';

export interface PauseStatusRow {
  id: number;
  name: string;
  description: string | null;
}

export function createPauseStatusStore(db: Database) {
  return {
    find(id: number): Promise<PauseStatusRow | null> {
      return db.pauseStatus.findUnique({ where: { id } });
    },

    findByName(name: string): Promise<PauseStatusRow | null> {
      return db.pauseStatus.findUnique({ where: { name } });
    },

    list(filter: { q?: string }, window: PageWindow): Promise<PauseStatusRow[]> {
      return db.pauseStatus.findMany({ where: filter.q ? { name: contains(filter.q) } : {}, ...window });
    },

    create(input: { name: string; description: string | null }): Promise<PauseStatusRow> {
      return db.pauseStatus.create({ data: input });
    },

    update(id: number, columns: { name?: string; description?: string | null }): Promise<PauseStatusRow> {
      return db.pauseStatus.update({ where: { id }, data: columns });
    },

    /** Deletes the status; accounts that paused agents with it after a disposition no longer do. */
    async delete(id: number): Promise<void> {
      await db.$transaction([
        db.emailAccount.updateMany({ where: { dispositionPauseStatusId: id }, data: { dispositionPauseStatusId: null } }),
        db.pauseStatus.delete({ where: { id } }),
      ]);
    },
  };
}

export type PauseStatusStore = ReturnType<typeof createPauseStatusStore>;
