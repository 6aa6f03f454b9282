/**
 * The admin's account form in Chromium: where the first activation starts (unread emails, from now on, or since a
 * date) and the hostname that pins the mailbox watch to one host, each a field of its titled section.
 */
import { uniqueAccountKey } from '../support/platform';
import { accessibilityViolations, logIn, openPage, useBrowserPlatform } from './browser';

describe('web client: the account form’s intake settings', () => {
  const started = useBrowserPlatform({ worker: false });

  it('an admin chooses that a new account starts with every email since a date and is watched from one host', async () => {
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
    await page.getByRole('tab', { name: 'Accounts' }).click();
    await page.getByRole('button', { name: 'New account' }).click();
    const form = page.getByRole('form', { name: 'New account' });
    await form.waitFor();

    // Reading mail: the first activation takes unread emails unless the admin says otherwise.
    const imap = form.getByRole('group', { name: 'Reading mail (IMAP)' });
    const intake = imap.getByLabel('First activation takes');
    expect(await intake.inputValue()).toBe('unread');
    expect(await intake.locator('option').allTextContents()).toEqual([
      'Unread emails',
      'Only emails arriving from now on',
      'Every email since a date',
    ]);
    const since = imap.getByLabel('Since (date)');
    expect(await since.getAttribute('type')).toBe('date');
    const hostname = form.getByRole('group', { name: 'Advanced' }).getByLabel('Hostname');
    expect(await accessibilityViolations(page)).toEqual([]);

    await form.getByLabel('Name *').fill(`Archive ${key}`);
    await form.getByLabel('Key (1–5 letters or digits) *').fill(key);
    await form.getByLabel('Email address *').fill(`archive-${key.toLowerCase()}@example.test`);
    await intake.selectOption('since');
    await hostname.fill('mail-eu-1');

    // "Since" without its day is refused, under the date's own field.
    await form.getByRole('button', { name: 'Create account' }).click();
    const problem = form.locator('#field-New-account-firstIntakeSince-error');
    await problem.waitFor();
    expect(await problem.textContent()).toMatch(/required/i);
    expect(await since.getAttribute('aria-invalid')).toBe('true');
    expect(await accessibilityViolations(page)).toEqual([]);

    await since.fill('2023-01-01');
    await form.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: `Edit ${key} · Archive ${key}` }).waitFor();
    const saved = (await platform.admin.get(`/api/accounts?q=${key}`)).body.items[0];
    expect(saved).toMatchObject({ firstIntake: 'since', firstIntakeSince: '2023-01-01', hostname: 'mail-eu-1' });

    // The account's own page shows what was saved.
    const edit = page.getByRole('form', { name: `Account ${key}` });
    await edit.getByLabel('First activation takes').waitFor();
    expect(await edit.getByLabel('First activation takes').inputValue()).toBe('since');
    expect(await edit.getByLabel('Since (date)').inputValue()).toBe('2023-01-01');
    expect(await edit.getByLabel('Hostname').inputValue()).toBe('mail-eu-1');
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await close();
  });
});
