/**
 * The desk by keyboard and by address, in Chromium against the real platform: an agent handles an email from offer
 * to close without the mouse (the keystrokes are counted: the README states the number), every interaction and view
 * has an address that reloads, links and goes back and forward, and `?` lists the shortcuts.
 */
import type { Page } from 'playwright-core';
import { waitFor } from '../../scripts/services/process-tools';
import { buildEmail } from '../support/mailbox';
import { createRoutedAccount, type RoutedAgent } from '../support/routed-account';
import { accessibilityViolations, logIn, openPage, useBrowserPlatform } from './browser';

/** Presses keys, counting them (a typed text counts as one keystroke per character, reported apart). */
function keyboard(page: Page) {
  let keys = 0;
  let typed = 0;
  return {
    press: async (key: string) => {
      keys += 1;
      await page.keyboard.press(key);
    },
    type: async (text: string) => {
      typed += text.length;
      await page.keyboard.type(text);
    },
    counts: () => ({ keys, typed }),
  };
}

const focusedId = (page: Page) => page.evaluate('document.activeElement && document.activeElement.id');

/** Waits until `expression` is true in the page (read through the debugger protocol: the page's policy forbids eval). */
const until = (page: Page, expression: string) =>
  waitFor(expression, async () => Boolean(await page.evaluate(expression)), { timeoutMs: 10_000, intervalMs: 50 });

describe('web client: the desk by keyboard and by address', () => {
  const started = useBrowserPlatform();

  it('an agent handles an email from offer to close with the keyboard alone', async () => {
    const { platform, smtp, browser } = started;
    const routed = await createRoutedAccount(platform, smtp, { people: [{ name: 'Kim Agent' }], queue: { offerTimeoutSeconds: 120 } });
    const [agent] = routed.agents as [RoutedAgent];
    const { page: desk, errors } = await openPage(browser, platform.apiUrl);
    await logIn(desk, agent.email, agent.password);
    expect((await agent.client.put('/api/me/presence', { presence: 'online' })).status).toBe(200);
    await routed.deliver(
      buildEmail({ from: 'carla@customer.test', to: routed.account.emailAddress, subject: 'My order', text: 'Where is it?' }),
    );
    const offer = desk.locator('.offer', { hasText: 'My order' });
    await offer.waitFor({ timeout: 30_000 });
    // Each offer's buttons say which offer they answer.
    await offer.getByRole('button', { name: 'Accept offer from carla@customer.test: My order' }).waitFor();

    const keys = keyboard(desk);
    await keys.press('a');
    await desk.getByRole('heading', { name: 'My order' }).waitFor();
    const interaction = await platform.db.interaction.findFirstOrThrow({ where: { accountId: routed.account.id } });
    // The address names the interaction, and the focus is on its thread, not lost on the page.
    await desk.waitForURL(`**/app/desk/interactions/${interaction.id}`);
    await until(desk, `document.activeElement && document.activeElement.id === 'interaction-title'`);

    await keys.press('r');
    await until(
      desk,
      `!!document.activeElement && document.activeElement.isContentEditable && !!document.activeElement.closest('.interaction-tools')`,
    );
    await keys.type('It ships today.');
    await keys.press('Control+Enter');
    await desk.locator('.message.outbound', { hasText: 'It ships today.' }).waitFor({ timeout: 20_000 });
    await keys.press('Escape');
    expect(await focusedId(desk)).toBe('interaction-title');

    await keys.press('c');
    await until(desk, `document.activeElement && document.activeElement.getAttribute('name') === 'disposition'`);
    await keys.press('ArrowDown');
    await keys.press('Tab');
    await keys.press('Enter');
    await desk.getByText('Accept an offer or pick one of your interactions.').waitFor({ timeout: 15_000 });
    expect((await platform.db.interaction.findUniqueOrThrow({ where: { id: interaction.id } })).status).toBe('closed');
    expect(smtp.messages.some((message) => message.text?.includes('It ships today.'))).toBe(true);

    const { keys: pressed, typed } = keys.counts();
    process.stdout.write(`[keyboard] offer → accept → reply → close: ${pressed} keystrokes besides the ${typed} typed characters\n`);
    expect(pressed).toBeLessThanOrEqual(8);
    expect(errors).toEqual([]);
  });

  it('every interaction and view has an address that reloads, links, and goes back and forward', async () => {
    const { platform, smtp, browser } = started;
    const routed = await createRoutedAccount(platform, smtp, { people: [{ name: 'Lou Agent' }], queue: { offerTimeoutSeconds: 120 } });
    const [agent] = routed.agents as [RoutedAgent];
    const { page: desk } = await openPage(browser, platform.apiUrl);
    await logIn(desk, agent.email, agent.password);
    await desk.waitForURL('**/app/desk');
    expect((await agent.client.put('/api/me/presence', { presence: 'online' })).status).toBe(200);
    await routed.deliver(
      buildEmail({ from: 'dan@customer.test', to: routed.account.emailAddress, subject: 'Invoice', text: 'Copy please' }),
    );
    await desk.locator('.offer').getByRole('button', { name: 'Accept' }).click({ timeout: 30_000 });
    await desk.getByRole('heading', { name: 'Invoice' }).waitFor();
    const interaction = await platform.db.interaction.findFirstOrThrow({ where: { accountId: routed.account.id } });
    const address = `${platform.apiUrl}/app/desk/interactions/${interaction.id}`;
    expect(desk.url()).toBe(address);

    await desk.reload();
    await desk.getByRole('heading', { name: 'Invoice' }).waitFor();
    await desk.goBack();
    await desk.getByText('Accept an offer or pick one of your interactions.').waitFor();
    await desk.goForward();
    await desk.getByRole('heading', { name: 'Invoice' }).waitFor();

    // A link opened by someone signed out leads to the interaction once they sign in.
    const { page: linked } = await openPage(browser, platform.apiUrl);
    await linked.goto(address);
    await linked.getByLabel('Email').fill(agent.email);
    await linked.getByLabel('Password').fill(agent.password);
    await linked.getByRole('button', { name: 'Log in' }).click();
    await linked.getByRole('heading', { name: 'Invoice' }).waitFor();
    expect(linked.url()).toBe(address);

    // The supervisor's view of an interaction has its address too, and closing it goes back to the list's.
    const supervisor = await platform.admin.post('/api/users', {
      name: 'Sue Supervisor',
      email: `sue-${routed.account.key}@test.invalid`,
      role: 'supervisor',
      password: 'supervisor-password',
    });
    await platform.admin.put(`/api/accounts/${routed.account.id}/agents`, { agentIds: [agent.id, supervisor.body.id] });
    const { page: watch } = await openPage(browser, platform.apiUrl);
    await logIn(watch, `sue-${routed.account.key}@test.invalid`, 'supervisor-password');
    await watch.goto(`/app/supervisor/interactions/${interaction.id}`);
    await watch.getByRole('region', { name: /Invoice/ }).waitFor();
    // States in words, in the list and the view, never the server's names.
    await watch.locator('.interaction-list td', { hasText: 'With Lou Agent' }).waitFor();
    expect(await watch.getByRole('region', { name: /Invoice/ }).textContent()).toContain('With Lou Agent');
    expect(await watch.locator('.interaction-list').textContent()).not.toContain('accepted');
    await watch.getByRole('button', { name: 'Close interaction details' }).click();
    await watch.waitForURL('**/app/supervisor');
    await watch.goBack();
    await watch.getByRole('region', { name: /Invoice/ }).waitFor();

    // `?` lists the shortcuts in a dialog that Escape closes.
    await desk.locator('body').click({ position: { x: 5, y: 5 } });
    await desk.keyboard.press('?');
    const help = desk.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await help.waitFor();
    expect(await help.textContent()).toContain('Accept the first offer');
    expect(await accessibilityViolations(desk)).toEqual([]);
    await desk.keyboard.press('Escape');
    await help.waitFor({ state: 'hidden' });
  });

  it('each admin section has its own address and passes the accessibility checks', async () => {
    const { platform, browser } = started;
    const key = Date.now().toString(36);
    await platform.admin.post('/api/users', {
      name: `Ada ${key}`,
      email: `ada-${key}@test.invalid`,
      role: 'admin',
      password: 'admin-password',
    });
    const { page } = await openPage(browser, platform.apiUrl);
    await logIn(page, `ada-${key}@test.invalid`, 'admin-password');
    await page.goto('/app/admin/queues');
    await page.getByRole('tab', { name: 'Queues', selected: true }).waitFor();
    await page.getByRole('tab', { name: 'Pause statuses' }).click();
    await page.waitForURL('**/app/admin/pauses');
    await page.goBack();
    await page.getByRole('tab', { name: 'Queues', selected: true }).waitFor();

    // Every admin section, reached by its address, passes the accessibility checks.
    for (const [section, name] of [
      ['accounts', 'Accounts'],
      ['users', 'Agents'],
      ['queues', 'Queues'],
      ['pauses', 'Pause statuses'],
      ['dispositions', 'Dispositions'],
      ['canned', 'Canned answers'],
      ['plan', 'Action plan'],
    ] as const) {
      await page.goto(`/app/admin/${section}`);
      await page.getByRole('tab', { name, selected: true }).waitFor();
      await page.waitForTimeout(300);
      expect([section, await accessibilityViolations(page)]).toEqual([section, []]);
    }
  });
});
