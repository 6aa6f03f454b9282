/** Emails the watcher would not ingest (too large, unreadable), kept with the reason and their raw source. */
import type { Database } from './db';

/** A page of a list: rows to skip and take, in this order (the API's list style decides them). */
export interface ListWindow {
  skip: number;
  take: number;
  orderBy: Record<string, 'asc' | 'desc'>[];
}

export function createQuarantineStore(db: Database) {
  return {
    find(id: number) {
      return db.quarantinedEmail.findUnique({ where: { id } });
    },

    list(accountId: number, window: ListWindow) {
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
