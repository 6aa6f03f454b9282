/**
 * A supervisor watches the team in Chromium against the real platform: every agent with presence and pause reason,
 * changed live; offers and held interactions on the agents' rows agreeing with the tiles; the advanced search in words
 * with agents picked by name; the routing history as sentences.
 */
import type { Page } from 'playwright-core';
import { buildEmail } from '../support/mailbox';
import { createRoutedAccount, waitForOffer, type RoutedAgent } from '../support/routed-account';
import { accessibilityViolations, logIn, openPage, useBrowserPlatform } from './browser';

/** 5 s is well under the view's 10 s fallback poll: the change must come from the live events. */
async function teamRow(page: Page, name: string, cells: string[], timeoutMs = 5_000): Promise<void> {
  const row = page.getByTestId('team').locator('tbody tr', { has: page.getByRole('rowheader', { name, exact: true }) });
  const deadline = Date.now() + timeoutMs;
  let seen: string[] = [];
  while (Date.now() < deadline) {
    seen = (await row.locator('td').allTextContents()).map((text) => text.trim());
    if (cells.every((cell, index) => cell === '*' || seen[index] === cell)) return;
    await page.waitForTimeout(50);
  }
  throw new Error(`${name}'s row is ${JSON.stringify(seen)}, expected ${JSON.stringify(cells)}`);
}

async function tile(page: Page, name: string, value: string): Promise<void> {
  await page.locator(`[data-testid="realtime-${name}"] dd`, { hasText: new RegExp(`^${value}$`) }).waitFor({ timeout: 5_000 });
}

describe('the supervisor sees the team', () => {
  const started = useBrowserPlatform();

  it('a supervisor sees every agent’s presence and pause live, their offers and held interactions, searches by agent name and reads the routing history', async () => {
    const { platform, smtp, browser } = started;
    const lunch = await platform.admin.post('/api/pause-statuses', { name: `Lunch ${Date.now()}` });
    expect(lunch.status).toBe(201);
    const routed = await createRoutedAccount(platform, smtp, {
      people: [{ name: 'Alice' }, { name: 'Bob' }, { name: 'Sue', role: 'supervisor' }],
      queue: { offerTimeoutSeconds: 300 },
    });
    const [alice, bob] = routed.agents as [RoutedAgent, RoutedAgent];
    const [sue] = routed.supervisors as [RoutedAgent];

    const watch = await openPage(browser, platform.apiUrl);
    const page = watch.page;
    await logIn(page, sue.email, sue.password);
    await page.getByRole('combobox', { name: /^Account/ }).selectOption({ label: `${routed.account.key} · ${routed.account.name}` });
    await teamRow(page, 'Alice', ['Offline', '*', '0', '0']);
    await teamRow(page, 'Bob', ['Offline', '*', '0', '0']);
    expect(await page.getByTestId('team').getByRole('rowheader', { name: 'Sue' }).count()).toBe(0);
    await page.locator('.live.live').waitFor();

    // Bob goes to lunch, Alice online: the rows change live, with the reason and a fresh time in state.
    expect((await bob.client.put('/api/me/presence', { presence: 'paused', pauseStatusId: lunch.body.id })).status).toBe(200);
    expect((await alice.client.put('/api/me/presence', { presence: 'online' })).status).toBe(200);
    await teamRow(page, 'Bob', [`Paused: ${lunch.body.name}`, '*', '0', '0']);
    await teamRow(page, 'Alice', ['Online', '*', '0', '0']);
    const bobSince = await page.getByTestId('team').locator('tr', { hasText: 'Bob' }).locator('time').textContent();
    expect(bobSince).toMatch(/^\d+ s$/);

    // An email: offered to Alice (Bob is paused): the tile and Alice's row say so.
    await routed.deliver(
      buildEmail({ from: 'carla@customer.test', to: routed.account.emailAddress, subject: 'Broken kettle', text: 'It leaks.' }),
    );
    const offer = await waitForOffer(alice.client);
    await tile(page, 'offered', '1');
    await teamRow(page, 'Alice', ['Online', '*', '1', '0']);
    await teamRow(page, 'Bob', [`Paused: ${lunch.body.name}`, '*', '0', '0']);

    // Alice accepts: in progress, held by her.
    expect((await alice.client.post(`/api/offers/${offer.id}/accept`, {})).status).toBe(200);
    await tile(page, 'in-progress', '1');
    await tile(page, 'offered', '0');
    await teamRow(page, 'Alice', ['Online', '*', '0', '1']);
    expect(await accessibilityViolations(page)).toEqual([]);

    // The search builder in words: an agent picked by name, dates "is after".
    await page.getByRole('button', { name: 'Add condition' }).click();
    const field = page.getByRole('combobox', { name: 'Condition 1 field' });
    expect(await field.locator('option').allTextContents()).toEqual(expect.arrayContaining(['Agent', 'Queue', 'Created', 'Subject']));
    await field.selectOption({ label: 'Created' });
    expect(await page.getByRole('combobox', { name: 'Condition 1 operator' }).locator('option').allTextContents()).toEqual(
      expect.arrayContaining(['is after', 'is before']),
    );
    await field.selectOption({ label: 'Agent' });
    const operators = await page.getByRole('combobox', { name: 'Condition 1 operator' }).locator('option').allTextContents();
    expect(operators).toEqual(['is', 'is not', 'is one of', 'is not set']);
    await page.getByRole('combobox', { name: 'Condition 1 value' }).selectOption({ label: 'Alice' });
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const row = page.locator(`tr[data-interaction-id="${offer.interactionId}"]`);
    await row.waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);

    // The routing history as sentences, the raw event on hover.
    await row.getByRole('button', { name: 'Broken kettle' }).click();
    const spy = page.getByRole('region', { name: /^Interaction #/ });
    await spy.getByText('Routing history').click();
    const accepted = spy.locator('.events li[data-event-type="accepted"] span');
    await accepted.waitFor();
    expect(await accepted.textContent()).toMatch(/^Accepted by Alice after \d+ s$/);
    expect(await accepted.getAttribute('title')).toMatch(/^accepted /);
    expect(await spy.locator('.events li[data-event-type="offered"] span').allTextContents()).toEqual(
      expect.arrayContaining([expect.stringMatching(/^Offered to Alice in queue support-/)]),
    );
    expect(await accessibilityViolations(page)).toEqual([]);

    expect(watch.errors).toEqual([]);
    await watch.close();
  });
});
