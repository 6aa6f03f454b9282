/**
 * The admin's account form in Chromium: titled sections, a help text per field that is its accessible description,
 * and a refused value explained under its field without moving the fields around it.
 */
import type { Locator, Page } from 'playwright-core';
import { uniqueAccountKey } from '../support/platform';
import { accessibilityViolations, logIn, openPage, useBrowserPlatform } from './browser';

/** Where a control is on the page (its bounding box plus the scroll: the page scrolls when the form is sent). */
async function placeOf(page: Page, locator: Locator) {
  const box = (await locator.boundingBox())!;
  const [scrollX, scrollY] = (await page.evaluate('[window.scrollX, window.scrollY]')) as [number, number];
  return { x: box.x + scrollX, y: box.y + scrollY, width: box.width, height: box.height };
}

/** A control's accessible description: the texts of the elements its aria-describedby names. */
async function descriptionOf(page: Page, locator: Locator): Promise<string> {
  const ids = (await locator.getAttribute('aria-describedby'))?.split(' ') ?? [];
  const texts = await Promise.all(ids.map((id) => page.locator(`[id="${id}"]`).textContent()));
  return texts.join(' ');
}

describe('web client: the account form', () => {
  const started = useBrowserPlatform({ worker: false });

  it('an admin fills in a new account section by section, reads each field’s help and sees a refused port under its field', async () => {
    const { platform, browser } = started;
    const key = uniqueAccountKey();
    const admin = await platform.admin.post('/api/users', {
      name: `Olga ${key}`,
      email: `olga-${key}@test.invalid`,
      role: 'admin',
      password: 'admin-password',
    });
    expect(admin.status).toBe(201);
    const { page, errors, close } = await openPage(browser, platform.apiUrl);
    await logIn(page, `olga-${key}@test.invalid`, 'admin-password');
    await page.getByRole('link', { name: 'Admin' }).click();
    await page.getByRole('tab', { name: 'Accounts' }).click();
    await page.getByRole('button', { name: 'New account' }).click();
    const form = page.getByRole('form', { name: 'New account' });
    await form.waitFor();

    for (const legend of ['Identity', 'Reading mail (IMAP)', 'Sending mail (SMTP)', 'Routing', 'Notifications', 'Advanced'])
      await form.getByRole('group', { name: legend }).waitFor();
    const imap = form.getByRole('group', { name: 'Reading mail (IMAP)' });
    const imapPort = imap.getByLabel('IMAP port');
    expect(await imapPort.inputValue()).toBe('993');
    await form.getByRole('group', { name: 'Sending mail (SMTP)' }).getByLabel('SMTP host').waitFor();
    await form.getByRole('group', { name: 'Routing' }).getByLabel('Wait for assigned agent (s)').waitFor();

    // The help text is the field's accessible description: it says what the field does and its default and range.
    const portHelp = await descriptionOf(page, imapPort);
    expect(portHelp).toMatch(/1–65535.*Default: 993/);
    expect(portHelp).toBe(await imap.locator('.help', { hasText: '1–65535' }).textContent());
    const waitHelp = await descriptionOf(page, form.getByLabel('Wait for assigned agent (s)'));
    expect(waitHelp).toMatch(/Default: 10/);
    expect(waitHelp).toMatch(/2147483/);
    expect(await accessibilityViolations(page)).toEqual([]);

    await form.getByLabel('Name *').fill(`Returns ${key}`);
    await form.getByLabel('Key (1–5 letters or digits) *').fill(key);
    await form.getByLabel('Email address *').fill(`returns-${key.toLowerCase()}@example.test`);
    await form.getByLabel('IMAP host').fill('imap.example.test');
    await imapPort.fill('70000');
    const name = form.getByLabel('Name *');
    const host = form.getByLabel('IMAP host');
    const before = { name: await placeOf(page, name), host: await placeOf(page, host), port: await placeOf(page, imapPort) };
    await form.getByRole('button', { name: 'Create account' }).click();

    const problem = form.locator('#field-New-account-imapPort-error');
    await problem.waitFor();
    expect(await problem.textContent()).toBe('The port must be a number from 1 to 65535.');
    expect((await imapPort.getAttribute('aria-describedby'))?.split(' ')).toContain('field-New-account-imapPort-error');
    expect(await imapPort.getAttribute('aria-invalid')).toBe('true');
    // Under its field, and nothing before it moved: not the name, not the host beside or above the port, not the port.
    const portBox = await placeOf(page, imapPort);
    const problemBox = await placeOf(page, problem);
    expect(problemBox.y).toBeGreaterThanOrEqual(portBox.y + portBox.height);
    expect(Math.abs(problemBox.x - portBox.x)).toBeLessThan(2);
    expect(await placeOf(page, name)).toEqual(before.name);
    expect(await placeOf(page, host)).toEqual(before.host);
    expect(portBox).toEqual(before.port);
    expect(await accessibilityViolations(page)).toEqual([]);

    await imapPort.fill('993');
    await form.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: `Edit ${key} · Returns ${key}` }).waitFor();
    const edit = page.getByRole('form', { name: `Account ${key}` });
    await edit.getByRole('group', { name: 'Reading mail (IMAP)' }).getByLabel('IMAP host').waitFor();
    expect(await edit.getByLabel('IMAP host').inputValue()).toBe('imap.example.test');
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await close();
  });
});
