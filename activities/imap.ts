/**
 * The mailbox watcher: one long-running, heartbeating activity per active account holds the IMAP
 * connection (IDLE), stores each new email, starts its routing workflow, and only then advances the
 * checkpoint and sets \Seen. If the worker dies, the heartbeat stops and Temporal runs the watch elsewhere.
 */
import { Context } from '@temporalio/activity';
import { WorkflowExecutionAlreadyStartedError, WorkflowIdConflictPolicy, type Client } from '@temporalio/client';
import { ImapFlow } from 'imapflow';
import type { Database } from '../lib/db';
import { storeBlob } from '../lib/blobs';
import { headersFilterToImapflowQuery, type HeaderFilterRule } from '../lib/headers-filter';
import { EmailParseError, storeIncomingEmail } from '../lib/ingest';
import type { Logger } from '../lib/logger';
import type { SecretBox } from '../lib/secrets';
import { nextReconnectDelayMs } from '../lib/backoff';
import { routingWorkflowId } from '../workflows/ids';
import { accountKeyAttribute, interactionIdAttribute, stateAttribute } from '../workflows/search-attributes';

export interface ImapActivityDeps {
  db: Database;
  temporal: Client;
  taskQueue: string;
  secrets: SecretBox;
  logger: Logger;
  maxEmailBytes: number;
}

const HEARTBEAT_INTERVAL_MS = 2_000;
/** A NOOP this often proves the connection is alive even when IDLE went silent. */
const LIVENESS_CHECK_INTERVAL_MS = 30_000;
const MAX_PARSE_ATTEMPTS = 3;

export function createImapActivities(deps: ImapActivityDeps) {
  const { db, temporal, taskQueue, secrets, logger } = deps;

  async function startRouting(input: {
    accountId: number;
    accountKey: string;
    uidValidity: bigint;
    uid: bigint;
    messageId: number;
    interactionId: number;
  }) {
    const workflowId = routingWorkflowId(input);
    const message = await db.message.findUniqueOrThrow({ where: { id: input.messageId }, select: { fromAddress: true, subject: true } });
    try {
      await temporal.workflow.start('routeEmail', {
        taskQueue,
        workflowId,
        args: [
          { accountId: input.accountId, accountKey: input.accountKey, interactionId: input.interactionId, messageId: input.messageId },
        ],
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
        typedSearchAttributes: [
          { key: accountKeyAttribute, value: input.accountKey },
          { key: interactionIdAttribute, value: input.interactionId },
          { key: stateAttribute, value: 'new' },
        ],
        memo: { from: message.fromAddress ?? '', subject: message.subject },
      });
    } catch (error) {
      // Already ran to completion under this id: the second start is a no-op, as intended.
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
    await db.message.update({ where: { id: input.messageId }, data: { workflowId } });
    return workflowId;
  }

  return {
    async watchMailbox(input: { accountId: number }): Promise<{ reason: string }> {
      const context = Context.current();
      const log = logger.child({ accountId: input.accountId });
      let failures = 0;
      while (!context.cancellationSignal.aborted) {
        const account = await db.emailAccount.findUnique({ where: { id: input.accountId } });
        if (!account || !account.active) return { reason: 'account is not active' };
        const client = new ImapFlow({
          host: account.imapHost ?? '127.0.0.1',
          port: account.imapPort,
          secure: account.imapSsl,
          auth: { user: account.imapUsername ?? '', pass: account.imapPasswordEnc ? secrets.open(account.imapPasswordEnc) : '' },
          logger: false,
          connectionTimeout: account.connectionTimeoutSeconds * 1000,
          greetingTimeout: account.authTimeoutSeconds * 1000,
          disableAutoIdle: false,
          maxIdleTime: LIVENESS_CHECK_INTERVAL_MS,
        });
        const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
        client.on('error', (error: Error) => log.warn({ err: error.message }, 'IMAP connection error'));
        try {
          await client.connect();
          const lock = await client.getMailboxLock(account.mailbox);
          try {
            failures = 0;
            await watchSelectedMailbox(client, account, closed, context);
          } finally {
            lock.release();
          }
        } catch (error) {
          if (context.cancellationSignal.aborted) break;
          failures += 1;
          const message = (error as Error).message;
          log.warn({ err: message, failures }, 'mailbox watch interrupted; reconnecting');
          await db.mailboxState.upsert({
            where: { accountId_mailbox: { accountId: account.id, mailbox: account.mailbox } },
            create: { accountId: account.id, mailbox: account.mailbox, connected: false, lastError: message },
            update: { connected: false, lastError: message },
          });
          await sleepWithHeartbeat(context, nextReconnectDelayMs(failures, Math.random));
        } finally {
          await client.logout().catch(() => client.close());
        }
      }
      await db.mailboxState.updateMany({ where: { accountId: input.accountId }, data: { connected: false } });
      return { reason: 'cancelled' };
    },
  };

  async function watchSelectedMailbox(
    client: ImapFlow,
    account: NonNullable<Awaited<ReturnType<Database['emailAccount']['findUnique']>>>,
    closed: Promise<void>,
    context: Context,
  ): Promise<void> {
    const mailbox = client.mailbox;
    if (!mailbox) throw new Error('no mailbox selected');
    const uidValidity = BigInt(mailbox.uidValidity);
    const stateKey = { accountId_mailbox: { accountId: account.id, mailbox: account.mailbox } };
    let state = await db.mailboxState.findUnique({ where: stateKey });
    if (state?.uidValidity != null && state.uidValidity !== uidValidity) {
      // The server renumbered the mailbox: start again from UID 1; stored emails are recognised by Message-ID + content hash.
      logger.warn(
        { accountId: account.id, from: String(state.uidValidity), to: String(uidValidity) },
        'UIDVALIDITY changed: mailbox reset',
      );
      state = await db.mailboxState.update({
        where: stateKey,
        data: { uidValidity, lastUid: 0n, lastError: 'mailbox reset: UIDVALIDITY changed' },
      });
    }
    state = await db.mailboxState.upsert({
      where: stateKey,
      create: { accountId: account.id, mailbox: account.mailbox, uidValidity, connected: true, lastSeenAt: new Date() },
      update: { uidValidity, connected: true, lastError: null, lastSeenAt: new Date() },
    });
    let lastUid = state.lastUid;
    const filter = headersFilterToImapflowQuery(account.headersFilter as unknown as HeaderFilterRule[]);
    const parseFailures = new Map<bigint, number>();

    let wake: () => void = () => undefined;
    let pendingExists = true;
    client.on('exists', () => {
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
          lastUid = await ingestNewMessages();
        }
        context.heartbeat({ lastUid: String(lastUid) });
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, HEARTBEAT_INTERVAL_MS);
        });
        if (Date.now() - lastLivenessCheck > LIVENESS_CHECK_INTERVAL_MS) {
          lastLivenessCheck = Date.now();
          await client.noop();
          await db.mailboxState.update({ where: stateKey, data: { lastSeenAt: new Date(), connected: true } });
        }
      }
    } finally {
      context.cancellationSignal.removeEventListener('abort', onAbort);
    }

    async function ingestNewMessages(): Promise<bigint> {
      let checkpoint = lastUid;
      const found = await client.search({ uid: `${checkpoint + 1n}:*`, ...filter }, { uid: true });
      const uids = (found || [])
        .map((uid) => BigInt(uid))
        .filter((uid) => uid > checkpoint)
        .sort((a, b) => (a < b ? -1 : 1));
      for (const uid of uids) {
        if (context.cancellationSignal.aborted) break;
        const fetched = await client.fetchOne(String(uid), { source: true, size: true }, { uid: true });
        if (!fetched || !fetched.source) {
          throw new Error(`UID ${uid} was announced but could not be fetched`);
        }
        await ingestOne(uid, fetched.source);
        checkpoint = uid;
        await db.mailboxState.update({ where: stateKey, data: { lastUid: uid, lastSeenAt: new Date() } });
        context.heartbeat({ lastUid: String(uid) });
      }
      return checkpoint;
    }

    async function ingestOne(uid: bigint, raw: Buffer): Promise<void> {
      const identity = { accountId: account.id, mailbox: account.mailbox, uidValidity, uid };
      if (raw.length > deps.maxEmailBytes) {
        await quarantine(identity, `email of ${raw.length} bytes exceeds the limit of ${deps.maxEmailBytes} bytes`, raw);
        return;
      }
      let outcome;
      try {
        outcome = await storeIncomingEmail(db, identity, raw);
      } catch (error) {
        if (!(error instanceof EmailParseError)) throw error;
        const attempts = (parseFailures.get(uid) ?? 0) + 1;
        parseFailures.set(uid, attempts);
        if (attempts < MAX_PARSE_ATTEMPTS) throw error;
        await quarantine(identity, `could not be parsed after ${attempts} attempts: ${error.message}`, raw);
        return;
      }
      if (outcome.kind === 'duplicate') {
        logger.info({ accountId: account.id, uid: String(uid), reason: outcome.reason }, 'duplicate email skipped');
      } else if (outcome.workflowId === null) {
        await startRouting({
          accountId: account.id,
          accountKey: account.key,
          uidValidity,
          uid,
          messageId: outcome.messageId,
          interactionId: outcome.interactionId,
        });
      }
      if (!account.markAsUnread) await client.messageFlagsAdd(String(uid), ['\\Seen'], { uid: true });
    }
  }

  async function quarantine(
    identity: { accountId: number; mailbox: string; uidValidity: bigint; uid: bigint },
    reason: string,
    raw: Buffer,
  ) {
    const rawSha256 = await storeBlob(db, raw);
    await db.quarantinedEmail.upsert({
      where: { accountId_mailbox_uidValidity_uid: identity },
      create: { ...identity, reason, rawSha256 },
      update: { reason, rawSha256 },
    });
    logger.warn({ accountId: identity.accountId, uid: String(identity.uid), reason }, 'email quarantined');
  }
}

async function sleepWithHeartbeat(context: Context, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline && !context.cancellationSignal.aborted) {
    context.heartbeat();
    await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, deadline - Date.now())));
  }
}
