/**
 * The web client's session as a security review would try it: login sets an httpOnly, SameSite=Strict cookie (Secure
 * over HTTPS) holding the session token; a change made with the cookie needs the client's header and a same-origin
 * request; logout revokes the token and clears the cookie; bearer tokens work as before. Also: a refused field's
 * problem carries zod's code and both bounds of a number, and the API process stops on SIGTERM while a live stream
 * is open.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { applyMigrations } from '../../prisma/migrate';
import { freePort, waitFor } from '../../scripts/services/process-tools';
import { issueToken } from '../../services/auth';
import { createStore } from '../../store';
import { createDatabase } from '../../store/db';
import { createScratchDatabase } from '../support/scratch-database';
import { testEnvironment } from '../support/test-environment';
import { client, minimalAccount, startAdminApi, unique, type AdminApi } from './admin-support';

let api: AdminApi;
beforeAll(async () => {
  api = await startAdminApi();
});
afterAll(async () => {
  await api?.close();
});

const CLIENT = { 'x-mailroute-client': 'web' };

async function loggedIn(headers: Record<string, string> = {}) {
  const email = `session-${unique()}@example.test`;
  const password = `pw-${unique()}-long`;
  expect((await api.users.admin.call('POST', '/api/users', { name: 'Sam Session', email, password, role: 'agent' })).status).toBe(201);
  const login = await client(api.url)('POST', '/api/auth/login', { email, password }, headers);
  expect(login.status).toBe(200);
  const setCookie = login.headers.get('set-cookie') ?? '';
  const token = /mailroute_session=([^;]+)/.exec(setCookie)?.[1] ?? '';
  return { setCookie, token, bodyToken: login.body.token as string, cookie: `mailroute_session=${token}` };
}

test('login sets the session token as an httpOnly, SameSite=Strict cookie for /api, Secure only over HTTPS', async () => {
  const plain = await loggedIn();
  expect(plain.token).toBe(plain.bodyToken);
  expect(plain.setCookie).toMatch(/; HttpOnly/i);
  expect(plain.setCookie).toMatch(/; SameSite=Strict/i);
  expect(plain.setCookie).toMatch(/; Path=\/api(;|$)/);
  expect(plain.setCookie).toMatch(/; Max-Age=43200/);
  expect(plain.setCookie).not.toMatch(/; Secure/i);
  const https = await loggedIn({ 'x-forwarded-proto': 'https' });
  expect(https.setCookie).toMatch(/; Secure/i);

  const me = await client(api.url)('GET', '/api/me', undefined, { cookie: plain.cookie });
  expect(me.status).toBe(200);
  expect(me.body.name).toBe('Sam Session');
});

test('a change made with the cookie needs the client header and a same-origin request; a bearer token needs neither', async () => {
  const session = await loggedIn();
  const call = client(api.url);
  const presence = { presence: 'offline' };
  const withCookie = { cookie: session.cookie };
  const bare = await call('PUT', '/api/me/presence', presence, withCookie);
  expect(bare.status).toBe(403);
  expect(bare.body.detail).toMatch(/x-mailroute-client/);
  expect((await call('PUT', '/api/me/presence', presence, { ...withCookie, ...CLIENT, 'sec-fetch-site': 'cross-site' })).status).toBe(403);
  expect((await call('PUT', '/api/me/presence', presence, { ...withCookie, ...CLIENT, 'sec-fetch-site': 'same-site' })).status).toBe(403);
  expect((await call('PUT', '/api/me/presence', presence, { ...withCookie, ...CLIENT, origin: 'https://evil.example' })).status).toBe(403);
  const own = await call('PUT', '/api/me/presence', presence, {
    ...withCookie,
    ...CLIENT,
    'sec-fetch-site': 'same-origin',
    origin: api.url,
  });
  expect(own.status).toBeLessThan(300);
  // Reading needs no header; a REST client's bearer token changes things without one.
  expect((await call('GET', '/api/me', undefined, withCookie)).status).toBe(200);
  expect((await client(api.url, session.bodyToken)('PUT', '/api/me/presence', { presence: 'offline' })).status).toBeLessThan(300);
});

test('a page of another site cannot log the browser in', async () => {
  const refused = await client(api.url)(
    'POST',
    '/api/auth/login',
    { email: 'anyone@example.test', password: 'whatever-long' },
    { 'sec-fetch-site': 'cross-site' },
  );
  expect(refused.status).toBe(403);
  expect(refused.headers.get('set-cookie')).toBeNull();
});

test('logout with the cookie revokes the token and clears the cookie', async () => {
  const session = await loggedIn();
  const out = await client(api.url)('POST', '/api/auth/logout', undefined, { cookie: session.cookie, ...CLIENT });
  expect(out.status).toBe(204);
  expect(out.headers.get('set-cookie')).toMatch(/mailroute_session=;.*Expires=Thu, 01 Jan 1970/);
  expect((await client(api.url)('GET', '/api/me', undefined, { cookie: session.cookie })).status).toBe(401);
  expect((await client(api.url, session.bodyToken)('GET', '/api/me')).status).toBe(401);
});

test("a refused number says its code and both ends of its range, so a client can word it ('from 1 to 65535')", async () => {
  const refused = await api.users.admin.call('POST', '/api/accounts', minimalAccount({ smtpPort: 70000 }));
  expect(refused.status).toBe(400);
  expect(refused.body.errors).toEqual([
    expect.objectContaining({ field: 'smtpPort', code: 'too_big', origin: 'number', minimum: 1, maximum: 65535 }),
  ]);
  const blank = await api.users.admin.call('POST', '/api/accounts', minimalAccount({ name: '' }));
  expect(blank.body.errors).toEqual([expect.objectContaining({ field: 'name', code: 'too_small', origin: 'string', minimum: 1 })]);
});

test('the API process stops within seconds on SIGTERM while a live event stream is open', async () => {
  const environment = testEnvironment();
  const scratch = await createScratchDatabase('sigterm_sse');
  await applyMigrations({ databaseUrl: scratch.url, log: () => undefined });
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', path.resolve(__dirname, '../../api/server.ts')], {
    cwd: path.resolve(__dirname, '../..'),
    env: {
      ...process.env,
      DATABASE_URL: scratch.url,
      TEMPORAL_ADDRESS: environment.temporalAddress,
      MAILROUTE_SECRET_KEY: environment.secretKey,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    await waitFor(
      'the API to answer',
      async () => {
        if (child.exitCode !== null) throw new Error(`the API exited: ${output}`);
        return (await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined)) !== undefined;
      },
      { timeoutMs: 60_000, intervalMs: 200, explain: () => output },
    );
    // The API reads the scratch database: the stream's user and token are made there.
    const scratchDb = createDatabase(scratch.url, { poolSize: 1 });
    const holder = await scratchDb.user.create({
      data: { name: 'Stream holder', email: `holder-${unique()}@test.invalid`, role: 'agent' },
    });
    const { token } = await issueToken(createStore(scratchDb).tokens, { userId: holder.id, name: 'test' });
    await scratchDb.$disconnect();
    const stream = await fetch(`http://127.0.0.1:${port}/api/events`, { headers: { authorization: `Bearer ${token}` } });
    expect(stream.status).toBe(200);
    const reader = stream.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toContain(': connected');

    const signalledAt = Date.now();
    child.kill('SIGTERM');
    const code = await Promise.race([
      exited,
      new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 10_000)),
    ]);
    expect(code).toBe(0);
    // Well inside the 5 s after which the server cuts whatever is still open (api/close-server.ts).
    expect(Date.now() - signalledAt).toBeLessThan(4_000);
    for (;;) if ((await reader.read().catch(() => ({ done: true }))).done) break;
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    await scratch.drop();
  }
}, 120_000);
