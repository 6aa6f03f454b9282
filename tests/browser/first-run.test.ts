/**
 * A new admin's first minutes, in Chromium against a fresh platform: the desk shows what to set up, step by step,
 * each step done or linked to where it is done, until the first email is routed.
 */
import { accessibilityViolations, logIn, openPage, useBrowserPlatform } from './browser';

describe('web client: the first run', () => {
  // A platform of its own: the checklist reads what exists, and other tests' accounts would fill it in.
  const started = useBrowserPlatform({ ownDatabase: true, worker: false });

  it('a new admin sees what to set up first, follows the steps, and hides the checklist', async () => {
    const { platform, browser } = started;
    const admin = await platform.admin.post('/api/users', {
      name: 'Nia Admin',
      email: 'nia@test.invalid',
      role: 'admin',
      password: 'admin-password',
    });
    expect(admin.status).toBe(201);
    const { page, errors } = await openPage(browser, platform.apiUrl);
    await logIn(page, 'nia@test.invalid', 'admin-password');
    const checklist = page.getByRole('region', { name: 'Getting started' });
    await checklist.waitFor();
    expect(await checklist.getByText('To do').count()).toBe(4);
    expect(await accessibilityViolations(page)).toEqual([]);
    await checklist.getByRole('link', { name: 'Connect a mailbox' }).click();
    await page.waitForURL('**/app/admin/accounts');

    // The mailbox, its queue and an agent in it: three steps done, the first email still to route.
    const account = await platform.admin.post('/api/accounts', { name: 'Shop', key: 'SHOP', emailAddress: 'help@shop.test' });
    const queue = await platform.admin.post('/api/queues', { name: 'First line' });
    const agent = await platform.admin.post('/api/users', {
      name: 'Al Agent',
      email: 'al@test.invalid',
      role: 'agent',
      password: 'agent-password',
    });
    await platform.admin.put(`/api/accounts/${account.body.id}/queues`, { queueIds: [queue.body.id] });
    await platform.admin.put(`/api/queues/${queue.body.id}/members`, { members: [{ agentId: agent.body.id }] });
    await page.goto('/app/desk');
    await checklist.getByText('Route a first email').waitFor();
    expect(await checklist.getByText('✓ Done').count()).toBe(3);
    expect(await checklist.textContent()).toContain('help@shop.test');

    await checklist.getByRole('button', { name: 'Hide this checklist' }).click();
    await checklist.waitFor({ state: 'detached' });
    await page.reload();
    await page.getByRole('heading', { name: 'Offers (0)' }).waitFor();
    expect(await checklist.count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
