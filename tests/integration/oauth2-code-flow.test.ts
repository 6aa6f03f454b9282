/**
 * Signing an account in at its OAuth2 provider (authorization code with PKCE), driven over HTTP as a browser would
 * follow the redirects: a local authorization server stands in for Microsoft, a Dovecot accepts only the access
 * tokens it introspects there. The refresh token the sign-in stores opens the mailbox for the account's watcher;
 * a wrong, reused or expired state, a refused consent and a code verifier that does not match store nothing.
 */
import path from 'node:path';
import { startDovecot, stopDovecot, type DovecotHandle } from '../../scripts/services/dovecot';
import { createWatchedAccount, type WatchedAccount } from '../support/ingestion';
import { startAuthorizationServer, type AuthorizationServer } from '../support/oauth2-authorization-server';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { testEnvironment } from '../support/test-environment';

interface Outcome {
  /** The account page the admin is returned to, and what it is told. */
  page: URL;
  oauth2: string | null;
  detail: string | null;
}

describe('OAuth2 sign-in with the authorization-code flow and PKCE', () => {
  let provider: AuthorizationServer;
  let dovecot: DovecotHandle;
  let platform: TestPlatform;

  beforeAll(async () => {
    provider = await startAuthorizationServer({ clientId: 'mailroute-app', clientSecret: 'app-secret' });
    dovecot = await startDovecot({
      baseDir: path.join(testEnvironment().runDir, `dovecot-oauth2-flow-${process.pid}`),
      oauth2IntrospectionUrl: provider.introspectionUrl,
    });
    platform = await startTestPlatform();
    provider.client.redirectUri = (await platform.admin.get('/api/oauth2/settings')).body.redirectUri;
  });
  afterAll(async () => {
    await platform?.close();
    if (dovecot) await stopDovecot(dovecot);
    await provider?.close();
  });

  /** An account that signs in at the local provider; the mailbox's password is never given to mailroute. */
  async function oauth2Account(): Promise<WatchedAccount> {
    const account = await createWatchedAccount(
      platform,
      {
        imapPassword: undefined,
        oauth2: {
          provider: 'microsoft',
          clientId: 'mailroute-app',
          clientSecret: 'app-secret',
          tenantId: 'contoso',
          authorizationUrl: provider.authorizeUrl,
          tokenUrl: provider.tokenUrl,
        },
      },
      { activate: false, dovecot },
    );
    provider.signIn = { user: account.mailUser.user, consent: 'grant' };
    return account;
  }

  /** Starts a sign-in as the admin: the provider's address and the browser's cookie. */
  async function start(accountId: number): Promise<{ authorizationUrl: URL; cookie: string }> {
    const response = await fetch(`${platform.apiUrl}/api/accounts/${accountId}/oauth2/authorize`, {
      method: 'POST',
      headers: { authorization: `Bearer ${platform.adminToken}` },
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { authorizationUrl: string };
    const cookie = response.headers.getSetCookie().find((value) => value.startsWith('mailroute_oauth2='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    return { authorizationUrl: new URL(body.authorizationUrl), cookie: cookie.split(';')[0]! };
  }

  /** The provider's page, then its redirect to our callback: where the callback sends the admin. */
  async function visit(authorizationUrl: URL, cookie: string | undefined): Promise<{ callback: URL; outcome: Outcome }> {
    const atProvider = await fetch(authorizationUrl, { redirect: 'manual' });
    expect(atProvider.status).toBe(302);
    const callback = new URL(atProvider.headers.get('location')!);
    return { callback, outcome: await callBack(callback, cookie) };
  }

  async function callBack(callback: URL, cookie: string | undefined): Promise<Outcome> {
    const answer = await fetch(callback, { redirect: 'manual', headers: cookie ? { cookie } : {} });
    expect(answer.status).toBe(303);
    const page = new URL(answer.headers.get('location')!);
    return { page, oauth2: page.searchParams.get('oauth2'), detail: page.searchParams.get('detail') };
  }

  async function storedOAuth2(accountId: number) {
    const account = await platform.admin.get(`/api/accounts/${accountId}`);
    return account.body.oauth2 as { refreshTokenSet: boolean; clientSecretSet: boolean; signedInAs?: string };
  }

  it('signs in at the provider, stores the refresh token sealed, and the watcher reads the mailbox with it', async () => {
    const account = await oauth2Account();
    const { authorizationUrl, cookie } = await start(account.id);
    // Microsoft's endpoint would be the tenant's; the account points it at the local server.
    expect(`${authorizationUrl.origin}${authorizationUrl.pathname}`).toBe(provider.authorizeUrl);
    expect(Object.fromEntries(authorizationUrl.searchParams)).toMatchObject({
      client_id: 'mailroute-app',
      response_type: 'code',
      redirect_uri: `${platform.apiUrl}/api/oauth2/callback`,
      code_challenge_method: 'S256',
      scope: 'https://outlook.office.com/IMAP.AccessAsUser.All https://outlook.office.com/SMTP.Send offline_access openid email',
    });
    // The verifier stays on the server: the browser sees only its challenge.
    expect(authorizationUrl.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);

    const { callback, outcome } = await visit(authorizationUrl, cookie);
    expect(outcome).toMatchObject({ oauth2: 'signed-in', detail: null });
    expect(outcome.page.pathname).toBe('/app/admin/accounts');
    expect(outcome.page.searchParams.get('account')).toBe(String(account.id));

    const [exchange] = provider.tokenRequests.filter((form) => form.get('grant_type') === 'authorization_code');
    expect(Object.fromEntries(exchange!)).toMatchObject({
      client_id: 'mailroute-app',
      client_secret: 'app-secret',
      redirect_uri: `${platform.apiUrl}/api/oauth2/callback`,
    });
    expect(exchange!.get('code_verifier')).toMatch(/^[\w-]{43,128}$/);
    const refreshToken = [...provider.refreshTokens.keys()][0]!;
    expect(await storedOAuth2(account.id)).toMatchObject({
      refreshTokenSet: true,
      clientSecretSet: true,
      signedInAs: account.mailUser.user,
    });
    const row = await platform.db.emailAccount.findUniqueOrThrow({ where: { id: account.id } });
    expect(row.oauth2SecretEnc).not.toContain(refreshToken);
    expect(JSON.stringify((await platform.admin.get(`/api/accounts/${account.id}`)).body)).not.toContain(refreshToken);

    // The same redirect again (a reload, a replay): refused, and nothing changes.
    const sealedBefore = row.oauth2SecretEnc;
    expect(await callBack(callback, cookie)).toMatchObject({ oauth2: 'state-used' });
    expect((await platform.db.emailAccount.findUniqueOrThrow({ where: { id: account.id } })).oauth2SecretEnc).toBe(sealedBefore);

    // Activated, the watcher logs in by XOAUTH2 with an access token from the stored refresh token.
    expect((await platform.admin.patch(`/api/accounts/${account.id}`, { active: true })).status).toBe(200);
    await account.append(account.email({ subject: 'Signed in with Microsoft' }));
    await account.waitForInbound(1, 60_000);
    expect((await account.inboundMessages())[0]).toMatchObject({ subject: 'Signed in with Microsoft' });
    expect(provider.tokenRequests.some((form) => form.get('refresh_token') === refreshToken)).toBe(true);
  });

  it('refuses a wrong state, another browser, an expired state, a refused consent and a verifier mismatch, storing nothing', async () => {
    const account = await oauth2Account();
    const nothingStored = async () => {
      expect(await storedOAuth2(account.id)).toMatchObject({ refreshTokenSet: false });
      expect((await storedOAuth2(account.id)).signedInAs).toBeUndefined();
    };
    const exchanges = () => provider.tokenRequests.filter((form) => form.get('grant_type') === 'authorization_code').length;

    // A state the platform never issued (a forged or mistyped callback).
    const first = await start(account.id);
    const atProvider = await fetch(first.authorizationUrl, { redirect: 'manual' });
    const forged = new URL(atProvider.headers.get('location')!);
    forged.searchParams.set('state', 'not-a-state-we-issued');
    const before = exchanges();
    expect(await callBack(forged, first.cookie)).toMatchObject({ oauth2: 'state-mismatch' });
    expect((await callBack(forged, first.cookie)).page.searchParams.get('account')).toBe(String(account.id));
    // The real state, but from a browser that did not start the sign-in.
    const second = await start(account.id);
    expect((await visit(second.authorizationUrl, undefined)).outcome).toMatchObject({ oauth2: 'state-mismatch' });
    expect(await visit(second.authorizationUrl, 'mailroute_oauth2=someone-elses-browser-nonce-0000000000000000')).toMatchObject({
      outcome: { oauth2: 'state-mismatch' },
    });
    expect(exchanges()).toBe(before);
    await nothingStored();

    // Ten minutes went by at the provider.
    const late = await start(account.id);
    await platform.db.oAuth2Authorization.updateMany({
      where: { accountId: account.id, usedAt: null },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    expect((await visit(late.authorizationUrl, late.cookie)).outcome).toMatchObject({ oauth2: 'state-expired' });

    // The admin refuses consent at the provider.
    provider.signIn = { ...provider.signIn, consent: 'deny' };
    const denied = await start(account.id);
    expect((await visit(denied.authorizationUrl, denied.cookie)).outcome).toMatchObject({ oauth2: 'denied', detail: 'access_denied' });
    provider.signIn = { ...provider.signIn, consent: 'grant' };
    expect(exchanges()).toBe(before);
    await nothingStored();

    // The challenge the provider sees is not the verifier's (a code injected from another flow): the provider
    // refuses the exchange and the admin reads why.
    const swapped = await start(account.id);
    swapped.authorizationUrl.searchParams.set('code_challenge', 'A'.repeat(43));
    expect((await visit(swapped.authorizationUrl, swapped.cookie)).outcome).toMatchObject({
      oauth2: 'token-error',
      detail: 'invalid_grant',
    });
    expect(exchanges()).toBe(before + 1);
    await nothingStored();
  });

  it('answers a sign-in of an account without OAuth2 settings with what to save first', async () => {
    const plain = await createWatchedAccount(platform, {}, { activate: false, dovecot });
    const answer = await platform.admin.post(`/api/accounts/${plain.id}/oauth2/authorize`, {});
    expect(answer.status).toBe(409);
    expect(answer.body.detail).toBe('the account has no OAuth2 settings: save its provider and client ID first');
  });
});
