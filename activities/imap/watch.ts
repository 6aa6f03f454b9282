/**
 * The mailbox watch: one long-running, heartbeating activity per active account holds the IMAP connection with
 * the mailbox selected, takes new emails as the server announces them (IDLE, or polling where the server has no
 * IDLE) and reconnects with backoff when the connection fails. If the worker dies, the heartbeat stops and Temporal
 * runs the watch elsewhere.
 */
import { Context } from '@temporalio/activity';
import type { ImapFlow } from 'imapflow';
import { nextReconnectDelayMs } from '../../domain/backoff';
import { mailboxResetReason } from '../../domain/sync-decisions';
import type { Logger } from '../../platform/logger';
import { platformMetrics } from '../../platform/metrics';
import type { MailboxRef, WatchedAccount } from '../../store/mailboxes';
import {
  closeQuietly,
  createImapClient,
  imapErrorText,
  imapRefusal,
  sleepWithHeartbeat,
  withHeartbeats,
  withTimeout,
  type ImapCredentialSource,
} from './connection';
import { connectionSettingsChanged } from './account-changes';
import { createMailboxSync, downloadsRemarkedUnread, type MailboxSyncDeps } from './mailbox-sync';

const HEARTBEAT_INTERVAL_MS = 2_000;
/** A NOOP this often proves the connection is alive even when IDLE went silent. */
const LIVENESS_CHECK_INTERVAL_MS = 30_000;

export interface WatchDeps extends MailboxSyncDeps {
  credentials: ImapCredentialSource;
  logger: Logger;
}

export function createWatchActivities(deps: WatchDeps) {
  const { store, credentials, logger } = deps;

  return {
    async watchMailbox(input: { accountId: number }): Promise<{ reason: string }> {
      const context = Context.current();
      const log = logger.child({ accountId: input.accountId });
      log.info({ attempt: context.info.attempt }, 'mailbox watch starting');
      let failures = 0;
      // This watch's start: its disconnects never undo the state a watch started later has written.
      const startedAt = new Date();
      // Survives reconnects: a message that fails parsing MAX_PARSE_ATTEMPTS times is quarantined, not retried forever.
      const parseFailures = new Map<bigint, number>();
      // The account's key as last seen: its series goes when this watch ends (another worker may hold it next).
      let accountKey: string | undefined;
      const gone = () => accountKey !== undefined && platformMetrics.watcherGone(accountKey);
      while (!context.cancellationSignal.aborted) {
        const account = await store.mailboxes.findAccount(input.accountId);
        if (accountKey !== undefined && accountKey !== account?.key) gone();
        if (!account || !account.active) {
          gone();
          return { reason: 'account is not active' };
        }
        accountKey = account.key;
        const interrupted = async (error: unknown) => {
          failures += 1;
          const message = imapErrorText(error);
          if ((error as { authenticationFailed?: boolean }).authenticationFailed) credentials.forget(account.id);
          log.warn({ err: message, failures }, 'mailbox watch interrupted; reconnecting');
          await store.mailboxes.markDisconnected({ accountId: account.id, mailbox: account.mailbox }, message, startedAt);
          platformMetrics.watcherConnected(account.key, false);
          await sleepWithHeartbeat(context, nextReconnectDelayMs(failures, Math.random));
        };
        let auth;
        try {
          auth = await credentials.of(account);
        } catch (error) {
          await interrupted(error);
          continue;
        }
        const client = createImapClient(account, auth, {
          // We hold the mailbox lock for the whole watch, and imapflow never auto-IDLEs under a held lock:
          // the watch loop starts IDLE itself; any command it runs breaks IDLE first.
          disableAutoIdle: true,
          maxIdleTime: LIVENESS_CHECK_INTERVAL_MS,
        });
        const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
        client.on('error', (error: Error) => log.warn({ err: error.message }, 'IMAP connection error'));
        try {
          // Bounded: a server that accepts TCP and then says nothing must not stall the watch (the connect and the
          // greeting each have the connection timeout, the login the authentication timeout).
          const setupTimeoutMs = (2 * account.connectionTimeoutSeconds + account.authTimeoutSeconds) * 1000 + 5_000;
          const lock = await withHeartbeats(
            context,
            withTimeout(
              (async () => {
                await client.connect();
                return selecting(account.mailbox, () => client.getMailboxLock(account.mailbox));
              })(),
              setupTimeoutMs,
              `no IMAP session after ${setupTimeoutMs} ms`,
            ),
          );
          try {
            failures = 0;
            await watchSelectedMailbox(client, account, closed, context, parseFailures, startedAt);
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
      await store.mailboxes.markAccountDisconnected(input.accountId, startedAt);
      gone();
      log.info({ attempt: context.info.attempt, reason: String(context.cancellationSignal.reason) }, 'mailbox watch cancelled');
      return { reason: 'cancelled' };
    },
  };

  /**
   * The checkpoint against the server's SELECT answer (a renumbered mailbox is rescanned from UID 1), then new
   * emails as they are announced, until the connection closes, the watch is cancelled, the account's connection
   * settings change (returns: the caller connects again) or the selected mailbox is no longer the one of that name.
   */
  async function watchSelectedMailbox(
    client: ImapFlow,
    selectedAccount: WatchedAccount,
    closed: Promise<void>,
    context: Context,
    parseFailures: Map<bigint, number>,
    watchStartedAt: Date,
  ): Promise<void> {
    let account = selectedAccount;
    const mailbox = client.mailbox;
    if (!mailbox) throw new Error('no mailbox selected');
    const log = logger.child({ accountId: account.id });
    const ref: MailboxRef = { accountId: account.id, mailbox: account.mailbox };
    const uidValidity = BigInt(mailbox.uidValidity);
    const highestModseq = mailbox.highestModseq !== undefined ? BigInt(mailbox.highestModseq) : null;
    const uidNext = mailbox.uidNext !== undefined ? BigInt(mailbox.uidNext) : null;
    const stored = await store.mailboxes.state(ref);
    const reset = mailboxResetReason(stored, { uidValidity, highestModseq });
    if (reset && stored) {
      // The server renumbered the mailbox: rescan from UID 1; stored emails are recognised by Message-ID + content hash.
      const detail = {
        reason: reset,
        fromUidValidity: String(stored.uidValidity),
        toUidValidity: String(uidValidity),
        fromModseq: stored.highestModseq === null ? null : String(stored.highestModseq),
        toModseq: highestModseq === null ? null : String(highestModseq),
        lastUid: String(stored.lastUid),
      };
      log.warn(detail, 'mailbox reset');
      await store.mailboxes.reset(ref, { uidValidity, highestModseq, reason: reset, detail });
    }
    // Without IDLE the watcher polls itself (SELECT again) at the login mail frequency; imapflow's own fallback
    // would only poll every 30 s.
    const canIdle = client.capabilities.has('IDLE');
    const watchMode = canIdle ? 'idle' : 'polling';
    // The first activation on this mailbox: what is there now is taken as the account's first intake says.
    const first = stored === null || stored.uidValidity === null;
    const firstBound = first ? (uidNext ?? (await highestUid(client)) + 1n) - 1n : undefined;
    const connected = await store.mailboxes.markConnected(
      ref,
      { uidValidity, highestModseq, uidNext, watchMode },
      firstBound,
      watchStartedAt,
    );
    platformMetrics.watcherConnected(account.key, true);
    let { lastUid } = connected;
    const { intakeUntilUid } = connected;
    const syncFor = (current: WatchedAccount) =>
      createMailboxSync(deps, { client, account: current, ref, uidValidity, context, log, parseFailures, intakeUntilUid });
    let sync = syncFor(account);
    const pollIntervalMs = canIdle ? LIVENESS_CHECK_INTERVAL_MS : (await store.mailboxes.pollIntervalSeconds()) * 1000;

    let wake: () => void = () => undefined;
    let pendingExists = true;
    /** Set by EXPUNGE: the mailbox may have been deleted (and recreated) under us, which some servers never say. */
    let pendingCheck = false;
    /** When the notification that made the pending round was received: each email's noticedAt. */
    let noticedAt = new Date();
    client.on('exists', () => {
      if (!pendingExists) noticedAt = new Date();
      pendingExists = true;
      wake();
    });
    client.on('expunge', () => {
      pendingCheck = true;
      wake();
    });
    // An email re-marked unread elsewhere (a FETCH FLAGS while we IDLE) is downloaded again.
    client.on('flags', () => {
      if (!downloadsRemarkedUnread(account)) return;
      pendingExists = true;
      wake();
    });
    let connectionClosed = false;
    void closed.then(() => {
      connectionClosed = true;
      wake();
    });
    const onAbort = () => wake();
    context.cancellationSignal.addEventListener('abort', onAbort);
    let lastLivenessCheck = Date.now();
    try {
      while (!context.cancellationSignal.aborted) {
        if (connectionClosed) throw new Error('IMAP connection closed');
        if (pendingExists) {
          pendingExists = false;
          // The account as it is now: a change saved before this email arrived applies to it.
          const current = await store.mailboxes.findAccount(account.id);
          if (!current || !current.active) return;
          const changed = connectionSettingsChanged(account, current);
          if (changed.length > 0) {
            log.info({ changed }, 'account settings changed; connecting again');
            return;
          }
          if (current.updatedAt.getTime() !== account.updatedAt.getTime()) sync = syncFor((account = current));
          lastUid = await sync.ingestNewMessages(lastUid, noticedAt);
        }
        context.heartbeat({ lastUid: String(lastUid) });
        if (canIdle && !client.idling && !pendingExists && !pendingCheck) {
          // Ends when the next command breaks it; a failure surfaces as the connection closing.
          void client.idle().catch((error: Error) => log.warn({ err: error.message }, 'IDLE failed'));
        }
        if (!pendingExists && !pendingCheck && !connectionClosed) {
          // EXISTS that arrived while we were ingesting already set pendingExists: no waiting then.
          await new Promise<void>((resolve) => {
            wake = resolve;
            setTimeout(resolve, HEARTBEAT_INTERVAL_MS);
          });
        }
        if (pendingCheck || Date.now() - lastLivenessCheck > pollIntervalMs) {
          pendingCheck = false;
          lastLivenessCheck = Date.now();
          // Silent IDLE death, a server without IDLE, or a mailbox replaced under us: SELECT again proves the
          // connection alive, shows new mail, and opens the mailbox of that name as it is now. (STATUS would not
          // do: Dovecot answers it for the selected mailbox from the session's own, possibly deleted, view.)
          const reselected = await selecting(account.mailbox, () => client.mailboxOpen(account.mailbox));
          if (BigInt(reselected.uidValidity) !== uidValidity) {
            // Deleted and created again by another client; some servers (Cyrus, Dovecot between two syncs) keep
            // the session on the old one without a word. A new session resets the checkpoint and rescans.
            throw new MailboxReplacedError(account.mailbox, uidValidity, BigInt(reselected.uidValidity));
          }
          const serverUidNext = reselected.uidNext !== undefined ? BigInt(reselected.uidNext) : null;
          if (serverUidNext !== null && serverUidNext - 1n > lastUid) pendingExists = true;
          await store.mailboxes.markSeen(ref, {
            uidNext: serverUidNext,
            highestModseq: reselected.highestModseq !== undefined ? BigInt(reselected.highestModseq) : null,
          });
        }
      }
    } finally {
      context.cancellationSignal.removeEventListener('abort', onAbort);
    }
  }
}

/** The highest UID in the selected mailbox (0 when empty), for a server whose SELECT gave no UIDNEXT. */
async function highestUid(client: ImapFlow): Promise<bigint> {
  const uids = (await client.search({ all: true }, { uid: true })) || [];
  return uids.reduce((highest, uid) => (BigInt(uid) > highest ? BigInt(uid) : highest), 0n);
}

/**
 * A SELECT the server refused says which folder and the server's own words (`cannot select "Support": NO Mailbox
 * does not exist`): imapflow's "Command failed" alone leaves an admin guessing.
 */
async function selecting<T>(mailbox: string, select: () => Promise<T>): Promise<T> {
  try {
    return await select();
  } catch (error) {
    const refusal = imapRefusal(error);
    throw refusal === null ? error : new Error(`cannot select "${mailbox}": ${refusal}`);
  }
}

/** The selected mailbox was replaced by another of the same name (its UIDVALIDITY changed while selected). */
export class MailboxReplacedError extends Error {
  constructor(mailbox: string, selected: bigint, now: bigint) {
    super(`mailbox "${mailbox}" was deleted and created again while selected (UIDVALIDITY ${selected} is now ${now}); selecting it again`);
  }
}
