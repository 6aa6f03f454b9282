/**
 * Outages and errors as a person at the desk meets them, in Chromium against the real platform: the server going
 * away and coming back, a reload while the API cannot be reached, a second tab, a server that falls silent, and a
 * refused form field said in plain words next to the field.
 */
import net from 'node:net';
import type { Page } from 'playwright-core';
import { buildEmail } from '../support/mailbox';
import { createRoutedAccount, type RoutedAgent } from '../support/routed-account';
import { uniqueAccountKey } from '../support/platform';
import { accessibilityViolations, logIn, openPage, useBrowserPlatform } from './browser';

/** The live stream's heartbeat here: silence for more than two of them is a lost connection. */
const HEARTBEAT_SECONDS = 1;

/** What the composer holds (a textarea's value, or a rich editor's text). */
async function composerText(page: Page): Promise<string> {
  // The editor by its name: the form's other boxes (To, Cc) show once the recipients are loaded.
  const box = page.getByRole('form', { name: 'Reply' }).getByRole('textbox', { name: /^Reply to / });
  return box.evaluate((element: any) => String(element.value ?? element.textContent ?? ''));
}

/**
 * A TCP relay between the browser and the API that can fall silent: connections stay open but nothing passes, as
 * when a server hangs or a network path dies without a reset.
 */
async function startRelay(targetPort: number) {
  let silent = false;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    client.on('data', (chunk) => !silent && upstream.write(chunk));
    upstream.on('data', (chunk) => !silent && client.write(chunk));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    silence: () => (silent = true),
    /** Talks again; the connections that fell silent are cut (the client has given up on them). */
    resume: () => {
      silent = false;
      for (const socket of sockets) socket.destroy();
    },
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('web client: outages and errors', () => {
  const started = useBrowserPlatform({ liveHeartbeatSeconds: HEARTBEAT_SECONDS });

  it('the server stops and comes back: the agent stays logged in, sees Reconnecting…, the live indicator says so, the text they typed is kept, a reload during the outage does not log them out', async () => {
    const { platform, smtp, browser } = started;
    const routed = await createRoutedAccount(platform, smtp, { people: [{ name: 'Olga Agent' }], queue: { offerTimeoutSeconds: 120 } });
    const [agent] = routed.agents as [RoutedAgent];
    const { page: desk, errors, close } = await openPage(browser, platform.apiUrl);
    await logIn(desk, agent.email, agent.password);
    await desk.getByRole('button', { name: 'Go online' }).click();
    await desk.locator('.live.live').waitFor();
    await routed.deliver(buildEmail({ from: 'nora@customer.test', to: routed.account.emailAddress, subject: 'Refund?', text: 'Hi' }));
    await desk
      .locator('.offer')
      .getByRole('button', { name: /Accept/ })
      .first()
      .click({ timeout: 30_000 });
    const reply = desk.getByRole('form', { name: 'Reply' });
    const typed = 'Dear Nora, your refund is on its way';
    await reply.getByRole('textbox', { name: /^Reply to / }).fill(typed);
    const banner = desk.getByRole('status').filter({ hasText: 'Reconnecting…' });
    expect(await banner.count()).toBe(0);
    expect(await accessibilityViolations(desk)).toEqual([]);

    await platform.stopApi!();
    await banner.waitFor({ timeout: 10_000 });
    await desk.locator('.live.reconnecting').waitFor();
    expect(await desk.getByRole('status', { name: 'Live events: reconnecting' }).textContent()).toContain('reconnecting');
    expect(await desk.getByRole('button', { name: 'Log out' }).count()).toBe(1);
    expect(await composerText(desk)).toBe(typed);
    expect(await accessibilityViolations(desk)).toEqual([]);

    await platform.startApi!();
    await desk.locator('.live.live').waitFor({ timeout: 15_000 });
    await banner.waitFor({ state: 'detached' });
    expect(await desk.getByRole('button', { name: 'Log out' }).count()).toBe(1);
    expect(await composerText(desk)).toBe(typed);

    // A reload while the API cannot be reached (the page itself loads, as from a proxy or a cache): not a logout.
    await desk.route('**/api/**', (route) => route.abort('connectionrefused'));
    await desk.reload();
    await banner.waitFor({ timeout: 10_000 });
    expect(await desk.getByRole('button', { name: 'Log in' }).count()).toBe(0);
    expect(await accessibilityViolations(desk)).toEqual([]);
    await desk.unroute('**/api/**');
    await desk.getByRole('button', { name: 'Log out' }).waitFor({ timeout: 15_000 });
    await desk.locator('.live.live').waitFor({ timeout: 15_000 });
    await banner.waitFor({ state: 'detached' });
    expect(await accessibilityViolations(desk)).toEqual([]);
    expect(errors).toEqual([]);
    await close();
  });

  it('a new tab is logged in, the session is a cookie page scripts cannot read, and logging out ends it everywhere', async () => {
    const { platform, smtp, browser } = started;
    const routed = await createRoutedAccount(platform, smtp, { people: [{ name: 'Tomas Agent' }] });
    const [agent] = routed.agents as [RoutedAgent];
    const { page: first, errors, close } = await openPage(browser, platform.apiUrl);
    await logIn(first, agent.email, agent.password);

    const second = await first.context().newPage();
    await second.goto('/app/');
    await second.getByRole('button', { name: 'Log out' }).waitFor();
    expect(await second.getByText('Tomas Agent (agent)').count()).toBe(1);
    expect(await accessibilityViolations(second)).toEqual([]);
    const [cookie] = await first.context().cookies();
    expect(cookie).toMatchObject({ name: 'mailroute_session', httpOnly: true, sameSite: 'Strict', path: '/api' });
    expect(await first.evaluate('document.cookie')).toBe('');
    expect(await first.evaluate('JSON.stringify(sessionStorage) + JSON.stringify(localStorage)')).not.toContain(cookie!.value);

    await second.getByRole('button', { name: 'Log out' }).click();
    await second.getByRole('button', { name: 'Log in' }).waitFor();
    expect(await accessibilityViolations(second)).toEqual([]);
    await first.reload();
    await first.getByRole('button', { name: 'Log in' }).waitFor();
    // The token itself is revoked, not only forgotten by the browser.
    const replay = await fetch(`${platform.apiUrl}/api/me`, { headers: { cookie: `mailroute_session=${cookie!.value}` } });
    expect(replay.status).toBe(401);
    expect(errors).toEqual([]);
    await close();
  });

  it('a server that falls silent without closing the connection is noticed after two missed heartbeats', async () => {
    const { platform, smtp, browser } = started;
    const routed = await createRoutedAccount(platform, smtp, { people: [{ name: 'Hana Agent' }] });
    const [agent] = routed.agents as [RoutedAgent];
    const relay = await startRelay(Number(new URL(platform.apiUrl).port));
    const { page: desk, errors, close } = await openPage(browser, relay.url);
    try {
      await logIn(desk, agent.email, agent.password);
      await desk.locator('.live.live').waitFor();
      relay.silence();
      const silencedAt = Date.now();
      await desk.locator('.live.reconnecting').waitFor({ timeout: 10_000 });
      expect(Date.now() - silencedAt).toBeGreaterThanOrEqual(2 * HEARTBEAT_SECONDS * 1000 - 500);
      await desk.getByRole('status').filter({ hasText: 'Reconnecting…' }).waitFor();
      expect(await accessibilityViolations(desk)).toEqual([]);
      relay.resume();
      await desk.locator('.live.live').waitFor({ timeout: 15_000 });
      expect(errors).toEqual([]);
    } finally {
      await close();
      await relay.close();
    }
  });

  it("a bad port in the account form says 'The port must be a number from 1 to 65535' next to the port field", async () => {
    const { platform, browser } = started;
    const key = uniqueAccountKey();
    const admin = await platform.admin.post('/api/users', {
      name: `Ines ${key}`,
      email: `ines-${key}@test.invalid`,
      role: 'admin',
      password: 'admin-password',
    });
    expect(admin.status).toBe(201);
    const { page, errors, close } = await openPage(browser, platform.apiUrl);
    await logIn(page, `ines-${key}@test.invalid`, 'admin-password');
    await page.getByRole('link', { name: 'Admin' }).click();
    await page.getByRole('button', { name: 'New account' }).click();
    const form = page.getByRole('form', { name: 'New account' });
    await form.getByLabel('Name *').fill(`Billing ${key}`);
    await form.getByLabel('Key (1–5 letters or digits) *').fill(key);
    await form.getByLabel('Email address *').fill(`billing-${key.toLowerCase()}@example.test`);
    await form.getByLabel('SMTP port').fill('70000');
    await form.getByRole('button', { name: 'Create account' }).click();
    const problem = form.locator('#field-New-account-smtpPort-error');
    await problem.waitFor();
    expect(await problem.textContent()).toBe('The port must be a number from 1 to 65535.');
    expect((await form.getByLabel('SMTP port').getAttribute('aria-describedby'))?.split(' ')).toContain('field-New-account-smtpPort-error');
    expect(await page.getByText(/Too big|expected number/).count()).toBe(0);
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await close();
  });

  it('a session check the server never answers is asked again: the page does not stay blank', async () => {
    const { platform, browser } = started;
    const { page, errors, close } = await openPage(browser, platform.apiUrl);
    let held = 0;
    // The first check hangs as on a stalled connection: no answer, no error.
    await page.route('**/api/me', async (route) => {
      if (held++ === 0) return;
      await route.continue();
    });
    const opened = Date.now();
    await page.goto('/app/');
    await page.getByLabel('Email').waitFor({ timeout: 20_000 });
    expect(held).toBeGreaterThanOrEqual(2);
    expect(Date.now() - opened).toBeGreaterThanOrEqual(7_000);
    expect(errors).toEqual([]);
    await close();
  });
});
