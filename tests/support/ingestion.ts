/**
 * Ingestion test helpers: an account watching its own fresh mailbox (Dovecot or Cyrus) through the real platform,
 * and waits on what the watcher stored.
 */
import type { DovecotHandle } from '../../scripts/services/dovecot';
import { waitFor } from '../../scripts/services/process-tools';
import { dovecotServer, type TestMailServer } from './mail-servers';
import { appendEmail, buildEmail, uniqueMailUser, type AppendEmailOptions, type BuildEmailOptions } from './mailbox';
import { uniqueAccountKey, WorkerProcess, type TestPlatform } from './platform';
import { testEnvironment } from './test-environment';

export interface WatchedAccount {
  id: number;
  key: string;
  emailAddress: string;
  mailUser: { user: string; password: string };
  /** The IMAP server holding the mailbox. */
  server: TestMailServer;
  append(raw: string | Buffer, options?: AppendEmailOptions): Promise<{ uid: number; uidValidity: bigint }>;
  /** A simple email from a customer, with overrides. */
  email(options?: Partial<BuildEmailOptions>): string;
  inboundMessages(): Promise<
    {
      id: number;
      uid: bigint | null;
      uidValidity: bigint | null;
      subject: string;
      messageIdHeader: string | null;
      interactionId: number;
      workflowId: string | null;
    }[]
  >;
  waitForInbound(count: number, timeoutMs?: number): Promise<void>;
}

export async function createWatchedAccount(
  platform: TestPlatform,
  settings: Record<string, unknown> = {},
  options: { activate?: boolean; dovecot?: DovecotHandle; server?: TestMailServer } = {},
): Promise<WatchedAccount> {
  const server = options.server ?? dovecotServer(options.dovecot ?? testEnvironment().dovecot);
  const mailUser = { user: uniqueMailUser('ingest'), password: 'secret-password' };
  await server.addUser(mailUser);
  const key = uniqueAccountKey();
  const created = await platform.admin.post('/api/accounts', {
    name: `Ingest ${key}`,
    key,
    emailAddress: `support-${key.toLowerCase()}@example.test`,
    imapHost: '127.0.0.1',
    imapPort: server.port,
    imapSsl: false,
    imapUsername: mailUser.user,
    imapPassword: mailUser.password,
    ...settings,
  });
  if (created.status !== 201) throw new Error(`account not created: ${JSON.stringify(created.body)}`);
  const id = created.body.id as number;
  if (options.activate !== false) {
    const activated = await platform.admin.patch(`/api/accounts/${id}`, { active: true });
    if (activated.status !== 200) throw new Error(`account not activated: ${JSON.stringify(activated.body)}`);
  }
  const emailAddress = created.body.emailAddress as string;
  const inboundMessages = () =>
    platform.db.message.findMany({
      where: { accountId: id, direction: 'inbound' },
      orderBy: { id: 'asc' },
      select: { id: true, uid: true, uidValidity: true, subject: true, messageIdHeader: true, interactionId: true, workflowId: true },
    });
  return {
    id,
    key,
    emailAddress,
    mailUser,
    server,
    append: (raw, appendOptions) => appendEmail(server, mailUser.user, mailUser.password, raw, appendOptions),
    email: (overrides = {}) =>
      buildEmail({ from: 'Carla Customer <carla@customer.test>', to: emailAddress, subject: 'Hello', text: 'Body', ...overrides }),
    inboundMessages,
    async waitForInbound(count, timeoutMs = 20_000) {
      let state = '';
      await waitFor(
        `${count} inbound messages for account ${key}`,
        async () => {
          state = JSON.stringify(await platform.db.mailboxState.findFirst({ where: { accountId: id } }), (_, v) =>
            typeof v === 'bigint' ? String(v) : v,
          );
          return (await inboundMessages()).length >= count;
        },
        { timeoutMs, intervalMs: 100, explain: () => `mailbox state: ${state}\nworker log:\n${platform.worker.log.slice(-3000)}` },
      );
    },
  };
}

/** Lets the watcher look at the mailbox again and settle: waits until its checkpoint reaches the mailbox's last UID. */
export async function waitForCheckpoint(platform: TestPlatform, accountId: number, uid: number, timeoutMs = 20_000): Promise<void> {
  let seen = '';
  await waitFor(
    `account ${accountId} checkpoint at UID ${uid}`,
    async () => {
      const state = await platform.db.mailboxState.findFirst({ where: { accountId } });
      seen = `lastUid ${state?.lastUid} lastError ${state?.lastError}`;
      return state !== null && state.lastUid >= BigInt(uid);
    },
    { timeoutMs, intervalMs: 100, explain: () => `${seen}\nworker log:\n${platform.worker.log.slice(-3000)}` },
  );
}

/** Another worker process on the platform's task queue (same settings as the platform's own). */
export function extraWorker(
  platform: TestPlatform,
  heartbeatSeconds = 5,
  environmentOverrides: Record<string, string> = {},
): WorkerProcess {
  const environment = testEnvironment();
  return new WorkerProcess({
    ...process.env,
    DATABASE_URL: environment.databaseUrl,
    TEMPORAL_ADDRESS: environment.temporalAddress,
    TEMPORAL_TASK_QUEUE: platform.taskQueue,
    WORKFLOW_BUNDLE_PATH: environment.workflowBundlePath,
    MAILROUTE_SECRET_KEY: environment.secretKey,
    WATCHER_HEARTBEAT_SECONDS: String(heartbeatSeconds),
    LOG_LEVEL: 'warn',
    ...environmentOverrides,
  });
}

/** Deactivates the account over REST and waits until its watcher has logged out of the IMAP server. */
export async function deactivateAndWaitForLogout(platform: TestPlatform, account: WatchedAccount): Promise<void> {
  const response = await platform.admin.patch(`/api/accounts/${account.id}`, { active: false });
  if (response.status !== 200) throw new Error(`account not deactivated: ${JSON.stringify(response.body)}`);
  await waitFor('the watcher to log out', async () => (await account.server.countSessions(account.mailUser.user)) === 0, {
    timeoutMs: 20_000,
    intervalMs: 100,
  });
}
