/**
 * The test servers themselves: a throwaway Dovecot (scripts/services/dovecot.ts), the IMAP helpers
 * (tests/support/mailbox.ts) and the SMTP capture server (tests/support/smtp-sink.ts). Starts its
 * own Dovecot in a temporary directory, independent of the one from global setup.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
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
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';

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

/** Polls `read` until `accept` holds; returns the last value or throws with it after `timeoutMs`. */
async function eventually<T>(read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last value ${String(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

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
    const modulePath = path.join(REPO_ROOT, 'scripts', 'services', 'dovecot.ts');
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

describe('SMTP sink', () => {
  let sink: SmtpSink | undefined;
  afterEach(async () => {
    await sink?.close();
    sink = undefined;
  });

  function transport(target: SmtpSink, auth = true) {
    return nodemailer.createTransport({
      host: target.host,
      port: target.port,
      secure: false,
      ignoreTLS: true,
      ...(auth ? { auth: { user: 'agent@mailroute.test', pass: 'anything' } } : {}),
    });
  }

  test('captures a nodemailer message with its threading headers, envelope and AUTH user', async () => {
    sink = await startSmtpSink();
    const messageId = uniqueMessageId();
    const parent = uniqueMessageId();
    const root = uniqueMessageId();

    await transport(sink).sendMail({
      from: 'Support <support@mailroute.test>',
      to: ['customer@example.test', 'Other <other@example.test>'],
      subject: 'Re: Where is my parcel?',
      text: 'It is on its way.',
      html: '<p>It is on its way.</p>',
      messageId,
      inReplyTo: parent,
      references: [root, parent],
      headers: { 'X-Mailroute-Interaction': '42' },
      envelope: { from: 'bounces@mailroute.test', to: ['customer@example.test', 'other@example.test'] },
    });

    const [email] = await sink.waitForMessages(1, 5_000);
    expect(email).toBeDefined();
    if (!email) return;
    expect(email.messageId).toBe(messageId);
    expect(email.inReplyTo).toBe(parent);
    expect(email.references).toEqual([root, parent]);
    expect(email.subject).toBe('Re: Where is my parcel?');
    expect(email.from).toEqual({ address: 'support@mailroute.test', name: 'Support' });
    expect(email.to.map((a) => a.address)).toEqual(['customer@example.test', 'other@example.test']);
    expect(email.text?.trim()).toBe('It is on its way.');
    expect(email.html).toContain('<p>It is on its way.</p>');
    expect(email.headers.get('x-mailroute-interaction')).toBe('42');
    expect(email.envelope).toEqual({
      mailFrom: 'bounces@mailroute.test',
      rcptTo: ['customer@example.test', 'other@example.test'],
    });
    expect(email.authUser).toBe('agent@mailroute.test');
    expect(email.accepted).toBe(true);
    expect(email.raw.toString('utf8')).toContain(`Message-ID: ${messageId}`);
  });

  test('accepts mail without AUTH and parses messages built by buildEmail', async () => {
    sink = await startSmtpSink();
    const messageId = uniqueMessageId();
    const raw = buildEmail({
      from: 'Zoë <zoe@example.test>',
      to: 'support@mailroute.test',
      subject: 'Grüße aus Köln',
      text: 'Ça va?',
      html: '<b>Ça va?</b>',
      messageId,
      inReplyTo: 'parent@example.test',
      references: ['root@example.test', 'parent@example.test'],
      headers: { 'X-Custom': 'yes' },
    });
    await transport(sink, false).sendMail({
      envelope: { from: 'zoe@example.test', to: ['support@mailroute.test'] },
      raw,
    });
    const [email] = await sink.waitForMessages(1, 5_000);
    expect(email?.authUser).toBeUndefined();
    expect(email?.messageId).toBe(messageId);
    expect(email?.inReplyTo).toBe('<parent@example.test>');
    expect(email?.references).toEqual(['<root@example.test>', '<parent@example.test>']);
    expect(email?.subject).toBe('Grüße aus Köln');
    expect(email?.from).toEqual({ address: 'zoe@example.test', name: 'Zoë' });
    expect(email?.text?.trim()).toBe('Ça va?');
    expect(email?.html).toContain('<b>Ça va?</b>');
    expect(email?.headers.get('x-custom')).toBe('yes');
    expect(email?.headers.get('mime-version')).toBe('1.0');
    expect(email?.headers.get('date')).toBeInstanceOf(Date);
  });

  test('beforeAccept runs before the reply and can reject the message or drop the connection', async () => {
    let clientHasReply = false;
    let clientHadReplyDuringHook: boolean | undefined;
    let mode: 'reject' | 'drop' | 'hold' = 'reject';
    sink = await startSmtpSink({
      async beforeAccept(_email, context) {
        if (mode === 'reject') throw Object.assign(new Error('try again later'), { responseCode: 451 });
        if (mode === 'drop') return context.dropConnection();
        await new Promise((resolve) => setTimeout(resolve, 300));
        clientHadReplyDuringHook = clientHasReply;
      },
    });
    const message = { from: 'a@mailroute.test', to: 'b@example.test', subject: 'x', text: 'x' };

    await expect(transport(sink).sendMail(message)).rejects.toMatchObject({ responseCode: 451 });
    mode = 'drop';
    await expect(transport(sink).sendMail(message)).rejects.toThrow();
    mode = 'hold';
    await transport(sink).sendMail(message);
    clientHasReply = true;

    expect(clientHadReplyDuringHook).toBe(false);
    expect(sink.messages.map((m) => m.accepted)).toEqual([false, false, true]);
  });

  test('afterAccept runs after the 250 reply has been sent, without holding it up', async () => {
    let afterAcceptCalls = 0;
    let mode: 'drop' | 'hang' = 'drop';
    sink = await startSmtpSink({
      afterAccept(_email, context) {
        afterAcceptCalls += 1;
        // Dropping the connection here cannot take back the 250 that was already sent…
        if (mode === 'drop') return context.dropConnection();
        return new Promise<void>(() => undefined); // …and a hook that never settles does not delay it
      },
    });
    const message = { from: 'a@mailroute.test', to: 'b@example.test', subject: 'x', text: 'x' };
    const first = await transport(sink).sendMail(message);
    expect(first.response).toMatch(/^250 /);
    mode = 'hang';
    const second = await transport(sink).sendMail(message);
    expect(second.response).toMatch(/^250 /);
    await eventually(
      async () => afterAcceptCalls,
      (calls) => calls === 2,
    );
    expect(sink.messages.map((m) => m.accepted)).toEqual([true, true]);
  });

  test('waitForMessages rejects when not enough mail arrives in time', async () => {
    sink = await startSmtpSink();
    await expect(sink.waitForMessages(1, 200)).rejects.toThrow(/expected 1 message/);
  });
});
