/** Emails the watcher would not ingest (too large, unreadable), kept with the reason and their raw source. */
import { storeBlob } from './blobs';
import type { Database } from './db';
import type { MailboxIdentity } from './inbound-email';
import type { PageWindow } from './paging';

export function createQuarantineStore(db: Database) {
  return {
    /** Keeps an email that cannot be ingested (raw source included), with the reason; once per identity. */
    async quarantine(identity: MailboxIdentity, reason: string, raw: Buffer): Promise<void> {
      const rawSha256 = await storeBlob(db, raw);
      await db.quarantinedEmail.upsert({
        where: { accountId_mailbox_uidValidity_uid: identity },
        create: { ...identity, reason, rawSha256 },
        update: { reason, rawSha256 },
      });
    },

    async markReingested(quarantinedId: number): Promise<void> {
      await db.quarantinedEmail.update({ where: { id: quarantinedId }, data: { reingestedAt: new Date() } });
    },

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
