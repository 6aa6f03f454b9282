/**
 * Admin pages for the people mail comes from and goes out as, in Chromium against the real API: contact lists (the
 * seed's "List": create, rename, add and remove contacts, delete) and the account's picker of the list it saves its
 * senders to, and an agent's signature in the user's form.
 */
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { waitFor } from '../../scripts/services/process-tools';
import { uniqueAccountKey } from '../support/platform';
import { accessibilityViolations, logIn, openPage, useBrowserPlatform } from './browser';

describe('web client: contact lists and signatures in the admin pages', () => {
  const started = useBrowserPlatform({ worker: false });

  async function adminPage(section: string): Promise<{ page: Page; errors: string[] }> {
    const { platform, browser } = started;
    const email = `ada-${randomBytes(4).toString('hex')}@test.invalid`;
    expect((await platform.admin.post('/api/users', { name: 'Ada Admin', email, role: 'admin', password: 'admin-password' })).status).toBe(
      201,
    );
    const opened = await openPage(browser, platform.apiUrl);
    await logIn(opened.page, email, 'admin-password');
    await opened.page.goto(`/app/admin/${section}`);
    return opened;
  }

  it('an admin creates a contact list, renames it, adds and removes a contact, sees the account saving to it, and deletes it', async () => {
    const { platform } = started;
    const tag = randomBytes(3).toString('hex');
    const { page, errors } = await adminPage('contacts');
    const section = page.getByRole('region', { name: 'Contact lists' });
    await section.getByRole('heading', { name: 'Contact lists' }).waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);

    await section.getByRole('button', { name: 'New contact list' }).click();
    await page.getByRole('form', { name: 'New contact list' }).getByLabel('Name *').fill(`VIP ${tag}`);
    await page.getByRole('button', { name: 'Create contact list' }).click();
    await page.getByRole('heading', { name: `Contact list VIP ${tag}` }).waitFor();
    const list = await platform.db.contactList.findUniqueOrThrow({ where: { name: `VIP ${tag}` } });

    // Renamed.
    const rename = page.getByRole('form', { name: 'Rename contact list' });
    await rename.getByLabel('Name *').fill(`Key customers ${tag}`);
    await rename.getByRole('button', { name: 'Rename' }).click();
    await section.getByRole('cell', { name: `Key customers ${tag}`, exact: true }).waitFor();
    expect((await platform.db.contactList.findUniqueOrThrow({ where: { id: list.id } })).name).toBe(`Key customers ${tag}`);

    // A contact added, then removed.
    const contacts = page.getByRole('region', { name: `Contacts in Key customers ${tag}` });
    await contacts.getByRole('button', { name: 'New contact' }).click();
    const newContact = page.getByRole('form', { name: 'New contact' });
    await newContact.getByLabel('Email *').fill(`dora-${tag}@customer.test`);
    await newContact.getByLabel('Name').fill('Dora');
    await page.getByRole('button', { name: 'Create contact' }).click();
    await contacts.getByRole('cell', { name: `dora-${tag}@customer.test`, exact: true }).waitFor();
    expect(await platform.db.contact.findMany({ where: { listId: list.id } })).toEqual([
      expect.objectContaining({ email: `dora-${tag}@customer.test`, name: 'Dora' }),
    ]);
    expect(await accessibilityViolations(page)).toEqual([]);
    page.once('dialog', (dialog) => void dialog.accept());
    await contacts.getByRole('button', { name: `Delete dora-${tag}@customer.test` }).click();
    await contacts.getByText('None yet.').waitFor();
    expect(await platform.db.contact.count({ where: { listId: list.id } })).toBe(0);

    // An account picks the list in its form; the list names the account saving to it.
    const key = uniqueAccountKey();
    const account = await platform.admin.post('/api/accounts', {
      name: `Shop ${key}`,
      key,
      emailAddress: `${key.toLowerCase()}@example.test`,
    });
    expect(account.status).toBe(201);
    await page.getByRole('tab', { name: 'Accounts' }).click();
    await page.getByRole('button', { name: `Edit ${key}` }).click();
    const accountForm = page.getByRole('form', { name: `Account ${key}` });
    await accountForm.getByLabel('Contact list').selectOption({ label: `Key customers ${tag}` });
    expect(await accessibilityViolations(page)).toEqual([]);
    await accountForm.getByRole('button', { name: 'Save account' }).click();
    await accountForm.getByText('Saved.').waitFor();
    expect((await platform.db.emailAccount.findUniqueOrThrow({ where: { id: account.body.id } })).contactListId).toBe(list.id);
    await page.getByRole('tab', { name: 'Contact lists' }).click();
    await section.getByRole('row', { name: new RegExp(`Key customers ${tag} ${key}`) }).waitFor();

    page.once('dialog', (dialog) => void dialog.accept());
    await section.getByRole('button', { name: `Delete Key customers ${tag}` }).click();
    await section.getByRole('cell', { name: `Key customers ${tag}`, exact: true }).waitFor({ state: 'detached' });
    expect(await platform.db.contactList.count({ where: { id: list.id } })).toBe(0);
    expect(errors).toEqual([]);
  });

  it("an admin writes an agent's signature in the user's form", async () => {
    const { platform } = started;
    const email = `sam-${randomBytes(4).toString('hex')}@test.invalid`;
    const agent = await platform.admin.post('/api/users', { name: `Sam ${email.slice(4, 12)}`, email, role: 'agent' });
    const { page, errors } = await adminPage('users');
    await page.getByRole('button', { name: `Edit ${agent.body.name}` }).click();
    const form = page.getByRole('form', { name: 'Edit user' });
    await form.getByLabel('Signature').fill('Sam\nACME support');
    expect(await accessibilityViolations(page)).toEqual([]);
    await form.getByRole('button', { name: 'Save' }).click();
    await form.getByText('Saved.').waitFor();
    expect((await platform.db.user.findUniqueOrThrow({ where: { id: agent.body.id } })).signature).toBe('Sam\nACME support');
    // Emptied: no signature.
    await form.getByLabel('Signature').fill('');
    await form.getByRole('button', { name: 'Save' }).click();
    await waitFor(
      'the signature emptied',
      async () => (await platform.db.user.findUniqueOrThrow({ where: { id: agent.body.id } })).signature === '',
    );
    expect(errors).toEqual([]);
  });
});
