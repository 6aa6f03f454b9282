/**
 * Settings that were REST-only, in Chromium against the real API: the disposition pause status and the assistant
 * (with an explicit off) on the account form, the login mail frequency, queue members' priority and weight; an
 * interaction's tags and priority on the desk and in the supervisor's view, the tags filter, "Delete all conditions"
 * and deleting one interaction from its view after a confirmation.
 */
import type { Page } from 'playwright-core';
import { waitFor } from '../../scripts/services/process-tools';
import { uniqueAccountKey, type TestPlatform } from '../support/platform';
import { accessibilityViolations, logIn, openPage, useBrowserPlatform } from './browser';

const PASSWORD = 'a-long-password';

/** An account with an admin, a supervisor and an agent added to it, each able to log in. */
async function team(platform: TestPlatform) {
  const key = uniqueAccountKey();
  const person = async (name: string, role: string) => {
    const created = await platform.admin.post('/api/users', {
      name,
      email: `${name.toLowerCase()}-${key}@test.invalid`,
      role,
      password: PASSWORD,
    });
    expect(created.status).toBe(201);
    return { id: created.body.id as number, email: `${name.toLowerCase()}-${key}@test.invalid` };
  };
  const admin = await person('Ada', 'admin');
  const supervisor = await person('Sue', 'supervisor');
  const agent = await person('Alice', 'agent');
  const account = await platform.admin.post('/api/accounts', {
    name: `Care ${key}`,
    key,
    emailAddress: `care-${key.toLowerCase()}@example.test`,
  });
  expect(account.status).toBe(201);
  await platform.admin.put(`/api/accounts/${account.body.id}/agents`, { agentIds: [supervisor.id, agent.id] });
  return { key, accountId: account.body.id as number, admin, supervisor, agent };
}

/** The supervisor list comes to show exactly these subjects (within 5 s). */
async function expectSubjects(page: Page, expected: string[]): Promise<void> {
  const cells = page.locator('.interaction-list tbody tr[data-interaction-id] td:nth-child(3)');
  let shown: string[] = [];
  for (let waited = 0; waited < 5_000; waited += 100) {
    shown = (await cells.allTextContents()).sort();
    if (JSON.stringify(shown) === JSON.stringify(expected)) break;
    await page.waitForTimeout(100);
  }
  expect(shown).toEqual(expected);
}

describe('web client: settings and interaction labels that were REST-only', () => {
  const started = useBrowserPlatform({ worker: false });

  it('an admin sets the pause while disposing, turns the assistant off, the login mail frequency and queue weights', async () => {
    const { platform, browser } = started;
    const { key, accountId, admin, agent } = await team(platform);
    const pause = await platform.admin.post('/api/pause-statuses', { name: `Wrap-up ${key}` });
    const queue = await platform.admin.post('/api/queues', { name: `first-line-${key}` });
    await platform.admin.put(`/api/queues/${queue.body.id}/members`, { members: [{ agentId: agent.id, priority: 2, weight: 7 }] });
    const { page, errors, close } = await openPage(browser, platform.apiUrl);
    await logIn(page, admin.email, PASSWORD);

    await page.goto('/app/admin/accounts');
    await page.getByRole('button', { name: `Edit ${key}` }).click();
    const form = page.getByRole('form', { name: `Account ${key}` });
    await form.getByLabel('Mandatory disposition').check();
    await form.getByLabel('Pause while disposing').selectOption({ label: `Wrap-up ${key}` });
    expect(await form.getByLabel('Assistant').inputValue()).toBe('');
    await form.getByLabel('Assistant').selectOption({ label: 'Off' });
    await form.getByRole('button', { name: 'Save account' }).click();
    await form.getByText('Saved.').waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(await platform.db.emailAccount.findUniqueOrThrow({ where: { id: accountId } })).toMatchObject({
      mandatoryDisposition: true,
      dispositionPauseStatusId: pause.body.id,
      assistant: 'off',
    });
    // Off means off: the desk is suggested nothing for this account's interactions.
    const interaction = await platform.db.interaction.create({ data: { accountId, subject: 'Help', customerEmail: 'c@customer.test' } });
    const suggestions = await platform.admin.get(`/api/interactions/${interaction.id}/suggestions`);
    expect(suggestions.body).toEqual({ assistant: 'off', suggestions: [] });

    // A platform-wide setting other tests read: set to the polling test's own value (2 s), then put back as it was.
    const before = (await platform.admin.get('/api/settings')).body.loginMailFrequencySeconds as number;
    await page.getByRole('tab', { name: 'Settings' }).click();
    const settings = page.getByRole('form', { name: 'Reading mail' });
    const frequency = settings.getByLabel('Login mail frequency (s)');
    await waitFor('the settings to load', async () => (await frequency.inputValue()) === String(before), { timeoutMs: 10_000 });
    await frequency.fill('2');
    await settings.getByRole('button', { name: 'Save settings' }).click();
    await settings.getByText('Saved.').waitFor();
    const saved = (await platform.admin.get('/api/settings')).body.loginMailFrequencySeconds;
    await platform.admin.patch('/api/settings', { loginMailFrequencySeconds: before });
    expect(saved).toBe(2);
    expect(await accessibilityViolations(page)).toEqual([]);

    // Queue members: priority and weight, both kept when saved (the weight used to be reset to 0).
    await page.getByRole('tab', { name: 'Queues' }).click();
    await page.getByRole('button', { name: `Edit first-line-${key}` }).click();
    const members = page.getByRole('form', { name: 'Queue members' });
    expect(await members.getByLabel('Weight of Alice').inputValue()).toBe('7');
    expect(await members.getByLabel('Priority of Alice').inputValue()).toBe('2');
    await members.getByLabel('Weight of Alice').fill('9');
    await members.getByRole('button', { name: 'Save members' }).click();
    await members.getByText('Saved.').waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    expect((await platform.admin.get(`/api/queues/${queue.body.id}/members`)).body.members).toEqual([
      { agentId: agent.id, priority: 2, weight: 9 },
    ]);
    expect(errors).toEqual([]);
    await close();
  });

  it('an agent tags an interaction and raises its priority; the supervisor filters by tag, clears the search, and deletes one', async () => {
    const { platform, browser } = started;
    const { key, accountId, supervisor, agent } = await team(platform);
    const refund = await platform.db.interaction.create({
      data: { accountId, subject: 'Refund please', customerEmail: 'r@customer.test', agentId: agent.id, routingState: 'accepted' },
    });
    await platform.db.interaction.create({ data: { accountId, subject: 'Invoice missing', customerEmail: 'i@customer.test' } });

    const desk = await openPage(browser, platform.apiUrl);
    await logIn(desk.page, agent.email, PASSWORD);
    await desk.page.goto(`/app/desk/interactions/${refund.id}`);
    const labels = desk.page.getByRole('region', { name: 'Tags and priority' });
    await labels.getByLabel('New tag').fill('vip');
    await labels.getByRole('button', { name: 'Add tag' }).click();
    await labels.getByLabel('New tag').fill('refund');
    await labels.getByLabel('New tag').press('Enter');
    await labels.getByRole('list', { name: 'Tags' }).getByText('refund').waitFor();
    await labels.getByLabel('Priority', { exact: true }).fill('80');
    await labels.getByRole('button', { name: 'Set priority' }).click();
    await labels.getByText('Priority set to 80.').waitFor();
    expect(await accessibilityViolations(desk.page)).toEqual([]);
    expect(await platform.db.interaction.findUniqueOrThrow({ where: { id: refund.id } })).toMatchObject({
      tags: ['vip', 'refund'],
      priority: 80,
    });
    expect(desk.errors).toEqual([]);
    await desk.close();

    const { page, errors, close } = await openPage(browser, platform.apiUrl);
    await logIn(page, supervisor.email, PASSWORD);
    await page.getByRole('combobox', { name: /^Account/ }).selectOption({ label: `${key} · Care ${key}` });
    await expectSubjects(page, ['Invoice missing', 'Refund please']);
    const search = page.getByRole('button', { name: 'Search', exact: true });
    await page.getByRole('textbox', { name: 'Tags' }).fill('vip, refund');
    await search.click();
    await expectSubjects(page, ['Refund please']);
    await page.getByRole('textbox', { name: 'Tags' }).fill('');

    // Two conditions, then all of them gone with one button.
    await page.getByRole('button', { name: 'Add condition' }).click();
    await page.getByRole('textbox', { name: 'Condition 1 value' }).fill('nothing like this');
    await page.getByRole('button', { name: 'Add condition' }).click();
    await search.click();
    await expectSubjects(page, []);
    await page.getByRole('button', { name: 'Delete all conditions' }).click();
    expect(await page.locator('[data-condition]').count()).toBe(0);
    await search.click();
    await expectSubjects(page, ['Invoice missing', 'Refund please']);

    // The supervisor's view of the interaction: the agent's tags, one removed; then deleted after a confirmation.
    await page.getByRole('button', { name: 'Refund please' }).click();
    const view = page.getByRole('region', { name: /^Interaction #/ });
    const viewLabels = view.getByRole('region', { name: 'Tags and priority' });
    await viewLabels.getByRole('button', { name: 'Remove tag vip' }).click();
    await page.locator(`tr[data-interaction-id="${refund.id}"] .tags-cell`, { hasText: /^refund$/ }).waitFor();
    // Who changed what is on the interaction's history.
    await view.getByText(/^Routing history/).click();
    for (const said of [
      'Alice set the tags to vip',
      'Alice set the tags to vip, refund',
      'Alice set the priority to 80',
      'Sue set the tags to refund',
    ])
      await view.locator('.events li').getByText(said, { exact: true }).waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    await view.getByRole('button', { name: 'Delete interaction' }).click();
    const question = page.getByRole('alertdialog');
    await question.getByText(`Delete interaction #${refund.id} permanently`).waitFor();
    expect(await page.evaluate('document.activeElement.textContent')).toBe('Cancel');
    expect(await accessibilityViolations(page)).toEqual([]);
    await question.getByRole('button', { name: 'Cancel' }).click();
    expect(await platform.db.interaction.count({ where: { id: refund.id } })).toBe(1);
    await view.getByRole('button', { name: 'Delete interaction' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Delete permanently' }).click();
    await page.getByText(`Deleted interaction #${refund.id}.`).waitFor();
    await expectSubjects(page, ['Invoice missing']);
    expect(await platform.db.interaction.count({ where: { id: refund.id } })).toBe(0);
    expect(new URL(page.url()).pathname).toBe('/app/supervisor');
    expect(errors).toEqual([]);
    await close();
  });
});
