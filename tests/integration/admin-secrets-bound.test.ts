/**
 * Stored secrets stay with the endpoint they were given for: an admin who points an account at a server of their
 * own without giving the secret again finds it cleared, so Verify SMTP or a token refresh cannot deliver it there.
 */
import { createServer, type Server } from 'node:http';
import { minimalAccount, startAdminApi, unique, type AdminApi } from './admin-support';

let api: AdminApi;
beforeAll(async () => {
  api = await startAdminApi();
});
afterAll(async () => {
  await api?.close();
});

const admin = () => api.users.admin.call;

async function sealedOf(id: number) {
  return api.db.emailAccount.findUniqueOrThrow({
    where: { id },
    select: { smtpPasswordEnc: true, imapPasswordEnc: true, oauth2SecretEnc: true },
  });
}

test('changing the SMTP or IMAP server, port, TLS or username clears the stored password unless it is given again', async () => {
  const created = await admin()(
    'POST',
    '/api/accounts',
    minimalAccount({
      smtpHost: 'smtp.example.test',
      smtpUsername: 'care',
      smtpPassword: `pw-${unique()}`,
      imapHost: 'imap.example.test',
      imapUsername: 'care',
      imapPassword: `pw-${unique()}`,
    }),
  );
  const id = created.body.id as number;
  const renamed = await admin()('PATCH', `/api/accounts/${id}`, { name: 'Support desk' });
  expect(renamed.body).toMatchObject({ smtpPasswordSet: true, imapPasswordSet: true });
  const sameHost = await admin()('PATCH', `/api/accounts/${id}`, { smtpHost: 'smtp.example.test' });
  expect(sameHost.body.smtpPasswordSet).toBe(true);

  const moved = await admin()('PATCH', `/api/accounts/${id}`, { smtpHost: 'attacker.example.test' });
  expect(moved.body).toMatchObject({ smtpHost: 'attacker.example.test', smtpPasswordSet: false, imapPasswordSet: true });
  expect((await sealedOf(id)).smtpPasswordEnc).toBeNull();
  const verified = await admin()('POST', `/api/accounts/${id}/verify-smtp`);
  expect(verified.body.ok).toBe(false);

  const movedImap = await admin()('PATCH', `/api/accounts/${id}`, { imapUsername: 'someone-else' });
  expect(movedImap.body.imapPasswordSet).toBe(false);
  const withPassword = await admin()('PATCH', `/api/accounts/${id}`, { smtpHost: 'smtp2.example.test', smtpPassword: 'new secret' });
  expect(withPassword.body.smtpPasswordSet).toBe(true);
});

test('OAuth2 secrets are cleared when the token endpoint changes, or the mail servers they log in to', async () => {
  const received: string[] = [];
  const tokenServer: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      received.push(body);
      response.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"invalid_grant"}');
    });
  });
  await new Promise<void>((resolve) => tokenServer.listen(0, '127.0.0.1', resolve));
  const otherTokenUrl = `http://127.0.0.1:${(tokenServer.address() as { port: number }).port}/token`;
  try {
    const created = await admin()(
      'POST',
      '/api/accounts',
      minimalAccount({
        smtpHost: 'smtp.example.test',
        smtpUsername: 'care',
        oauth2: { provider: 'microsoft', clientId: 'client-1', clientSecret: 'client-secret-value', refreshToken: 'refresh-token-value' },
      }),
    );
    const id = created.body.id as number;
    expect(created.body.oauth2).toMatchObject({ clientSecretSet: true, refreshTokenSet: true });
    const retargeted = await admin()('PATCH', `/api/accounts/${id}`, {
      oauth2: { provider: 'microsoft', clientId: 'client-1', tokenUrl: otherTokenUrl },
    });
    expect(retargeted.body.oauth2).toMatchObject({ tokenUrl: otherTokenUrl, clientSecretSet: false, refreshTokenSet: false });
    await admin()('POST', `/api/accounts/${id}/verify-smtp`);
    expect(received.join('\n')).not.toMatch(/client-secret-value|refresh-token-value/);

    const again = await admin()('PATCH', `/api/accounts/${id}`, {
      oauth2: {
        provider: 'microsoft',
        clientId: 'client-1',
        tokenUrl: otherTokenUrl,
        clientSecret: 'new-secret',
        refreshToken: 'new-refresh',
      },
    });
    expect(again.body.oauth2).toMatchObject({ clientSecretSet: true, refreshTokenSet: true });
    const newHost = await admin()('PATCH', `/api/accounts/${id}`, { smtpHost: 'attacker.example.test' });
    expect(newHost.body.oauth2).toMatchObject({ clientSecretSet: false, refreshTokenSet: false });
  } finally {
    tokenServer.close();
  }
});

test('token URLs are the provider’s own over HTTPS (elsewhere only where the operator allow-listed them)', async () => {
  for (const tokenUrl of [
    'http://tokens.example.test/token',
    'https://tokens.example.test/token',
    'https://oauth2.googleapis.com/token',
    'https://169.254.169.254/token',
    'https://[fd00::1]/token',
    'https://login.microsoftonline.com.localhost/token',
  ]) {
    const refused = await admin()('POST', '/api/accounts', minimalAccount({ oauth2: { provider: 'microsoft', clientId: 'c', tokenUrl } }));
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].field).toBe('oauth2.tokenUrl');
  }
  const own = await admin()(
    'POST',
    '/api/accounts',
    minimalAccount({
      oauth2: { provider: 'microsoft', clientId: 'c', tokenUrl: 'https://login.microsoftonline.us/tenant/oauth2/v2.0/token' },
    }),
  );
  expect(own.status).toBe(201);
});
