/** What the API shows of an account's mailbox watcher: its saved state and the events it made visible. */
import type { Database } from './db';
import type { ListWindow } from './quarantine';

export function createMailboxStatusStore(db: Database) {
  return {
    /** The watcher's saved state of one mailbox; null before its first connection. */
    state(accountId: number, mailbox: string) {
      return db.mailboxState.findUnique({ where: { accountId_mailbox: { accountId, mailbox } } });
    },

    events(accountId: number, window: ListWindow) {
      return db.mailboxEvent.findMany({ where: { accountId }, ...window });
    },
  };
}

export type MailboxStatusStore = ReturnType<typeof createMailboxStatusStore>;
