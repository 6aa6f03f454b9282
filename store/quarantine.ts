/** Emails the watcher would not ingest (too large, unreadable), kept with the reason and their raw source. */
import type { Database } from './db';
import type { PageWindow } from './paging';

export function createQuarantineStore(db: Database) {
  return {
    find(id: number) {
      return db.quarantinedEmail.findUnique({ where: { id } });
    },

    list(accountId: number, window: PageWindow) {
      return db.quarantinedEmail.findMany({ where: { accountId }, ...window });
    },

    /** The size of a quarantined email's raw source; null when none is stored. */
    async rawSize(row: { rawSha256: string | null }): Promise<number | null> {
      const blob = row.rawSha256 ? await db.blob.findUnique({ where: { sha256: row.rawSha256 }, select: { size: true } }) : null;
      return blob?.size ?? null;
    },
  };
}

export type QuarantineStore = ReturnType<typeof createQuarantineStore>;
