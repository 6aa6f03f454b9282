/**
 * The IMAP servers the ingestion suite runs against, behind one interface: Dovecot (the run's shared instance from
 * global setup, or a private one) and Cyrus (a private instance per test file, started only by suites that use it).
 * Server-specific operations (renumbering a mailbox, counting sessions, restarting) live here, so one test body
 * serves both: `describe.each(MAIL_SERVERS)(…, (kind) => { const server = useMailServer(kind); … })`.
 */
import path from 'node:path';
import {
  addMailUser,
  countImapConnections,
  doveadm,
  restartDovecot,
  startDovecot,
  stopDovecot,
  type DovecotHandle,
} from '../../scripts/services/dovecot';
import { addCyrusUser, countCyrusSessions, recreateCyrusUser, restartCyrus, startCyrus, stopCyrus, type CyrusHandle } from './cyrus';
import { withImapClient } from './mailbox';
import { testEnvironment } from './test-environment';

export type MailServerKind = 'dovecot' | 'cyrus';
export const MAIL_SERVERS: MailServerKind[] = ['dovecot', 'cyrus'];

export interface TestMailServer {
  kind: MailServerKind;
  host: string;
  port: number;
  addUser(credentials: { user: string; password: string }): Promise<void>;
  /** Logged-in IMAP sessions of `user`, as the server counts them. */
  countSessions(user: string): Promise<number>;
  /** Stops and starts the server on the same port and data (never the run's shared Dovecot). */
  restart(): Promise<void>;
  /**
   * The user's INBOX gets a new UIDVALIDITY and keeps its messages (Dovecot renumbers in place; on Cyrus an admin
   * recreates the mailbox and the messages are put back). Answers the new UIDVALIDITY.
   */
  renumberInbox(credentials: { user: string; password: string }): Promise<bigint>;
  /** Stops the server when it is private to the caller. */
  close(): Promise<void>;
}

let instances = 0;

/** A server for the caller: `private` Dovecot is its own instance; Cyrus always is. */
export async function startMailServer(kind: MailServerKind, options: { private?: boolean } = {}): Promise<TestMailServer> {
  instances += 1;
  const baseDir = path.join(testEnvironment().runDir, `${kind}-${process.pid}-${instances}`);
  if (kind === 'cyrus') return cyrusServer(await startCyrus({ baseDir }));
  if (options.private) return dovecotServer(await startDovecot({ baseDir }), true);
  return dovecotServer(testEnvironment().dovecot, false);
}

/** Starts the server before the file's tests and stops it (when private) after them. */
export function useMailServer(kind: MailServerKind, options: { private?: boolean } = {}): () => TestMailServer {
  let server: TestMailServer | undefined;
  beforeAll(async () => {
    server = await startMailServer(kind, options);
  }, 60_000);
  afterAll(async () => {
    await server?.close();
  });
  return () => {
    if (!server) throw new Error(`the ${kind} server is not started (useMailServer must be called at the top of a describe)`);
    return server;
  };
}

/** A Dovecot instance the caller manages itself (e.g. the run's shared one), as a test mail server. */
export function dovecotServer(handle: DovecotHandle, owned = false): TestMailServer {
  return {
    kind: 'dovecot',
    host: handle.host,
    port: handle.port,
    addUser: (credentials) => addMailUser(handle, credentials),
    countSessions: (user) => countImapConnections(handle, user),
    async restart() {
      if (!owned) throw new Error('the shared Dovecot is not restarted: tests running alongside use it');
      await restartDovecot(handle);
    },
    async renumberInbox({ user, password }) {
      const current = await withImapClient(handle, user, password, (client) => client.status('INBOX', { uidValidity: true }));
      const next = (current && current.uidValidity !== undefined ? current.uidValidity : 0n) + 1000n;
      await doveadm(handle, ['mailbox', 'update', '--uid-validity', String(next), '-u', user, 'INBOX']);
      return next;
    },
    close: async () => {
      if (owned) await stopDovecot(handle);
    },
  };
}

function cyrusServer(handle: CyrusHandle): TestMailServer {
  return {
    kind: 'cyrus',
    host: handle.host,
    port: handle.port,
    addUser: (credentials) => addCyrusUser(handle, credentials),
    countSessions: (user) => countCyrusSessions(handle, user),
    restart: () => restartCyrus(handle),
    async renumberInbox({ user, password }) {
      const messages = await withImapClient(handle, user, password, async (client) => {
        const lock = await client.getMailboxLock('INBOX', { readOnly: true });
        try {
          return await client.fetchAll('1:*', { source: true, flags: true, internalDate: true });
        } finally {
          lock.release();
        }
      });
      await recreateCyrusUser(handle, user);
      return withImapClient(handle, user, password, async (client) => {
        for (const message of messages) {
          const flags = [...(message.flags ?? [])].filter((flag) => flag !== '\\Recent');
          await client.append('INBOX', message.source!, flags, message.internalDate);
        }
        const status = await client.status('INBOX', { uidValidity: true });
        if (!status || status.uidValidity === undefined) throw new Error('no UIDVALIDITY after renumbering');
        return status.uidValidity;
      });
    },
    close: () => stopCyrus(handle),
  };
}
