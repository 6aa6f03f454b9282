/**
 * Taking new emails from the selected mailbox, in UID order and in batches: a batch is fetched with one FETCH,
 * each email checked against the account's header filter and stored (or quarantined) in order, their routing
 * workflows started together, the batch marked \Seen with one STORE, and only then does the checkpoint pass it. A
 * crash anywhere takes the batch again: stored emails are recognised, starting a workflow twice is a no-op.
 * With "disable duplicate check", emails re-marked unread are downloaded again.
 */
import type { Context } from '@temporalio/activity';
import type { ImapFlow } from 'imapflow';
import { headersFilterToImapflowQuery, messageMatchesHeadersFilter, type HeaderFilterRule } from '../../domain/headers-filter';
import { uidRangeAfter } from '../../domain/sync-decisions';
import type { Logger } from '../../platform/logger';
import { platformMetrics } from '../../platform/metrics';
import {
  EmailParseError,
  EmailRejectedError,
  type InboundEmail,
  type IngestAndRoute,
  type StoreOutcome,
} from '../../services/ingest-and-route';
import type { Store } from '../../store';
import type { MailboxIdentity } from '../../store/inbound-email';
import type { MailboxRef, ServerCounters, WatchedAccount } from '../../store/mailboxes';
import { sleepWithHeartbeat } from './connection';
import { firstIntakeRange, firstIntakeSearch } from './first-intake';

const MAX_PARSE_ATTEMPTS = 3;
/** Emails taken per batch: one FETCH, one STORE \Seen and one checkpoint write for them all. */
const BATCH_SIZE = 50;
/** A batch holds at most this many bytes of sources in memory (a larger email is a batch of its own). */
const BATCH_BYTES = 32 * 1024 * 1024;
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
  /** The last UID at the mailbox's first activation (first-intake.ts); null when it had none to take. */
  intakeUntilUid: bigint | null;
}

/** "Disable duplicate check" (and \Seen set on ingest): an email re-marked unread elsewhere is downloaded again. */
export function downloadsRemarkedUnread(account: WatchedAccount): boolean {
  return account.disableDuplicateCheck && !account.markAsUnread;
}

export function createMailboxSync(deps: MailboxSyncDeps, selected: SelectedMailbox) {
  const { store, ingest } = deps;
  const { client, account, ref, uidValidity, context, log, parseFailures, intakeUntilUid } = selected;
  const rules = account.headersFilter as unknown as HeaderFilterRule[];
  const filter = headersFilterToImapflowQuery(rules);
  const identityOf = (uid: bigint): MailboxIdentity => ({ accountId: account.id, mailbox: account.mailbox, uidValidity, uid });

  /**
   * Ingests every email after the checkpoint, a batch at a time; answers the new checkpoint. `noticedAt`: when the
   * server's notification (or the scan) that brought them came.
   */
  async function ingestNewMessages(lastUid: bigint, noticedAt = new Date()): Promise<bigint> {
    let checkpoint = await firstIntake(lastUid, noticedAt);
    if (context.cancellationSignal.aborted) return checkpoint;
    const found = await client.search({ uid: uidRangeAfter(checkpoint), ...filter }, { uid: true });
    checkpoint = await ingestFound(found, checkpoint, noticedAt);
    if (downloadsRemarkedUnread(account) && checkpoint > 0n) await redownloadRemarkedUnread(checkpoint);
    return checkpoint;
  }

  /**
   * The emails that were there at the first activation, taken as the account's first intake says; then the checkpoint
   * passes them all (the others are not ours). Resumed from the checkpoint after a crash.
   */
  async function firstIntake(lastUid: bigint, noticedAt: Date): Promise<bigint> {
    const range = firstIntakeRange(lastUid, intakeUntilUid);
    if (range === null || intakeUntilUid === null) return lastUid;
    const search = firstIntakeSearch(account);
    log.info({ range, firstIntake: account.firstIntake, since: account.firstIntakeSince }, 'first intake of the mailbox');
    const found = search === null ? [] : await client.search({ uid: range, ...search, ...filter }, { uid: true });
    const checkpoint = await ingestFound(found, lastUid, noticedAt);
    if (context.cancellationSignal.aborted) return checkpoint;
    await store.mailboxes.advanceCheckpoint(ref, intakeUntilUid, serverCounters());
    return intakeUntilUid;
  }

  /** Ingests the UIDs a SEARCH found after the checkpoint, a batch at a time; answers the new checkpoint. */
  async function ingestFound(found: number[] | false | undefined, lastUid: bigint, noticedAt: Date): Promise<bigint> {
    let checkpoint = lastUid;
    const uids = (found || [])
      .map((uid) => BigInt(uid))
      .filter((uid) => uid > checkpoint)
      .sort((a, b) => (a < b ? -1 : 1));
    // The backlog shows the burst at once: UIDNEXT is past every UID found.
    if (uids.length > 0) await store.mailboxes.markSeen(ref, serverCounters(uids[uids.length - 1]));
    for (const batch of await batches(uids)) {
      if (context.cancellationSignal.aborted) break;
      await ingestBatch(batch, noticedAt);
      checkpoint = batch[batch.length - 1]!;
      await store.mailboxes.advanceCheckpoint(ref, checkpoint, serverCounters());
      context.heartbeat({ lastUid: String(checkpoint) });
    }
    return checkpoint;
  }

  /**
   * UIDNEXT and HIGHESTMODSEQ as this session knows them: imapflow keeps both current from what the server sends
   * (FETCH UID and MODSEQ, including the answers to our STORE \Seen, and STATUS); a UID found raises UIDNEXT too.
   */
  function serverCounters(foundUid?: bigint): ServerCounters {
    const selected = client.mailbox;
    let uidNext = selected && selected.uidNext ? BigInt(selected.uidNext) : null;
    if (foundUid !== undefined && (uidNext === null || uidNext <= foundUid)) uidNext = foundUid + 1n;
    return { uidNext, highestModseq: selected && selected.highestModseq !== undefined ? BigInt(selected.highestModseq) : null };
  }

  /** UIDs in order, cut into batches by count and by size (RFC822.SIZE, one FETCH for them all). */
  async function batches(uids: bigint[]): Promise<bigint[][]> {
    if (uids.length === 0) return [];
    const sizes = new Map<bigint, number>();
    for await (const message of client.fetch(uids.join(','), { size: true, uid: true }, { uid: true }))
      sizes.set(BigInt(message.uid), message.size ?? 0);
    const result: bigint[][] = [];
    let current: bigint[] = [];
    let bytes = 0;
    for (const uid of uids) {
      const size = sizes.get(uid) ?? 0;
      if (current.length > 0 && (current.length >= BATCH_SIZE || bytes + size > BATCH_BYTES)) {
        result.push(current);
        current = [];
        bytes = 0;
      }
      current.push(uid);
      bytes += size;
    }
    if (current.length > 0) result.push(current);
    return result;
  }

  async function ingestBatch(batch: bigint[], noticedAt: Date): Promise<void> {
    const sources = await fetchSources(batch);
    const toRoute: Array<{ email: InboundEmail; outcome: StoreOutcome }> = [];
    const toMarkSeen: bigint[] = [];
    // In UID order, one after the other: an email may thread into one stored just before it.
    for (const uid of batch) {
      const source = sources.get(uid) ?? (await fetchSource(uid));
      // Server SEARCH HEADER is a substring match: the exact, case-sensitive rule is checked here.
      if (!source || !messageMatchesHeadersFilter(rules, source)) continue;
      const stored = await storeOne(uid, source, noticedAt);
      if (stored === null) continue;
      if (stored.outcome.kind === 'duplicate') log.info({ uid: String(uid), reason: stored.outcome.reason }, 'duplicate email skipped');
      else toRoute.push(stored);
      toMarkSeen.push(uid);
    }
    await Promise.all(toRoute.map(({ email, outcome }) => ingest.route(email, outcome)));
    if (!account.markAsUnread && toMarkSeen.length > 0) await client.messageFlagsAdd(toMarkSeen.join(','), ['\\Seen'], { uid: true });
  }

  /** The batch's sources in one FETCH; a UID the server does not return is fetched again on its own (fetchSource). */
  async function fetchSources(batch: bigint[]): Promise<Map<bigint, Buffer>> {
    const sources = new Map<bigint, Buffer>();
    for await (const message of client.fetch(batch.join(','), { source: true, uid: true }, { uid: true })) {
      if (message.source) sources.set(BigInt(message.uid), message.source);
    }
    return sources;
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

  /** Stores one email of the batch; null when it was quarantined instead (too large, unreadable). */
  async function storeOne(uid: bigint, raw: Buffer, noticedAt: Date): Promise<{ email: InboundEmail; outcome: StoreOutcome } | null> {
    const email: InboundEmail = {
      accountKey: account.key,
      account,
      identity: identityOf(uid),
      raw,
      limits: { maxAttachmentBytes: deps.maxAttachmentBytes },
      noticedAt,
    };
    if (raw.length > deps.maxEmailBytes) {
      await quarantine(email.identity, `email of ${raw.length} bytes exceeds the limit of ${deps.maxEmailBytes} bytes`, raw);
      return null;
    }
    const outcome = await storeOrQuarantine(email);
    return outcome === null ? null : { email, outcome };
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
    platformMetrics.emailQuarantined(account.key);
    log.warn({ uid: String(identity.uid), reason }, 'email quarantined');
  }

  return { ingestNewMessages };
}
