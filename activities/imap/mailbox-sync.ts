/**
 * Taking new emails from the selected mailbox, in UID order: each one is fetched, checked against the account's
 * header filter, stored and routed (or quarantined), then marked \Seen, and only then does the checkpoint pass it.
 * With "disable duplicate check", emails re-marked unread are downloaded again.
 */
import type { Context } from '@temporalio/activity';
import type { ImapFlow } from 'imapflow';
import { headersFilterToImapflowQuery, messageMatchesHeadersFilter, type HeaderFilterRule } from '../../domain/headers-filter';
import { uidRangeAfter } from '../../domain/sync-decisions';
import type { Logger } from '../../platform/logger';
import { EmailParseError, EmailRejectedError, type IngestAndRoute, type StoreOutcome } from '../../services/ingest-and-route';
import type { Store } from '../../store';
import type { MailboxIdentity } from '../../store/inbound-email';
import type { MailboxRef, WatchedAccount } from '../../store/mailboxes';
import { sleepWithHeartbeat } from './connection';

const MAX_PARSE_ATTEMPTS = 3;
/** A UID announced by EXISTS/SEARCH but not fetchable is retried this often (with backoff), then recorded as missing. */
const MAX_FETCH_ATTEMPTS = 3;

export interface MailboxSyncDeps {
  store: Pick<Store, 'mailboxes' | 'inboundEmail'>;
  ingest: IngestAndRoute;
  maxEmailBytes: number;
  maxAttachmentBytes: number;
}

/** The mailbox the watch holds selected (and locked) on one connection. */
export interface SelectedMailbox {
  client: ImapFlow;
  account: WatchedAccount;
  ref: MailboxRef;
  uidValidity: bigint;
  context: Context;
  log: Logger;
  /** Survives reconnects: a message that fails parsing MAX_PARSE_ATTEMPTS times is quarantined, not retried forever. */
  parseFailures: Map<bigint, number>;
}

/** "Disable duplicate check" (and \Seen set on ingest): an email re-marked unread elsewhere is downloaded again. */
export function downloadsRemarkedUnread(account: WatchedAccount): boolean {
  return account.disableDuplicateCheck && !account.markAsUnread;
}

export function createMailboxSync(deps: MailboxSyncDeps, selected: SelectedMailbox) {
  const { store, ingest } = deps;
  const { client, account, ref, uidValidity, context, log, parseFailures } = selected;
  const rules = account.headersFilter as unknown as HeaderFilterRule[];
  const filter = headersFilterToImapflowQuery(rules);
  const identityOf = (uid: bigint): MailboxIdentity => ({ accountId: account.id, mailbox: account.mailbox, uidValidity, uid });

  /** Ingests every email after the checkpoint, advancing it one UID at a time; answers the new checkpoint. */
  async function ingestNewMessages(lastUid: bigint): Promise<bigint> {
    let checkpoint = lastUid;
    const found = await client.search({ uid: uidRangeAfter(checkpoint), ...filter }, { uid: true });
    const uids = (found || [])
      .map((uid) => BigInt(uid))
      .filter((uid) => uid > checkpoint)
      .sort((a, b) => (a < b ? -1 : 1));
    for (const uid of uids) {
      if (context.cancellationSignal.aborted) break;
      const source = await fetchSource(uid);
      // Server SEARCH HEADER is a substring match: the exact, case-sensitive rule is checked here.
      if (source && messageMatchesHeadersFilter(rules, source)) await ingestOne(uid, source);
      checkpoint = uid;
      await store.mailboxes.advanceCheckpoint(ref, uid);
      context.heartbeat({ lastUid: String(uid) });
    }
    if (downloadsRemarkedUnread(account) && checkpoint > 0n) await redownloadRemarkedUnread(checkpoint);
    return checkpoint;
  }

  /**
   * Emails at or below the checkpoint that are unseen again were re-marked unread by someone (we set \Seen on
   * everything we ingest, before the checkpoint passes it). Each unread episode is one new interaction,
   * keyed by the MODSEQ of that state, so a crash before \Seen is set again cannot make two.
   */
  async function redownloadRemarkedUnread(checkpoint: bigint): Promise<void> {
    const found = await client.search({ uid: `1:${checkpoint}`, seen: false, ...filter }, { uid: true });
    for (const uid of (found || []).map((value) => BigInt(value)).filter((value) => value <= checkpoint)) {
      if (context.cancellationSignal.aborted) return;
      const identity = identityOf(uid);
      const original = await store.inboundEmail.findStored(identity);
      if (!original) continue; // filtered out, quarantined or a duplicate the first time: not ours to re-download
      const fetched = await client.fetchOne(String(uid), { source: true }, { uid: true });
      if (!fetched || !fetched.source || fetched.modseq === undefined) continue; // no CONDSTORE: no safe re-download
      if (!messageMatchesHeadersFilter(rules, fetched.source)) continue;
      const modseq = BigInt(fetched.modseq);
      await ingest.ingest({
        accountKey: account.key,
        identity,
        raw: fetched.source,
        redownload: { originalMessageId: original.messageId, modseq },
      });
      await client.messageFlagsAdd(String(uid), ['\\Seen'], { uid: true });
      log.info({ uid: String(uid), modseq: String(modseq) }, 'email re-marked unread downloaded again (duplicate check disabled)');
    }
  }

  /** The raw source of a UID, retried with backoff; null (and a visible "missing-message" event) when it never comes. */
  async function fetchSource(uid: bigint): Promise<Buffer | null> {
    for (let attempt = 1; attempt <= MAX_FETCH_ATTEMPTS; attempt++) {
      const fetched = await client.fetchOne(String(uid), { source: true }, { uid: true });
      if (fetched && fetched.source) return fetched.source;
      if (attempt < MAX_FETCH_ATTEMPTS) await sleepWithHeartbeat(context, 500 * 2 ** (attempt - 1));
    }
    await store.mailboxes.recordMissingMessage(ref, { uidValidity: String(uidValidity), uid: String(uid), attempts: MAX_FETCH_ATTEMPTS });
    log.warn({ uid: String(uid) }, 'announced email could not be fetched; recorded as missing');
    return null;
  }

  async function ingestOne(uid: bigint, raw: Buffer): Promise<void> {
    const email = { accountKey: account.key, identity: identityOf(uid), raw, limits: { maxAttachmentBytes: deps.maxAttachmentBytes } };
    if (raw.length > deps.maxEmailBytes) {
      await quarantine(email.identity, `email of ${raw.length} bytes exceeds the limit of ${deps.maxEmailBytes} bytes`, raw);
      return;
    }
    const outcome = await storeOrQuarantine(email);
    if (outcome === null) return;
    if (outcome.kind === 'duplicate') log.info({ uid: String(uid), reason: outcome.reason }, 'duplicate email skipped');
    else await ingest.route(email, outcome);
    if (!account.markAsUnread) await client.messageFlagsAdd(String(uid), ['\\Seen'], { uid: true });
  }

  /** Stores the email; null when it was quarantined instead. */
  async function storeOrQuarantine(email: Parameters<IngestAndRoute['store']>[0]): Promise<StoreOutcome | null> {
    const { identity, raw } = email;
    for (;;) {
      try {
        return await ingest.store(email);
      } catch (error) {
        if (error instanceof EmailRejectedError) {
          await quarantine(identity, error.message, raw);
          return null;
        }
        // Parse errors, and any other failure to store this one email (e.g. a value the database refuses), count
        // against the email: after MAX_PARSE_ATTEMPTS it is quarantined and the mailbox keeps flowing. Parsing is
        // retried here at once; other failures go through a reconnect with backoff first.
        const attempts = (parseFailures.get(identity.uid) ?? 0) + 1;
        parseFailures.set(identity.uid, attempts);
        if (attempts >= MAX_PARSE_ATTEMPTS) {
          const what = error instanceof EmailParseError ? 'could not be parsed' : 'could not be stored';
          await quarantine(identity, `${what} after ${attempts} attempts: ${(error as Error).message.slice(0, 500)}`, raw);
          parseFailures.delete(identity.uid);
          return null;
        }
        if (!(error instanceof EmailParseError)) throw error;
      }
    }
  }

  async function quarantine(identity: MailboxIdentity, reason: string, raw: Buffer): Promise<void> {
    await ingest.quarantine(identity, reason, raw);
    log.warn({ uid: String(identity.uid), reason }, 'email quarantined');
  }

  return { ingestNewMessages };
}
