/**
 * The mailbox watcher: one long-running, heartbeating activity per active account holds the IMAP
 * connection (IDLE), stores each new email, starts its routing workflow, and only then advances the
 * checkpoint and sets \Seen. If the worker dies, the heartbeat stops and Temporal runs the watch elsewhere.
 */
import { Context } from '@temporalio/activity';
import { ImapFlow } from 'imapflow';
import type { Database } from '../store/db';
import { ApplicationFailure } from '@temporalio/common';
import { readBlob } from '../store/blobs';
import { RoutingErrorType } from '../domain/errors';
import { headersFilterToImapflowQuery, messageMatchesHeadersFilter, type HeaderFilterRule } from '../domain/headers-filter';
import { EmailParseError, EmailRejectedError, type IngestAndRoute } from '../services/ingest-and-route';
import type { Logger } from '../platform/logger';
import type { SecretBox } from '../platform/secrets';
import { nextReconnectDelayMs } from '../domain/backoff';
import { mailboxResetReason, uidRangeAfter } from '../domain/sync-decisions';
import { createOAuth2TokenSource, type OAuth2Secrets, type OAuth2Settings } from '../platform/oauth2';

export interface ImapActivityDeps {
  db: Database;
  /** Stores each new email and starts its routing. */
  ingest: IngestAndRoute;
  secrets: SecretBox;
  logger: Logger;
  maxEmailBytes: number;
  maxAttachmentBytes: number;
}

const HEARTBEAT_INTERVAL_MS = 2_000;
/** A NOOP this often proves the connection is alive even when IDLE went silent. */
const LIVENESS_CHECK_INTERVAL_MS = 30_000;
const MAX_PARSE_ATTEMPTS = 3;
/** A UID announced by EXISTS/SEARCH but not fetchable is retried this often (with backoff), then recorded as missing. */
const MAX_FETCH_ATTEMPTS = 3;

export function createImapActivities(deps: ImapActivityDeps) {
  const { db, ingest, secrets, logger } = deps;

  const tokens = createOAuth2TokenSource();

  /** XOAUTH2 with a fresh access token when the account has OAuth2 settings, the password otherwise. */
  async function imapAuth(account: {
    id: number;
    imapUsername: string | null;
    imapPasswordEnc: string | null;
    oauth2: unknown;
    oauth2SecretEnc: string | null;
  }) {
    const user = account.imapUsername ?? '';
    if (account.oauth2 && typeof account.oauth2 === 'object') {
      const sealed = account.oauth2SecretEnc ? (JSON.parse(secrets.open(account.oauth2SecretEnc)) as OAuth2Secrets) : {};
      return { user, accessToken: await tokens.accessToken(`account-${account.id}`, account.oauth2 as OAuth2Settings, sealed) };
    }
    return { user, pass: account.imapPasswordEnc ? secrets.open(account.imapPasswordEnc) : '' };
  }

  return {
    /**
     * Keeps a copy of a sent email in the account's Sent folder (the configured one, else the folder marked
     * \\Sent, else "Sent", created when missing), marked \\Seen. Idempotent: a copy already there (same
     * Message-ID) is not appended again, so a retry after a lost answer leaves one copy.
     */
    async appendToSentFolder(input: { outboundId: number }): Promise<{ folder: string | null; appended: boolean }> {
      const outbound = await db.outboundEmail.findUnique({ where: { id: input.outboundId } });
      if (!outbound)
        throw ApplicationFailure.create({
          message: `outbound ${input.outboundId} not found`,
          type: RoutingErrorType.NotFound,
          nonRetryable: true,
        });
      if (outbound.sentFolderAt) return { folder: outbound.sentFolder, appended: false };
      const sent = outbound.sentMessageId === null ? null : await db.message.findUnique({ where: { id: outbound.sentMessageId } });
      const raw = sent?.rawSha256 ? await readBlob(db, sent.rawSha256) : null;
      if (outbound.status !== 'sent' || !raw) {
        throw ApplicationFailure.create({
          message: `outbound ${outbound.id} has no sent copy to keep (status ${outbound.status})`,
          type: RoutingErrorType.NotFound,
          nonRetryable: true,
        });
      }
      const account = await db.emailAccount.findUniqueOrThrow({ where: { id: outbound.accountId } });
      if (!account.imapHost) return { folder: null, appended: false };
      const client = new ImapFlow(connectionOptions(account, await imapAuth(account)));
      client.on('error', (error: Error) =>
        logger.warn({ accountId: account.id, err: error.message }, 'IMAP connection error (Sent folder)'),
      );
      try {
        await client.connect();
        const folders = await client.list();
        const folder = account.sentMailbox ?? folders.find((entry) => entry.specialUse === '\\Sent')?.path ?? 'Sent';
        if (!folders.some((entry) => entry.path === folder)) await client.mailboxCreate(folder);
        const lock = await client.getMailboxLock(folder);
        let appended = false;
        try {
          const already = await client.search({ header: { 'message-id': outbound.messageIdHeader } }, { uid: true });
          if (!already || already.length === 0) {
            await client.append(folder, raw, ['\\Seen'], outbound.sentAt ?? new Date());
            appended = true;
          }
        } finally {
          lock.release();
        }
        await db.outboundEmail.update({ where: { id: outbound.id }, data: { sentFolder: folder, sentFolderAt: new Date() } });
        return { folder, appended };
      } finally {
        await closeQuietly(client);
      }
    },

    async watchMailbox(input: { accountId: number }): Promise<{ reason: string }> {
      const context = Context.current();
      const log = logger.child({ accountId: input.accountId });
      log.info({ attempt: context.info.attempt }, 'mailbox watch starting');
      let failures = 0;
      // Survives reconnects: a message that fails parsing MAX_PARSE_ATTEMPTS times is quarantined, not retried forever.
      const parseFailures = new Map<bigint, number>();
      while (!context.cancellationSignal.aborted) {
        const account = await db.emailAccount.findUnique({ where: { id: input.accountId } });
        if (!account || !account.active) return { reason: 'account is not active' };
        const interrupted = async (error: unknown) => {
          failures += 1;
          const message = imapErrorText(error);
          // A refused token may have been revoked before it expired: the next try asks for a new one.
          if ((error as { authenticationFailed?: boolean }).authenticationFailed) tokens.forget(`account-${account.id}`);
          log.warn({ err: message, failures }, 'mailbox watch interrupted; reconnecting');
          await db.mailboxState.upsert({
            where: { accountId_mailbox: { accountId: account.id, mailbox: account.mailbox } },
            create: { accountId: account.id, mailbox: account.mailbox, connected: false, lastError: message },
            update: { connected: false, lastError: message },
          });
          await sleepWithHeartbeat(context, nextReconnectDelayMs(failures, Math.random));
        };
        let auth;
        try {
          auth = await imapAuth(account);
        } catch (error) {
          await interrupted(error);
          continue;
        }
        const client = new ImapFlow({
          ...connectionOptions(account, auth),
          // We hold the mailbox lock for the whole watch, and imapflow never auto-IDLEs under a held lock:
          // the watch loop starts IDLE itself; any command it runs breaks IDLE first.
          disableAutoIdle: true,
          maxIdleTime: LIVENESS_CHECK_INTERVAL_MS,
        });
        const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
        client.on('error', (error: Error) => log.warn({ err: error.message }, 'IMAP connection error'));
        try {
          // Bounded: a server that accepts TCP and then says nothing must not stall the watch.
          const setupTimeoutMs = (account.connectionTimeoutSeconds + account.authTimeoutSeconds) * 1000 + 5_000;
          const lock = await withHeartbeats(
            context,
            withTimeout(
              (async () => {
                await client.connect();
                return client.getMailboxLock(account.mailbox);
              })(),
              setupTimeoutMs,
              `no IMAP session after ${setupTimeoutMs} ms`,
            ),
          );
          try {
            failures = 0;
            await watchSelectedMailbox(client, account, closed, context, parseFailures);
          } finally {
            lock.release();
          }
        } catch (error) {
          if (context.cancellationSignal.aborted) break;
          await interrupted(error);
        } finally {
          await closeQuietly(client);
        }
      }
      await db.mailboxState.updateMany({ where: { accountId: input.accountId }, data: { connected: false } });
      log.info({ attempt: context.info.attempt, reason: String(context.cancellationSignal.reason) }, 'mailbox watch cancelled');
      return { reason: 'cancelled' };
    },
  };

  async function watchSelectedMailbox(
    client: ImapFlow,
    account: NonNullable<Awaited<ReturnType<Database['emailAccount']['findUnique']>>>,
    closed: Promise<void>,
    context: Context,
    parseFailures: Map<bigint, number>,
  ): Promise<void> {
    const mailbox = client.mailbox;
    if (!mailbox) throw new Error('no mailbox selected');
    const uidValidity = BigInt(mailbox.uidValidity);
    const serverModseq = mailbox.highestModseq !== undefined ? BigInt(mailbox.highestModseq) : null;
    const uidNext = mailbox.uidNext !== undefined ? BigInt(mailbox.uidNext) : null;
    const stateKey = { accountId_mailbox: { accountId: account.id, mailbox: account.mailbox } };
    const stored = await db.mailboxState.findUnique({ where: stateKey });
    const reset = mailboxResetReason(stored, { uidValidity, highestModseq: serverModseq });
    if (reset && stored) {
      // The server renumbered the mailbox: rescan from UID 1; stored emails are recognised by Message-ID + content hash.
      const detail = {
        reason: reset,
        fromUidValidity: String(stored.uidValidity),
        toUidValidity: String(uidValidity),
        fromModseq: stored.highestModseq === null ? null : String(stored.highestModseq),
        toModseq: serverModseq === null ? null : String(serverModseq),
        lastUid: String(stored.lastUid),
      };
      logger.warn({ accountId: account.id, ...detail }, 'mailbox reset');
      await db.$transaction([
        db.mailboxState.update({
          where: stateKey,
          data: { uidValidity, lastUid: 0n, highestModseq: serverModseq, lastError: `mailbox reset: ${reset}` },
        }),
        db.mailboxEvent.create({ data: { accountId: account.id, mailbox: account.mailbox, type: 'mailbox-reset', detail } }),
      ]);
    }
    const state = await db.mailboxState.upsert({
      where: stateKey,
      create: {
        accountId: account.id,
        mailbox: account.mailbox,
        uidValidity,
        highestModseq: serverModseq,
        uidNext,
        connected: true,
        lastSeenAt: new Date(),
      },
      update: { uidValidity, highestModseq: serverModseq, uidNext, connected: true, lastError: null, lastSeenAt: new Date() },
    });
    let lastUid = state.lastUid;
    const rules = account.headersFilter as unknown as HeaderFilterRule[];
    const filter = headersFilterToImapflowQuery(rules);
    // Without IDLE the watcher polls itself (NOOP, then STATUS) at the login mail frequency; imapflow's own
    // fallback would only poll every 30 s.
    const canIdle = client.capabilities.has('IDLE');
    const pollIntervalMs = canIdle ? LIVENESS_CHECK_INTERVAL_MS : await pollingIntervalMs();

    let wake: () => void = () => undefined;
    let pendingExists = true;
    client.on('exists', () => {
      pendingExists = true;
      wake();
    });
    // "Disable duplicate check": an email re-marked unread elsewhere (a FETCH FLAGS while we IDLE) is downloaded again.
    const redownloads = account.disableDuplicateCheck && !account.markAsUnread;
    if (redownloads) {
      client.on('flags', () => {
        pendingExists = true;
        wake();
      });
    }
    let connectionClosed = false;
    void closed.then(() => {
      connectionClosed = true;
      wake();
    });
    const log = logger.child({ accountId: account.id });
    const onAbort = () => wake();
    context.cancellationSignal.addEventListener('abort', onAbort);
    let lastLivenessCheck = Date.now();
    try {
      while (!context.cancellationSignal.aborted) {
        if (connectionClosed) throw new Error('IMAP connection closed');
        if (pendingExists) {
          pendingExists = false;
          lastUid = await ingestNewMessages();
        }
        context.heartbeat({ lastUid: String(lastUid) });
        if (canIdle && !client.idling && !pendingExists) {
          // Ends when the next command breaks it; a failure surfaces as the connection closing.
          void client.idle().catch((error: Error) => log.warn({ err: error.message }, 'IDLE failed'));
        }
        if (!pendingExists && !connectionClosed) {
          // EXISTS that arrived while we were ingesting already set pendingExists: no waiting then.
          await new Promise<void>((resolve) => {
            wake = resolve;
            setTimeout(resolve, HEARTBEAT_INTERVAL_MS);
          });
        }
        if (Date.now() - lastLivenessCheck > pollIntervalMs) {
          lastLivenessCheck = Date.now();
          // Silent IDLE death or a server without IDLE: STATUS proves the connection alive and shows new mail.
          // Without IDLE, a NOOP first: the server reports new mail (EXISTS) of the selected mailbox on it.
          if (!canIdle) await client.noop();
          const status = await client.status(account.mailbox, { uidNext: true });
          const serverUidNext = status && status.uidNext !== undefined ? BigInt(status.uidNext) : null;
          if (serverUidNext !== null && serverUidNext - 1n > lastUid) pendingExists = true;
          await db.mailboxState.update({ where: stateKey, data: { lastSeenAt: new Date(), connected: true, uidNext: serverUidNext } });
        }
      }
    } finally {
      context.cancellationSignal.removeEventListener('abort', onAbort);
    }

    async function pollingIntervalMs(): Promise<number> {
      const settings = await db.globalSetting.findUnique({ where: { id: 1 } });
      return (settings?.loginMailFrequencySeconds ?? 60) * 1000;
    }

    async function ingestNewMessages(): Promise<bigint> {
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
        await db.mailboxState.update({ where: stateKey, data: { lastUid: uid, lastSeenAt: new Date() } });
        context.heartbeat({ lastUid: String(uid) });
      }
      if (redownloads && checkpoint > 0n) await redownloadRemarkedUnread(checkpoint);
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
        const identity = { accountId: account.id, mailbox: account.mailbox, uidValidity, uid };
        const original = await db.message.findUnique({ where: { accountId_mailbox_uidValidity_uid: identity } });
        if (!original) continue; // filtered out, quarantined or a duplicate the first time: not ours to re-download
        const fetched = await client.fetchOne(String(uid), { source: true }, { uid: true });
        if (!fetched || !fetched.source || fetched.modseq === undefined) continue; // no CONDSTORE: no safe re-download
        if (!messageMatchesHeadersFilter(rules, fetched.source)) continue;
        const modseq = BigInt(fetched.modseq);
        await ingest.ingest({
          accountKey: account.key,
          identity,
          raw: fetched.source,
          redownload: { originalMessageId: original.id, modseq },
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
      await db.mailboxEvent.create({
        data: {
          accountId: account.id,
          mailbox: account.mailbox,
          type: 'missing-message',
          detail: { uidValidity: String(uidValidity), uid: String(uid), attempts: MAX_FETCH_ATTEMPTS },
        },
      });
      logger.warn({ accountId: account.id, uid: String(uid) }, 'announced email could not be fetched; recorded as missing');
      return null;
    }

    async function ingestOne(uid: bigint, raw: Buffer): Promise<void> {
      const identity = { accountId: account.id, mailbox: account.mailbox, uidValidity, uid };
      if (raw.length > deps.maxEmailBytes) {
        await quarantine(identity, `email of ${raw.length} bytes exceeds the limit of ${deps.maxEmailBytes} bytes`, raw);
        return;
      }
      const email = { accountKey: account.key, identity, raw, limits: { maxAttachmentBytes: deps.maxAttachmentBytes } };
      let outcome;
      for (;;) {
        try {
          outcome = await ingest.store(email);
          break;
        } catch (error) {
          if (error instanceof EmailRejectedError) {
            await quarantine(identity, error.message, raw);
            return;
          }
          // Parse errors, and any other failure to store this one email (e.g. a value the database refuses), count
          // against the email: after MAX_PARSE_ATTEMPTS it is quarantined and the mailbox keeps flowing. Parsing is
          // retried here at once; other failures go through a reconnect with backoff first.
          const attempts = (parseFailures.get(uid) ?? 0) + 1;
          parseFailures.set(uid, attempts);
          if (attempts >= MAX_PARSE_ATTEMPTS) {
            const what = error instanceof EmailParseError ? 'could not be parsed' : 'could not be stored';
            await quarantine(identity, `${what} after ${attempts} attempts: ${(error as Error).message.slice(0, 500)}`, raw);
            parseFailures.delete(uid);
            return;
          }
          if (!(error instanceof EmailParseError)) throw error;
        }
      }
      if (outcome.kind === 'duplicate') {
        logger.info({ accountId: account.id, uid: String(uid), reason: outcome.reason }, 'duplicate email skipped');
      } else {
        await ingest.route(email, outcome);
      }
      if (!account.markAsUnread) await client.messageFlagsAdd(String(uid), ['\\Seen'], { uid: true });
    }
  }

  async function quarantine(
    identity: { accountId: number; mailbox: string; uidValidity: bigint; uid: bigint },
    reason: string,
    raw: Buffer,
  ) {
    await ingest.quarantine(identity, reason, raw);
    logger.warn({ accountId: identity.accountId, uid: String(identity.uid), reason }, 'email quarantined');
  }
}

/**
 * What went wrong, in words an admin can act on: imapflow's own message is often just "Command failed", the
 * server's answer (e.g. `[AUTHENTICATIONFAILED] Authentication failed.`) is in the error's fields.
 */
export function imapErrorText(error: unknown): string {
  const details = error as { message?: string; authenticationFailed?: boolean; serverResponseCode?: string; responseText?: string };
  const server = [details.serverResponseCode ? `[${details.serverResponseCode}]` : '', details.responseText ?? ''].join(' ').trim();
  const prefix = details.authenticationFailed ? 'authentication failed' : (details.message ?? String(error));
  return server ? `${prefix}: ${server}` : prefix;
}

/** How to reach an account's IMAP server, within its connection and authentication timeouts. */
function connectionOptions(
  account: { imapHost: string | null; imapPort: number; imapSsl: boolean; connectionTimeoutSeconds: number; authTimeoutSeconds: number },
  auth: { user: string; pass?: string; accessToken?: string },
) {
  return {
    host: account.imapHost ?? '127.0.0.1',
    port: account.imapPort,
    secure: account.imapSsl,
    auth,
    logger: false as const,
    connectionTimeout: account.connectionTimeoutSeconds * 1000,
    greetingTimeout: account.authTimeoutSeconds * 1000,
  };
}

/** LOGOUT when the connection still works, bounded; the socket is closed in every case (a dead one can hang LOGOUT). */
async function closeQuietly(client: ImapFlow): Promise<void> {
  if (client.usable) {
    await withTimeout(
      client.logout().catch(() => undefined),
      3_000,
      'LOGOUT timed out',
    ).catch(() => undefined);
  }
  client.close();
}

function withTimeout<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** Keeps heartbeating while one bounded step (connect, login, SELECT) runs. */
async function withHeartbeats<T>(context: Context, work: Promise<T>): Promise<T> {
  const timer = setInterval(() => context.heartbeat(), 1_000);
  try {
    return await work;
  } finally {
    clearInterval(timer);
  }
}

async function sleepWithHeartbeat(context: Context, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline && !context.cancellationSignal.aborted) {
    context.heartbeat();
    await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, deadline - Date.now())));
  }
}
