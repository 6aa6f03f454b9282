/**
 * Signing an account in at its OAuth2 provider from the account page, in Chromium: the admin reads the redirect
 * URI to register, clicks "Sign in with Microsoft", the local authorization server consents at once and sends the
 * browser back, and the account page says who signed in.
 */
import { startAuthorizationServer, type AuthorizationServer } from '../support/oauth2-authorization-server';
import { uniqueAccountKey } from '../support/platform';
import { accessibilityViolations, logIn, openPage, useBrowserPlatform } from './browser';

describe('web client: signing an account in with OAuth2', () => {
  const started = useBrowserPlatform({ worker: false });
  let provider: AuthorizationServer;
  beforeAll(async () => {
    provider = await startAuthorizationServer({ clientId: 'browser-app' });
  });
  afterAll(async () => {
    await provider?.close();
  });

  it('an admin signs the account in with Microsoft and the account page shows who signed in', async () => {
    const { platform, browser } = started;
    const key = uniqueAccountKey();
    const signedInAs = `mailbox-${key.toLowerCase()}@contoso.test`;
    provider.client.redirectUri = `${platform.apiUrl}/api/oauth2/callback`;
    provider.signIn = { user: signedInAs, consent: 'grant' };
    expect(
      (
        await platform.admin.post('/api/users', {
          name: `Olga ${key}`,
          email: `olga-${key}@test.invalid`,
          role: 'admin',
          password: 'admin-password',
        })
      ).status,
    ).toBe(201);
    const account = await platform.admin.post('/api/accounts', {
      name: `Contoso ${key}`,
      key,
      emailAddress: signedInAs,
      imapHost: '127.0.0.1',
      imapUsername: signedInAs,
      oauth2: { provider: 'microsoft', clientId: 'browser-app', authorizationUrl: provider.authorizeUrl, tokenUrl: provider.tokenUrl },
    });
    expect(account.status).toBe(201);

    const { page, errors, close } = await openPage(browser, platform.apiUrl);
    await logIn(page, `olga-${key}@test.invalid`, 'admin-password');
    await page.goto('/app/admin/accounts');
    await page.getByRole('button', { name: `Edit ${key}` }).click();
    const section = page.getByRole('region', { name: `OAuth2 sign-in of ${key}` });
    await section.getByText('Not signed in yet.').waitFor();
    // What to register at the provider is on the page.
    await section.getByText(`${platform.apiUrl}/api/oauth2/callback`).waitFor();
    expect(await section.getByLabel('Client ID').inputValue()).toBe('browser-app');
    expect(await accessibilityViolations(page)).toEqual([]);

    await section.getByRole('button', { name: 'Sign in with Microsoft' }).click();
    // At the provider and back: the account's form is open again, and says who signed in.
    await page.waitForURL(/\/app\/admin\/accounts$/, { timeout: 30_000 });
    const back = page.getByRole('region', { name: `OAuth2 sign-in of ${key}` });
    await back.getByText(`Signed in as ${signedInAs}.`).waitFor({ timeout: 30_000 });
    await back.getByText('Signed in: the account now reads and sends mail with this sign-in.').waitFor();
    expect(provider.authorizeRequests).toHaveLength(1);
    expect(provider.authorizeRequests[0]!.get('login_hint')).toBe(signedInAs);
    expect((await platform.admin.get(`/api/accounts/${account.body.id}`)).body.oauth2).toMatchObject({ refreshTokenSet: true, signedInAs });
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await close();
  });
});
