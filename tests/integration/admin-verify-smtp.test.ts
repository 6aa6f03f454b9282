/** Verify SMTP: the account's settings, its timeouts, and the server's exact answer. */
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';
import { minimalAccount, startAdminApi, type AdminApi } from './admin-support';

let api: AdminApi;
let sink: SmtpSink;
beforeAll(async () => {
  api = await startAdminApi();
  sink = await startSmtpSink({ requireAuth: true });
});
afterAll(async () => {
  await sink?.close();
  await api?.close();
});

async function account(fields: Record<string, unknown>) {
  const created = await api.users.admin.call('POST', '/api/accounts', minimalAccount({ smtpSecure: false, ...fields }));
  expect(created.status).toBe(201);
  return created.body.id as number;
}

test('success against a real SMTP server, logging in with the sealed password', async () => {
  const id = await account({ smtpHost: sink.host, smtpPort: sink.port, smtpUsername: 'verify-user', smtpPassword: 'secret' });
  const result = await api.users.admin.call('POST', `/api/accounts/${id}/verify-smtp`);
  expect(result.status).toBe(200);
  expect(result.body).toMatchObject({ ok: true, host: sink.host, port: sink.port });
});

test("the server's exact error when it refuses the login", async () => {
  const refusing = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    onAuth(_auth, _session, callback) {
      callback(Object.assign(new Error('5.7.8 Username and Password not accepted'), { responseCode: 535 }));
    },
  });
  await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
  try {
    const port = (refusing.server.address() as { port: number }).port;
    const id = await account({ smtpHost: '127.0.0.1', smtpPort: port, smtpUsername: 'someone', smtpPassword: 'wrong' });
    const result = await api.users.admin.call('POST', `/api/accounts/${id}/verify-smtp`);
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ ok: false, responseCode: 535, code: 'EAUTH' });
    expect(result.body.error).toContain('5.7.8 Username and Password not accepted');
  } finally {
    await new Promise<void>((resolve) => refusing.close(() => resolve()));
  }
});

test('a closed port answers with the connection error, quickly', async () => {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as { port: number }).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  const id = await account({ smtpHost: '127.0.0.1', smtpPort: port });
  const result = await api.users.admin.call('POST', `/api/accounts/${id}/verify-smtp`);
  expect(result.body).toMatchObject({ ok: false, code: 'ESOCKET' });
  expect(result.body.error).toContain('ECONNREFUSED');
  expect(result.body.elapsedMs).toBeLessThan(5_000);
});

test('a server that never greets fails within the connection timeout', async () => {
  const silent = createServer(() => undefined);
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  try {
    const port = (silent.address() as { port: number }).port;
    const id = await account({ smtpHost: '127.0.0.1', smtpPort: port, connectionTimeoutSeconds: 1 });
    const started = Date.now();
    const result = await api.users.admin.call('POST', `/api/accounts/${id}/verify-smtp`);
    expect(result.body.ok).toBe(false);
    expect(result.body.error).toMatch(/greeting|timed? ?out/i);
    expect(Date.now() - started).toBeLessThan(4_000);
  } finally {
    silent.close();
  }
});

test('an account without an SMTP host says so', async () => {
  const id = await account({});
  const result = await api.users.admin.call('POST', `/api/accounts/${id}/verify-smtp`);
  expect(result.body).toMatchObject({ ok: false, error: 'the account has no SMTP host' });
});

test('XOAUTH2: the refresh token is exchanged at the token URL and the access token logs in', async () => {
  const tokenRequests: string[] = [];
  const tokenServer = createHttpServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      tokenRequests.push(body);
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ access_token: 'access-123', token_type: 'Bearer', expires_in: 3600 }));
    });
  });
  await new Promise<void>((resolve) => tokenServer.listen(0, '127.0.0.1', resolve));
  const logins: { method: string; user?: string; accessToken?: string }[] = [];
  const oauthSmtp = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authMethods: ['XOAUTH2'],
    logger: false,
    onAuth(auth, _session, callback) {
      logins.push({ method: auth.method, user: auth.username, accessToken: auth.accessToken });
      if (auth.accessToken === 'access-123') callback(null, { user: auth.username });
      else callback(null, { data: { status: '401', schemes: 'bearer' } } as never);
    },
  });
  await new Promise<void>((resolve) => oauthSmtp.listen(0, '127.0.0.1', resolve));
  try {
    const tokenUrl = `http://127.0.0.1:${(tokenServer.address() as { port: number }).port}/token`;
    const id = await account({
      smtpHost: '127.0.0.1',
      smtpPort: (oauthSmtp.server.address() as { port: number }).port,
      smtpUsername: 'care@example.test',
      oauth2: { provider: 'microsoft', clientId: 'client-1', clientSecret: 'shh', refreshToken: 'refresh-1', tokenUrl },
    });
    const result = await api.users.admin.call('POST', `/api/accounts/${id}/verify-smtp`);
    expect(result.body).toMatchObject({ ok: true });
    expect(logins).toEqual([{ method: 'XOAUTH2', user: 'care@example.test', accessToken: 'access-123' }]);
    const form = new URLSearchParams(tokenRequests[0]);
    expect(Object.fromEntries(form)).toMatchObject({
      grant_type: 'refresh_token',
      refresh_token: 'refresh-1',
      client_id: 'client-1',
      client_secret: 'shh',
    });
  } finally {
    await new Promise<void>((resolve) => oauthSmtp.close(() => resolve()));
    tokenServer.close();
  }
});
