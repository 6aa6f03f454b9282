/**
 * The test servers themselves: a throwaway Dovecot (scripts/services/dovecot) and the IMAP helpers
 * (tests/support/mailbox.ts). Starts its own Dovecot in a temporary directory, independent of the one
 * from global setup. The SMTP capture server is tested in test-servers-smtp-sink.test.ts.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ImapFlow } from 'imapflow';
import {
  addMailUser,
  countImapConnections,
  doveadm,
  dovecotRuntimeDir,
  isDovecotRunning,
  mailUserDir,
  readDovecotLogTail,
  restartDovecot,
  startDovecot,
  stopDovecot,
  type DovecotHandle,
} from '../../scripts/services/dovecot';
import {
  appendEmail,
  buildEmail,
  createImapClient,
  listMessages,
  uniqueMailUser,
  uniqueMessageId,
  withImapClient,
} from '../support/mailbox';
import { eventually } from '../support/eventually';

jest.setTimeout(60_000);

const REPO_ROOT = path.join(__dirname, '../..');

let baseDir: string;
let dovecot: DovecotHandle;
const alice = { user: uniqueMailUser('alice'), password: 'alice:secret 1' };
const bob = { user: uniqueMailUser('bob'), password: 'bob-secret' };

beforeAll(async () => {
  baseDir = await fs.mkdtemp(path.join(os.tmpdir(), 'mailroute-dovecot-test-'));
  dovecot = await startDovecot({ baseDir });
  await addMailUser(dovecot, alice);
  await addMailUser(dovecot, bob);
});

afterAll(async () => {
  if (dovecot) await stopDovecot(dovecot);
  if (baseDir) await fs.rm(baseDir, { recursive: true, force: true });
});

async function connectedClient(user: { user: string; password: string }): Promise<ImapFlow> {
  const client = createImapClient(dovecot, user.user, user.password);
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

async function readMasterPid(h: DovecotHandle): Promise<number> {
  return Number((await fs.readFile(path.join(dovecotRuntimeDir(h.baseDir), 'master.pid'), 'utf8')).trim());
}

/** Zombies count as gone: a daemonized master's new parent (pid 1) may never reap it. */
async function isProcessRunning(pid: number): Promise<boolean> {
  const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (stat === undefined) return false;
  const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
  return state !== 'Z' && state !== 'X';
}

function connectionRefused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

describe('Dovecot test server', () => {
  test('the handle is plain JSON and the server advertises the extensions the platform relies on', async () => {
    expect(JSON.parse(JSON.stringify(dovecot))).toEqual(dovecot);
    expect(dovecot.host).toBe('127.0.0.1');
    expect(await isDovecotRunning(dovecot)).toBe(true);

    await withImapClient(dovecot, alice.user, alice.password, async (client) => {
      for (const capability of ['IDLE', 'UIDPLUS', 'CONDSTORE', 'QRESYNC', 'MOVE']) {
        expect(client.capabilities.has(capability)).toBe(true);
      }
    });
  });

  test('a message appended for one user is read back over IMAP, and only by that user', async () => {
    const messageId = uniqueMessageId();
    const raw = buildEmail({
      from: 'Customer <customer@example.test>',
      to: `${alice.user}@example.test`,
      subject: 'Where is my parcel?',
      text: 'Hello,\nit has not arrived.\n',
      messageId,
    });
    const appended = await appendEmail(dovecot, alice.user, alice.password, raw, { flags: ['\\Flagged'] });
    expect(appended.uid).toBeGreaterThan(0);
    expect(typeof appended.uidValidity).toBe('bigint');

    const aliceMessages = await listMessages(dovecot, alice.user, alice.password);
    expect(aliceMessages).toContainEqual(
      expect.objectContaining({ uid: appended.uid, subject: 'Where is my parcel?', messageId, flags: ['\\Flagged'] }),
    );
    expect(await listMessages(dovecot, bob.user, bob.password)).toEqual([]);

    // Stored on disk as the mail user, never as root.
    const newDir = path.join(mailUserDir(dovecot, alice.user), 'Maildir', 'cur');
    const files = await fs.readdir(newDir);
    expect(files.length).toBeGreaterThan(0);
    const owner = (await fs.stat(path.join(newDir, files[0] ?? ''))).uid;
    expect(owner).not.toBe(0);
  });

  test('wrong passwords are refused without slowing down later logins from loopback', async () => {
    for (let attempt = 0; attempt < 3; attempt++) {
      await expect(listMessages(dovecot, bob.user, `not-the-password-${attempt}`)).rejects.toThrow();
    }
    // Dovecot's auth penalty would delay this login by 2-15 s after the failures above.
    const started = Date.now();
    await listMessages(dovecot, bob.user, bob.password);
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  test('addMailUser is idempotent and can change a password', async () => {
    const carol = { user: uniqueMailUser('Carol'), password: 'first' };
    await addMailUser(dovecot, carol);
    await addMailUser(dovecot, carol);
    const passwd = await fs.readFile(dovecot.passwdFile, 'utf8');
    expect(passwd.split('\n').filter((line) => line.startsWith(`${carol.user.toLowerCase()}:`))).toHaveLength(1);

    await addMailUser(dovecot, { user: carol.user, password: 'second' });
    await expect(listMessages(dovecot, carol.user, 'first')).rejects.toThrow();
    expect(await listMessages(dovecot, carol.user, 'second')).toEqual([]);
  });

  test('IDLE delivers EXISTS to a connected client when another client appends', async () => {
    const watcher = await connectedClient(alice);
    try {
      const mailbox = await watcher.mailboxOpen('INBOX');
      const before = mailbox.exists;
      const existsEvent = new Promise<{ count: number; prevCount: number }>((resolve) => {
        watcher.on('exists', (event: { count: number; prevCount: number }) => resolve(event));
      });
      void watcher.idle().catch(() => undefined);
      await eventually(
        async () => watcher.idling,
        (idling) => idling,
      );

      await appendEmail(
        dovecot,
        alice.user,
        alice.password,
        buildEmail({ from: 'x@example.test', to: 'y@example.test', subject: 'push me', text: 'hi' }),
      );
      const event = await Promise.race([
        existsEvent,
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no EXISTS during IDLE')), 5_000)),
      ]);
      expect(event.prevCount).toBe(before);
      expect(event.count).toBe(before + 1);
    } finally {
      await watcher.logout().catch(() => watcher.close());
    }
  });

  test('doveadm mailbox update --uid-validity changes UIDVALIDITY', async () => {
    const raw = buildEmail({ from: 'x@example.test', to: 'y@example.test', subject: 'before', text: 'x' });
    const first = await appendEmail(dovecot, bob.user, bob.password, raw);
    const newUidValidity = first.uidValidity === 123n ? 124n : 123n;

    await doveadm(dovecot, ['mailbox', 'update', '--uid-validity', String(newUidValidity), '-u', bob.user, 'INBOX']);

    await withImapClient(dovecot, bob.user, bob.password, async (client) => {
      const mailbox = await client.mailboxOpen('INBOX');
      expect(mailbox.uidValidity).toBe(newUidValidity);
    });
    const second = await appendEmail(dovecot, bob.user, bob.password, raw);
    expect(second.uidValidity).toBe(newUidValidity);
  });

  test('countImapConnections sees one session for a connected client and none after logout', async () => {
    const dave = { user: uniqueMailUser('dave'), password: 'dave' };
    await addMailUser(dovecot, dave);
    expect(await countImapConnections(dovecot, dave.user)).toBe(0);

    const client = await connectedClient(dave);
    await client.mailboxOpen('INBOX');
    expect(
      await eventually(
        () => countImapConnections(dovecot, dave.user),
        (n) => n >= 1,
      ),
    ).toBe(1);
    expect(await countImapConnections(dovecot)).toBeGreaterThanOrEqual(1);
    expect(await countImapConnections(dovecot, bob.user)).toBe(0);

    await client.logout();
    await eventually(
      () => countImapConnections(dovecot, dave.user),
      (n) => n === 0,
    );
  });

  test('users added concurrently from several processes can all log in', async () => {
    const tsx = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
    const modulePath = path.join(REPO_ROOT, 'scripts', 'services', 'dovecot');
    const usersPerProcess = (processIndex: number) =>
      Array.from({ length: 4 }, (_, i) => ({ user: uniqueMailUser(`p${processIndex}u${i}`), password: `pw-${processIndex}-${i}` }));
    const batches = [0, 1, 2].map(usersPerProcess);
    const script = `
      const { addMailUser } = require(${JSON.stringify(modulePath)});
      const [handle, users] = JSON.parse(process.argv[1]);
      Promise.all(users.map((u) => addMailUser(handle, u))).catch((e) => { console.error(e); process.exit(1); });
    `;
    await Promise.all(
      batches.map(
        (users) =>
          new Promise<void>((resolve, reject) => {
            execFile(tsx, ['-e', script, JSON.stringify([dovecot, users])], { cwd: REPO_ROOT }, (error, _out, stderr) =>
              error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(),
            );
          }),
      ),
    );

    for (const user of batches.flat()) {
      expect(await listMessages(dovecot, user.user, user.password)).toEqual([]);
    }
    const passwdUsers = (await fs.readFile(dovecot.passwdFile, 'utf8')).split('\n').map((line) => line.split(':')[0]);
    for (const user of [alice, bob, ...batches.flat()]) expect(passwdUsers).toContain(user.user);
  });

  test('restartDovecot disconnects clients, keeps the port and keeps the mail', async () => {
    const messageId = uniqueMessageId();
    const { uid } = await appendEmail(
      dovecot,
      alice.user,
      alice.password,
      buildEmail({ from: 'x@example.test', to: 'y@example.test', subject: 'survives restart', text: 'x', messageId }),
    );
    const connected = await connectedClient(alice);
    const closed = new Promise<void>((resolve) => connected.once('close', () => resolve()));
    const port = dovecot.port;

    const restarted = await restartDovecot(dovecot);

    // The old server really went away, and took its sessions with it (not ~10 s later).
    await Promise.race([closed, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('client still connected')), 3_000))]);
    expect(restarted.port).toBe(port);
    expect(await isDovecotRunning(dovecot)).toBe(true);
    const messages = await listMessages(dovecot, alice.user, alice.password);
    expect(messages).toContainEqual(expect.objectContaining({ uid, messageId, subject: 'survives restart' }));
  });

  test('startDovecot on a baseDir that is already running replaces that instance and keeps users and mail', async () => {
    const before = await listMessages(dovecot, alice.user, alice.password);
    const oldPort = dovecot.port;
    const oldMasterPid = await readMasterPid(dovecot);
    // Even when the pid file is gone (instance directory wiped, run killed half-way).
    await fs.rm(path.join(dovecotRuntimeDir(baseDir), 'master.pid'));

    dovecot = await startDovecot({ baseDir });

    expect(await isDovecotRunning(dovecot)).toBe(true);
    expect(await isProcessRunning(oldMasterPid)).toBe(false);
    if (dovecot.port !== oldPort) expect(await connectionRefused(oldPort)).toBe(true);
    expect(await listMessages(dovecot, alice.user, alice.password)).toEqual(before);
  });

  test('stopDovecot shuts the server down', async () => {
    await stopDovecot(dovecot);
    expect(await isDovecotRunning(dovecot)).toBe(false);
    expect(await connectionRefused(dovecot.port)).toBe(true);
    // Adding a user while stopped only writes the passwd-file; it works after the next start.
    const erin = { user: uniqueMailUser('erin'), password: 'erin' };
    await addMailUser(dovecot, erin);
    dovecot = await startDovecot({ baseDir, port: dovecot.port });
    expect(await listMessages(dovecot, erin.user, erin.password)).toEqual([]);
    await stopDovecot(dovecot);
    expect(await isDovecotRunning(dovecot)).toBe(false);
    // The whole run logged no errors (bar the pid file this file deletes on purpose above).
    const log = await readDovecotLogTail(dovecot, 10_000);
    const errors = log.split('\n').filter((line) => /\b(Error|Fatal|Panic):/.test(line) && !line.includes('master.pid'));
    expect(errors).toEqual([]);
  });
});
