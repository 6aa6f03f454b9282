/**
 * A watched mailbox's state and events: connected or not and why, the checkpoint (UIDVALIDITY, last UID ingested,
 * HIGHESTMODSEQ), the server's UIDNEXT for the lag, and visible events (resets, emails that never came).
 */
import type { Database } from './db';
import type { PageWindow } from './paging';

/** One mailbox of one account. */
export interface MailboxRef {
  accountId: number;
  mailbox: string;
}

const key = (ref: MailboxRef) => ({ accountId_mailbox: { accountId: ref.accountId, mailbox: ref.mailbox } });

/** What the server last said of the selected mailbox (learnt from EXISTS, FETCH MODSEQ, SEARCH and STATUS answers). */
export interface ServerCounters {
  uidNext?: bigint | null;
  highestModseq?: bigint | null;
}

const known = (server: ServerCounters) => ({
  ...(server.uidNext != null ? { uidNext: server.uidNext } : {}),
  ...(server.highestModseq != null ? { highestModseq: server.highestModseq } : {}),
});

export function createMailboxStore(db: Database) {
  return {
    /** The account as its watcher reads it (IMAP settings, mailbox, header filter, ingestion options). */
    findAccount(accountId: number) {
      return db.emailAccount.findUnique({ where: { id: accountId } });
    },

    /** Readiness: active accounts with no connected mailbox (watcher down or never up), the first `limit` by key. */
    async disconnectedWatchers(limit: number) {
      const where = { active: true, mailboxStates: { none: { connected: true } } };
      const [active, disconnected, accounts] = await Promise.all([
        db.emailAccount.count({ where: { active: true } }),
        db.emailAccount.count({ where }),
        db.emailAccount.findMany({
          where,
          orderBy: { key: 'asc' },
          take: limit,
          select: { key: true, mailboxStates: { select: { lastError: true }, take: 1 } },
        }),
      ]);
      const listed = accounts.map((account) => ({ key: account.key, lastError: account.mailboxStates[0]?.lastError ?? null }));
      return { active, disconnected, accounts: listed };
    },

    /** How often a mailbox without IDLE is polled, in seconds (the global login mail frequency). */
    async pollIntervalSeconds(): Promise<number> {
      const settings = await db.globalSetting.findUnique({ where: { id: 1 } });
      return settings?.loginMailFrequencySeconds ?? 60;
    },

    state(ref: MailboxRef) {
      return db.mailboxState.findUnique({ where: key(ref) });
    },

    /**
     * The watch that started at `watchStartedAt` lost its connection; unless a watch started later (a retried
     * activity, another worker) has written the state since: that one's connection is what the state says.
     */
    async markDisconnected(ref: MailboxRef, lastError: string, watchStartedAt: Date): Promise<void> {
      await db.$executeRaw`
        INSERT INTO "MailboxState" ("accountId", mailbox, connected, "lastError", "watchStartedAt", "updatedAt")
        VALUES (${ref.accountId}, ${ref.mailbox}, false, ${lastError}, ${watchStartedAt}, now())
        ON CONFLICT ("accountId", mailbox) DO UPDATE
          SET connected = false, "lastError" = EXCLUDED."lastError", "watchStartedAt" = EXCLUDED."watchStartedAt", "updatedAt" = now()
          WHERE "MailboxState"."watchStartedAt" IS NULL OR "MailboxState"."watchStartedAt" <= EXCLUDED."watchStartedAt"`;
    },

    /** The watch that started at `watchStartedAt` stopped: the account's mailboxes it last wrote are not connected. */
    async markAccountDisconnected(accountId: number, watchStartedAt: Date): Promise<void> {
      await db.mailboxState.updateMany({
        where: { accountId, OR: [{ watchStartedAt: null }, { watchStartedAt: { lte: watchStartedAt } }] },
        data: { connected: false },
      });
    },

    /** The server renumbered the mailbox: the checkpoint starts again from UID 0, and the reset is a visible event. */
    async reset(ref: MailboxRef, input: { uidValidity: bigint; highestModseq: bigint | null; reason: string; detail: object }) {
      await db.$transaction([
        db.mailboxState.update({
          where: key(ref),
          data: {
            uidValidity: input.uidValidity,
            lastUid: 0n,
            // A renumbered mailbox is rescanned whole: stored emails are recognised, the first intake is long past.
            intakeUntilUid: null,
            highestModseq: input.highestModseq,
            lastError: `mailbox reset: ${input.reason}`,
          },
        }),
        db.mailboxEvent.create({ data: { ...ref, type: 'mailbox-reset', detail: input.detail } }),
      ]);
    },

    /**
     * The mailbox is selected: connected, with the server's UIDVALIDITY, HIGHESTMODSEQ and UIDNEXT, and how new mail
     * is learnt of. `intakeUntilUid` is given at the first activation only (the last UID then in the mailbox), in
     * the same write as the UIDVALIDITY that ends "first": a crash during the first intake resumes it. Answers the
     * checkpoint and that first-intake bound.
     */
    async markConnected(
      ref: MailboxRef,
      server: { uidValidity: bigint; highestModseq: bigint | null; uidNext: bigint | null; watchMode: 'idle' | 'polling' },
      intakeUntilUid: bigint | undefined,
      watchStartedAt: Date,
    ) {
      const intake = intakeUntilUid === undefined ? {} : { intakeUntilUid };
      const state = await db.mailboxState.upsert({
        where: key(ref),
        create: { ...ref, ...server, ...intake, connected: true, lastSeenAt: new Date(), watchStartedAt },
        update: { ...server, ...intake, connected: true, lastError: null, lastSeenAt: new Date(), watchStartedAt },
      });
      return { lastUid: state.lastUid, intakeUntilUid: state.intakeUntilUid };
    },

    /** Every UID up to this one is ingested (or deliberately skipped); the server's counters as they are now. */
    async advanceCheckpoint(ref: MailboxRef, lastUid: bigint, server: ServerCounters = {}): Promise<void> {
      await db.mailboxState.update({ where: key(ref), data: { lastUid, lastSeenAt: new Date(), ...known(server) } });
    },

    /** The server answered just now; its UIDNEXT and HIGHESTMODSEQ as they are now (an unknown one is kept). */
    async markSeen(ref: MailboxRef, server: ServerCounters): Promise<void> {
      await db.mailboxState.update({ where: key(ref), data: { lastSeenAt: new Date(), connected: true, ...known(server) } });
    },

    /** An email the server announced but never delivered. */
    async recordMissingMessage(ref: MailboxRef, detail: { uidValidity: string; uid: string; attempts: number }): Promise<void> {
      await db.mailboxEvent.create({ data: { ...ref, type: 'missing-message', detail } });
    },

    /** The account's visible mailbox events, a page at a time (the API's list style chooses the window). */
    events(accountId: number, window: PageWindow) {
      return db.mailboxEvent.findMany({ where: { accountId }, ...window });
    },
  };
}

export type MailboxStore = ReturnType<typeof createMailboxStore>;

/** An account as its mailbox watcher reads it. */
export type WatchedAccount = NonNullable<Awaited<ReturnType<MailboxStore['findAccount']>>>;
