/**
 * OAuth2 (XOAUTH2) instead of passwords, end to end: an account with Microsoft-style OAuth2 settings and no
 * password logs in to a real Dovecot that accepts only introspected access tokens, ingests and routes an email,
 * and sends the reply over SMTP with XOAUTH2. The token endpoint and the introspection endpoint are local
 * HTTP servers standing in for the provider; a revoked refresh token shows up as the mailbox's last error.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { addMailUser, startDovecot, stopDovecot, type DovecotHandle } from '../../scripts/services/dovecot';
import { waitFor } from '../../scripts/services/process-tools';
import { appendEmail, buildEmail, uniqueMailUser } from '../support/mailbox';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { acceptNextOffer, createRoutedAccount } from '../support/routed-account';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';
import { testEnvironment } from '../support/test-environment';

interface Provider {
  server: Server;
  url: string;
  /** Refresh tokens the provider honours, and the user each belongs to. */
  refreshTokens: Map<string, string>;
  issued: Map<string, string>;
  tokenRequests: URLSearchParams[];
  introspected: string[];
}

async function startProvider(): Promise<Provider> {
  const provider: Omit<Provider, 'server' | 'url'> = { refreshTokens: new Map(), issued: new Map(), tokenRequests: [], introspected: [] };
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const form = new URLSearchParams(body);
      const answer = (status: number, json: object) =>
        response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
      if (request.url === '/token') {
        provider.tokenRequests.push(form);
        const user = provider.refreshTokens.get(form.get('refresh_token') ?? '');
        if (form.get('grant_type') !== 'refresh_token' || !user)
          return answer(400, { error: 'invalid_grant', error_description: 'refresh token revoked' });
        const accessToken = `at-${provider.issued.size + 1}-${user}`;
        provider.issued.set(accessToken, user);
        return answer(200, { access_token: accessToken, token_type: 'Bearer', expires_in: 3600 });
      }
      if (request.url === '/introspect') {
        const token = form.get('token') ?? '';
        provider.introspected.push(token);
        const user = provider.issued.get(token);
        return answer(200, user ? { active: true, username: user } : { active: false });
      }
      answer(404, {});
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { ...provider, server, url };
}

describe('OAuth2 (XOAUTH2) logins to IMAP and SMTP', () => {
  let provider: Provider;
  let dovecot: DovecotHandle;
  let platform: TestPlatform;
  let smtp: SmtpSink;

  beforeAll(async () => {
    provider = await startProvider();
    dovecot = await startDovecot({
      baseDir: path.join(testEnvironment().runDir, `dovecot-oauth2-${process.pid}`),
      oauth2IntrospectionUrl: `${provider.url}/introspect`,
    });
    smtp = await startSmtpSink({ requireAuth: true });
    platform = await startTestPlatform();
  });
  afterAll(async () => {
    await platform?.close();
    await smtp?.close();
    if (dovecot) await stopDovecot(dovecot);
    await new Promise<void>((resolve) => provider?.server.close(() => resolve()));
  });

  it('ingests with an introspected access token, replies over SMTP with XOAUTH2, and reports a revoked grant', async () => {
    const user = uniqueMailUser('oauth');
    // The mailbox has a password, but the account never gets it: only the token can open it.
    await addMailUser(dovecot, { user, password: 'not-given-to-mailroute' });
    provider.refreshTokens.set('refresh-1', user);
    const oauth2 = {
      provider: 'microsoft',
      clientId: 'client-1',
      clientSecret: 'secret-1',
      refreshToken: 'refresh-1',
      tokenUrl: `${provider.url}/token`,
    };
    const routed = await createRoutedAccount(platform, smtp, {
      account: { imapPort: dovecot.port, imapUsername: user, imapPassword: undefined, smtpAuth: true, smtpUsername: user, oauth2 },
      dovecot,
    });
    const account = await platform.admin.get(`/api/accounts/${routed.account.id}`);
    expect(account.body.oauth2).toMatchObject({ provider: 'microsoft', clientId: 'client-1' });
    expect(JSON.stringify(account.body)).not.toContain('refresh-1');
    expect(JSON.stringify(account.body)).not.toContain('secret-1');

    // Delivered into the token user's mailbox (the account's watcher reads that one).
    await appendEmail(
      dovecot,
      user,
      'not-given-to-mailroute',
      buildEmail({ from: 'kim@customer.test', to: routed.account.emailAddress, subject: 'Token login', text: 'Hi' }),
    );
    const offer = await acceptNextOffer(routed.agent);
    expect(provider.tokenRequests[0]).toBeDefined();
    expect(Object.fromEntries(provider.tokenRequests[0]!)).toMatchObject({
      grant_type: 'refresh_token',
      refresh_token: 'refresh-1',
      client_id: 'client-1',
      client_secret: 'secret-1',
    });
    // Dovecot asked the provider about the very token mailroute was issued.
    expect(provider.introspected).toContain(`at-1-${user}`);

    expect((await routed.agent.post(`/api/interactions/${offer.interactionId}/reply`, { text: 'Signed in with a token.' })).status).toBe(
      200,
    );
    const [sent] = await smtp.waitForMessages(1, 15_000);
    expect(sent).toMatchObject({ authMethod: 'XOAUTH2', authUser: user });
    expect(provider.issued.get(sent!.accessToken!)).toBe(user);

    // The grant is revoked and the mailbox connection drops: the watcher cannot sign in again, and says why.
    provider.refreshTokens.clear();
    provider.issued.clear();
    await platform.db.emailAccount.update({ where: { id: routed.account.id }, data: { connectionTimeoutSeconds: 3 } });
    await stopDovecot(dovecot);
    await startDovecot({ baseDir: dovecot.baseDir, port: dovecot.port, oauth2IntrospectionUrl: `${provider.url}/introspect` });
    let body = '';
    await waitFor(
      'the mailbox state to show the failed sign-in',
      async () => {
        const state = await platform.admin.get(`/api/accounts/${routed.account.id}/mailbox-state`);
        body = JSON.stringify(state.body);
        // The access token is refused, forgotten, and the refresh is refused: the admin reads the provider's word.
        return state.status === 200 && body.includes('token endpoint answered 400: invalid_grant') && /"connected":false/.test(body);
      },
      { timeoutMs: 60_000, intervalMs: 500, explain: () => body },
    );
  });
});
