/**
 * The seed's IMAP "Authentication" flag and authentication timeout. A server that accepts the connection and greets,
 * then never answers the login, fails after the account's authentication timeout with a clear mailbox error (a
 * loopback stub). With the flag off nothing logs in: a pre-authenticated session (PREAUTH, here a stub in front of
 * the real Dovecot that logs in for the client) is used as the server gives it, and a server that asks for a login
 * leaves a clear error instead.
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { waitFor } from '../../scripts/services/process-tools';
import { createWatchedAccount, waitForCheckpoint } from '../support/ingestion';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { testEnvironment } from '../support/test-environment';

jest.setTimeout(120_000);

let platform: TestPlatform;
const servers: net.Server[] = [];
beforeAll(async () => {
  platform = await startTestPlatform();
});
afterAll(async () => {
  for (const server of servers) server.close();
  await platform?.close();
});

async function listen(server: net.Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** Greets, answers CAPABILITY (LOGIN only), and then says nothing to the LOGIN it is sent. */
async function stallingLoginServer(): Promise<{ port: number; logins: () => number }> {
  let logins = 0;
  const server = net.createServer((socket) => {
    socket.on('error', () => undefined);
    socket.write('* OK [CAPABILITY IMAP4rev1] stub ready\r\n');
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk.toString('latin1');
      for (let end = buffered.indexOf('\r\n'); end >= 0; end = buffered.indexOf('\r\n')) {
        const [tag, command] = buffered.slice(0, end).split(' ');
        buffered = buffered.slice(end + 2);
        if (/^capability$/i.test(command ?? '')) socket.write(`* CAPABILITY IMAP4rev1\r\n${tag} OK done\r\n`);
        else if (/^login$/i.test(command ?? '')) logins += 1;
        else socket.write(`${tag} BAD not here\r\n`);
      }
    });
  });
  return { port: await listen(server), logins: () => logins };
}

/**
 * A pre-authenticating front of the real Dovecot (as a trusted proxy would be): it logs in itself, greets the
 * client with PREAUTH and relays both ways, keeping what the client sent before the session was upgraded.
 */
async function preauthFront(user: string, password: string): Promise<{ port: number; clientSaid: () => string }> {
  const dovecot = testEnvironment().dovecot;
  let said = '';
  const server = net.createServer((client) => {
    client.on('error', () => undefined);
    client.pause();
    const upstream = net.connect(dovecot.port, dovecot.host);
    upstream.on('error', () => client.destroy());
    let greeting = '';
    const onData = (chunk: Buffer) => {
      greeting += chunk.toString('latin1');
      if (/^\* OK/m.test(greeting) && !greeting.includes('PRE1')) {
        greeting += 'PRE1';
        upstream.write(`PRE1 LOGIN "${user}" "${password}"\r\n`);
      }
      if (/PRE1 OK/.test(greeting)) {
        upstream.off('data', onData);
        client.write(`* PREAUTH logged in as ${user} by the front\r\n`);
        client.on('data', (data: Buffer) => (said = (said + data.toString('latin1')).slice(0, 4000)));
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      }
    };
    upstream.on('data', onData);
    client.on('close', () => upstream.destroy());
  });
  return { port: await listen(server), clientSaid: () => said };
}

async function lastErrorOf(accountId: number, expected: RegExp, timeoutMs = 30_000): Promise<string> {
  let error = '';
  await waitFor(
    `account ${accountId}'s mailbox error ${expected}`,
    async () => {
      const state = await platform.admin.get(`/api/accounts/${accountId}/mailbox-state`);
      error = JSON.stringify(state.body);
      return expected.test(error);
    },
    { timeoutMs, intervalMs: 200, explain: () => `${error}\nworker log:\n${platform.worker.log.slice(-3000)}` },
  );
  return error;
}

it('a server that greets and never answers the login fails after the authentication timeout, with a clear mailbox error', async () => {
  const stub = await stallingLoginServer();
  const started = Date.now();
  const account = await createWatchedAccount(platform, {
    imapPort: stub.port,
    // The connection timeout (and the greeting's) is long: only the login timeout can end this in time.
    connectionTimeoutSeconds: 120,
    authTimeoutSeconds: 2,
  });
  await lastErrorOf(account.id, /did not answer the login within the authentication timeout \(2 s\)/);
  expect(Date.now() - started).toBeLessThan(60_000);
  expect(stub.logins()).toBeGreaterThanOrEqual(1);
  const state = await platform.db.mailboxState.findFirst({ where: { accountId: account.id } });
  expect(state?.connected).toBe(false);
});

it('with IMAP login off, a pre-authenticated session is used as the server gives it: no LOGIN, and new email is taken', async () => {
  const account = await createWatchedAccount(platform, {}, { activate: false });
  const front = await preauthFront(account.mailUser.user, account.mailUser.password);
  const changed = await platform.admin.patch(`/api/accounts/${account.id}`, {
    imapAuth: false,
    imapPort: front.port,
    imapUsername: null,
    active: true,
  });
  expect(changed.status).toBe(200);
  const appended = await account.append(account.email({ subject: 'through a pre-authenticated session' }));
  await waitForCheckpoint(platform, account.id, appended.uid, 30_000);
  await account.waitForInbound(1);
  expect((await account.inboundMessages())[0]!.subject).toBe('through a pre-authenticated session');
  expect(front.clientSaid()).toMatch(/SELECT|EXAMINE/i);
  expect(front.clientSaid()).not.toMatch(/\b(LOGIN|AUTHENTICATE)\b/i);
});

it('with IMAP login off, a server that asks for a login leaves a clear mailbox error, and turning login on recovers', async () => {
  const account = await createWatchedAccount(platform, { imapAuth: false });
  await lastErrorOf(account.id, /IMAP login is off for this account, but the server asks for one/);

  const changed = await platform.admin.patch(`/api/accounts/${account.id}`, { imapAuth: true });
  expect(changed.status).toBe(200);
  const appended = await account.append(account.email({ subject: 'after login turned on' }));
  await waitForCheckpoint(platform, account.id, appended.uid, 60_000);
  await account.waitForInbound(1);
});
