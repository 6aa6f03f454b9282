/**
 * The admin pages in Chromium against the real API: an account created through the form passes Verify SMTP
 * against a real SMTP server, and the action plan editor shows the API's validation messages on the steps
 * before publishing a valid version.
 */
import type { Browser } from 'playwright-core';
import { startTestPlatform, uniqueAccountKey, type TestPlatform } from '../support/platform';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';
import { ensureWebBuild, launchChromium, logIn, openPage, unnamedControls } from './browser';

describe('web client: admin pages in Chromium against the real API', () => {
  let platform: TestPlatform;
  let smtp: SmtpSink;
  let browser: Browser;

  beforeAll(async () => {
    ensureWebBuild();
    [smtp, platform, browser] = await Promise.all([startSmtpSink(), startTestPlatform({ worker: false }), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await platform?.close();
    await smtp?.close();
  });

  it('creates an account through the form, verifies its SMTP, and edits memberships', async () => {
    const key = uniqueAccountKey();
    const admin = await platform.admin.post('/api/users', {
      name: 'Ada Admin',
      email: `ada-${key}@test.invalid`,
      role: 'admin',
      password: 'admin-password',
    });
    const agent = await platform.admin.post('/api/users', { name: `Agent ${key}`, email: `agent-${key}@test.invalid`, role: 'agent' });
    expect([admin.status, agent.status]).toEqual([201, 201]);
    const { page, errors, close } = await openPage(browser, platform.apiUrl);
    await logIn(page, `ada-${key}@test.invalid`, 'admin-password');
    await page.getByRole('link', { name: 'Admin' }).click();

    await page.getByRole('button', { name: 'New account' }).click();
    const form = page.getByRole('form', { name: 'New account' });
    await form.getByLabel('Name *').fill(`Sales ${key}`);
    await form.getByLabel('Key (1–5 letters or digits) *').fill(key);
    // A wrong address first: the API's message appears next to the field.
    await form.getByLabel('Email address *').fill(`sales-${key.toLowerCase()}@example.test`);
    await form.getByLabel('SMTP host').fill('127.0.0.1');
    await form.getByLabel('SMTP port').fill('70000');
    await form.getByLabel('SMTP over TLS').uncheck();
    await form.getByLabel('SMTP login').uncheck();
    await form.getByRole('button', { name: 'Create account' }).click();
    await form.locator('#field-New-account-smtpPort-error').waitFor();
    expect(await form.getByLabel('SMTP port').getAttribute('aria-invalid')).toBe('true');
    await form.getByLabel('SMTP port').fill(String(smtp.port));
    await form.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: `Edit ${key} · Sales ${key}` }).waitFor();
    const created = await platform.db.emailAccount.findUniqueOrThrow({ where: { key } });
    expect(created).toMatchObject({ smtpHost: '127.0.0.1', smtpPort: smtp.port, smtpSecure: false, smtpAuth: false, imapPort: 993 });

    await page.getByRole('button', { name: `Verify SMTP of ${key}` }).click();
    await page.getByText(`SMTP OK: 127.0.0.1:${smtp.port}`).waitFor();
    expect(await unnamedControls(page)).toEqual([]);

    const memberships = page.getByRole('form', { name: 'Memberships' });
    await memberships.getByLabel(`Agent ${key}`).check();
    await memberships.getByRole('button', { name: 'Save memberships' }).click();
    await memberships.getByText('Saved.').waitFor();
    expect(await platform.db.accountAgent.findMany({ where: { accountId: created.id } })).toEqual([
      expect.objectContaining({ userId: agent.body.id }),
    ]);
    expect(errors).toEqual([]);
    await close();
  });

  it('shows the API validation messages on the action plan steps, then publishes a valid version', async () => {
    const key = uniqueAccountKey();
    await platform.admin.post('/api/users', {
      name: 'Ada Admin',
      email: `ada-${key}@test.invalid`,
      role: 'admin',
      password: 'admin-password',
    });
    const account = await platform.admin.post('/api/accounts', {
      name: `Plan ${key}`,
      key,
      emailAddress: `plan-${key.toLowerCase()}@example.test`,
    });
    const queue = await platform.admin.post('/api/queues', { name: `first-line-${key}` });
    await platform.admin.put(`/api/accounts/${account.body.id}/queues`, { queueIds: [queue.body.id] });

    const { page, errors, close } = await openPage(browser, platform.apiUrl);
    await logIn(page, `ada-${key}@test.invalid`, 'admin-password');
    // By keyboard: into the admin sections, End to the last tab, Enter to open it.
    await page.getByRole('link', { name: 'Admin' }).click();
    await page.getByRole('tab', { name: 'Accounts' }).focus();
    await page.keyboard.press('ArrowDown');
    expect(await page.evaluate('document.activeElement.textContent')).toBe('Agents');
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Action plan' }).waitFor();
    await page.getByRole('combobox', { name: /^Account/ }).selectOption({ label: `${key} · Plan ${key}` });
    await page.getByText('No plan published yet.').waitFor();

    const steps = page.getByRole('form', { name: 'Action plan steps' });
    await steps.getByRole('button', { name: 'Add step' }).click();
    await steps.getByRole('button', { name: 'Add step' }).click();
    const second = steps.getByRole('listitem', { name: 'Step 2' });
    await second.getByLabel('Type').selectOption('gotoif');
    await second.getByLabel('Value').fill('urgent');
    await second.getByLabel('Then go to (label or step number)').fill('nowhere');
    // Step 1 has no queue chosen: the API names the missing field.
    await steps.getByRole('button', { name: 'Publish new version' }).click();
    const first = steps.getByRole('listitem', { name: 'Step 1' });
    await first.locator('.error', { hasText: 'queueId' }).waitFor();
    expect(await first.getAttribute('class')).toContain('invalid');

    await first.getByLabel('Queue').selectOption({ label: `first-line-${key}` });
    await steps.getByRole('button', { name: 'Publish new version' }).click();
    // Now the shape is right and the plan's own validation speaks: the jump lands nowhere.
    await second.locator('.error', { hasText: 'jump target "nowhere" is not a step of this plan' }).waitFor();
    expect(await page.getByRole('alert').textContent()).toContain('invalid action plan');

    await second.getByLabel('Then go to (label or step number)').fill('1');
    await second.getByLabel('Else go to').fill('1');
    await steps.getByRole('button', { name: 'Publish new version' }).click();
    await steps.getByText('Published version 1.').waitFor();
    expect(await unnamedControls(page)).toEqual([]);
    const plan = await platform.admin.get(`/api/accounts/${account.body.id}/action-plan`);
    expect(plan.body.steps).toEqual([
      { type: 'queue', queueId: queue.body.id, timeoutSeconds: 300 },
      { type: 'gotoif', condition: { field: 'subject', operator: 'contains', value: 'urgent' }, then: '1', else: '1' },
    ]);
    expect(errors).toEqual([]);
    await close();
  });

  it("filters the supervisor's interactions list with the advanced search builder: add, edit, disable, delete, all/any", async () => {
    const key = uniqueAccountKey();
    const account = await platform.admin.post('/api/accounts', {
      name: `Search ${key}`,
      key,
      emailAddress: `search-${key.toLowerCase()}@example.test`,
    });
    const sue = await platform.admin.post('/api/users', {
      name: 'Sue',
      email: `sue-${key}@test.invalid`,
      role: 'supervisor',
      password: 'supervisor-password',
    });
    await platform.admin.put(`/api/accounts/${account.body.id}/agents`, { agentIds: [sue.body.id] });
    for (const [subject, priority] of [
      ['Refund please', 1],
      ['Invoice missing', 9],
      ['Hello there', 0],
    ] as const)
      await platform.db.interaction.create({ data: { accountId: account.body.id, subject, priority, customerEmail: 'c@customer.test' } });

    const { page, errors, close } = await openPage(browser, platform.apiUrl);
    await logIn(page, `sue-${key}@test.invalid`, 'supervisor-password');
    await page.getByRole('combobox', { name: /^Account/ }).selectOption({ label: `${key} · Search ${key}` });
    /** The list comes to show exactly these subjects (within 5 s). */
    const expectSubjects = async (expected: string[]) => {
      const cells = page.locator('.interaction-list tbody tr[data-interaction-id] td:nth-child(3)');
      let shown: string[] = [];
      for (let waited = 0; waited < 5_000; waited += 100) {
        shown = (await cells.allTextContents()).sort();
        if (JSON.stringify(shown) === JSON.stringify(expected)) break;
        await page.waitForTimeout(100);
      }
      expect(shown).toEqual(expected);
    };
    await expectSubjects(['Hello there', 'Invoice missing', 'Refund please']);

    const search = page.getByRole('button', { name: 'Search', exact: true });
    await page.getByRole('button', { name: 'Add condition' }).click();
    await page.getByRole('textbox', { name: 'Condition 1 value' }).fill('REFUND');
    await search.click();
    await expectSubjects(['Refund please']);

    await page.getByRole('button', { name: 'Add condition' }).click();
    await page.getByRole('combobox', { name: 'Condition 2 field' }).selectOption('priority');
    await page.getByRole('combobox', { name: 'Condition 2 operator' }).selectOption('greaterThan');
    await page.getByRole('spinbutton', { name: 'Condition 2 value' }).fill('5');
    await search.click();
    await expectSubjects([]); // all: refund AND priority > 5

    await page.getByRole('radio', { name: 'any condition' }).check();
    await search.click();
    await expectSubjects(['Invoice missing', 'Refund please']);

    await page.locator('[data-condition="2"]').getByRole('checkbox', { name: 'enabled' }).uncheck();
    await search.click();
    await expectSubjects(['Refund please']); // the disabled condition stays but is ignored

    await page.getByRole('textbox', { name: 'Condition 1 value' }).fill('invoice');
    await search.click();
    await expectSubjects(['Invoice missing']);

    await page.getByRole('button', { name: 'Delete condition 1' }).click();
    expect(await page.locator('[data-condition]').count()).toBe(1);
    await search.click();
    await expectSubjects(['Hello there', 'Invoice missing', 'Refund please']);
    expect(errors).toEqual([]);
    await close();
  });
});
