/**
 * The account's SLA policies in the admin pages, in Chromium against the real API: a policy for one queue measured in
 * a business-hours calendar, with warning and breach actions; a webhook that is not http(s) refused in words; the
 * policies reordered and one deleted. Then a supervisor told live of a breach lists the breached interactions.
 * `MAILROUTE_SCREENSHOTS=1 npx jest tests/browser/admin-sla.test.ts` retakes the README's picture of the editor.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { createSlaActivities } from '../../activities/sla';
import { LIVE_EVENTS_CHANNEL, type LiveEvent } from '../../domain/live-events';
import { createPlatformMetrics } from '../../platform/metrics';
import { createSlaEscalations } from '../../services/sla-escalations';
import { createStore } from '../../store';
import { uniqueAccountKey } from '../support/platform';
import { accessibilityViolations, logIn, openPage, useBrowserPlatform } from './browser';

const SCREENSHOTS = path.resolve(__dirname, '../../docs/screenshots');

describe('web client: SLA policies and their escalations', () => {
  const started = useBrowserPlatform({ worker: false });

  it('an admin gives the Refunds queue a one-hour first response in office hours that escalates to a webhook and a lead, then puts it first and deletes the other policy', async () => {
    const { platform, browser } = started;
    const email = `ada-${randomBytes(4).toString('hex')}@test.invalid`;
    expect((await platform.admin.post('/api/users', { name: 'Ada Admin', email, role: 'admin', password: 'admin-password' })).status).toBe(
      201,
    );
    const key = uniqueAccountKey();
    const account = (
      await platform.admin.post('/api/accounts', { name: `Shop ${key}`, key, emailAddress: `${key.toLowerCase()}@example.test` })
    ).body;
    const queue = (await platform.admin.post('/api/queues', { name: `Refunds ${key}` })).body;
    expect((await platform.admin.put(`/api/accounts/${account.id}/queues`, { queueIds: [queue.id] })).status).toBe(200);
    const calendar = (
      await platform.admin.post(`/api/accounts/${account.id}/calendars`, {
        name: 'Rome office',
        timeZone: 'Europe/Rome',
        hours: { mon: [{ from: '09:00', to: '18:00' }], tue: [{ from: '09:00', to: '18:00' }] },
      })
    ).body;
    const others = await platform.admin.post(`/api/accounts/${account.id}/sla-policies`, {
      name: 'Everyone else',
      resolutionSeconds: 86_400,
    });
    expect(others.status).toBe(201);

    const { page, errors } = await openPage(browser, platform.apiUrl);
    await logIn(page, email, 'admin-password');
    await page.goto('/app/admin/accounts');
    await page.getByRole('button', { name: `Edit ${key}` }).click();
    const section = page.getByRole('region', { name: 'SLA policies' });
    await section.getByRole('button', { name: 'Edit SLA policy Everyone else' }).waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);

    await section.getByRole('button', { name: 'New SLA policy' }).click();
    const form = section.getByRole('form', { name: 'New SLA policy' });
    await form.getByLabel('Name').fill('Refunds gold');
    await form.getByLabel('Business hours').selectOption({ label: 'Rome office' });
    await form.getByLabel(`Refunds ${key}`).check();
    await form.getByLabel('Tags (comma-separated, any of them)').fill('vip, gold');
    await form.getByLabel('First response').fill('60');
    await form.getByLabel('Warn this long before').fill('15');
    await form.getByLabel('Pause the clock while waiting on the customer').check();
    const breach = form.getByRole('group', { name: 'Breach actions 1' });
    await breach.getByLabel('Breach actions 1 kind').selectOption({ label: 'Webhook' });
    await breach.getByLabel('Breach actions 1 URL').fill('ftp://hooks.example.com/sla');
    await form.getByRole('group', { name: 'Breach actions' }).getByRole('button', { name: 'Add an action' }).click();
    await form.getByLabel('Breach actions 2 kind').selectOption({ label: 'Email' });
    await form.getByLabel('Breach actions 2 address').fill('lead@example.com');
    await form.getByRole('group', { name: 'Breach actions' }).getByRole('button', { name: 'Add an action' }).click();
    await form.getByLabel('Breach actions 3 kind').selectOption({ label: 'Requeue' });
    expect(await accessibilityViolations(page)).toEqual([]);

    // A webhook that is not http(s) is refused by the API, and the answer says so.
    await form.getByRole('button', { name: 'Save SLA policy' }).click();
    await form.getByRole('alert').filter({ hasText: 'must be an http or https URL' }).waitFor();
    expect(await platform.db.slaPolicy.count({ where: { accountId: account.id } })).toBe(1);
    expect(await accessibilityViolations(page)).toEqual([]);

    await breach.getByLabel('Breach actions 1 URL').fill('https://hooks.example.com/sla');
    await form.getByRole('button', { name: 'Save SLA policy' }).click();
    const saved = section.getByRole('form', { name: 'SLA policy Refunds gold' });
    await saved.getByText('Saved.').waitFor();
    expect(await platform.db.slaPolicy.findFirstOrThrow({ where: { accountId: account.id, name: 'Refunds gold' } })).toMatchObject({
      position: 1,
      calendarId: calendar.id,
      matchQueueIds: [queue.id],
      matchTags: ['vip', 'gold'],
      firstResponseSeconds: 3600,
      nextResponseSeconds: null,
      warningBeforeSeconds: 900,
      pauseWhileWaitingOnCustomer: true,
      warningActions: [{ kind: 'notify-supervisors' }],
      breachActions: [
        { kind: 'webhook', url: 'https://hooks.example.com/sla' },
        { kind: 'email', to: 'lead@example.com' },
        { kind: 'requeue', queueId: queue.id },
      ],
    });
    expect(await accessibilityViolations(page)).toEqual([]);
    if (process.env.MAILROUTE_SCREENSHOTS === '1') {
      mkdirSync(SCREENSHOTS, { recursive: true });
      await saved.scrollIntoViewIfNeeded();
      await section.screenshot({ path: path.join(SCREENSHOTS, 'sla-policies-1280.png') });
    }

    // The other policy, edited from the list: resolved within two hours.
    await section.getByRole('button', { name: 'Edit SLA policy Everyone else' }).click();
    const other = section.getByRole('form', { name: 'SLA policy Everyone else' });
    await other.getByLabel('Resolution').fill('120');
    await other.getByRole('button', { name: 'Save SLA policy' }).click();
    await other.getByText('Saved.').waitFor();
    expect((await platform.db.slaPolicy.findUniqueOrThrow({ where: { id: others.body.id } })).resolutionSeconds).toBe(7200);

    // Moved up, it is tried first.
    await section.getByRole('button', { name: 'Move Refunds gold up' }).click();
    await section.getByRole('button', { name: 'Move Refunds gold up' }).and(page.locator('[disabled]')).waitFor();
    const order = await platform.db.slaPolicy.findMany({ where: { accountId: account.id }, orderBy: { position: 'asc' } });
    expect(order.map((policy) => policy.name)).toEqual(['Refunds gold', 'Everyone else']);

    page.once('dialog', (dialog) => void dialog.accept());
    await section.getByRole('button', { name: 'Delete SLA policy Everyone else' }).click();
    await section.getByRole('button', { name: 'Delete SLA policy Everyone else' }).waitFor({ state: 'detached' });
    expect(await platform.db.slaPolicy.count({ where: { accountId: account.id } })).toBe(1);
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('a supervisor is told live that an interaction breached its first response, and lists the breached ones', async () => {
    const { platform, browser } = started;
    const email = `sue-${randomBytes(4).toString('hex')}@test.invalid`;
    const sue = await platform.admin.post('/api/users', { name: 'Sue Supervisor', email, role: 'supervisor', password: 'super-password' });
    expect(sue.status).toBe(201);
    const key = uniqueAccountKey();
    const account = (
      await platform.admin.post('/api/accounts', { name: `Shop ${key}`, key, emailAddress: `${key.toLowerCase()}@example.test` })
    ).body;
    expect((await platform.admin.put(`/api/accounts/${account.id}/agents`, { agentIds: [sue.body.id] })).status).toBe(200);
    const [late, fine] = await Promise.all(
      ['Late refund', 'Quick question'].map((subject) =>
        platform.db.interaction.create({ data: { accountId: account.id, customerEmail: 'ann@example.com', subject } }),
      ),
    );
    const store = createStore(platform.db);
    const events = {
      publish: async (event: LiveEvent) =>
        void (await platform.db.$executeRaw`SELECT pg_notify(${LIVE_EVENTS_CHANNEL}, ${JSON.stringify(event)})`),
    };
    const sla = createSlaActivities({
      store,
      escalations: createSlaEscalations({ store: store.sla, events, metrics: createPlatformMetrics() }),
    });
    const clock = {
      policyId: null,
      target: 'first-response' as const,
      cycle: 0,
      startedAt: '2026-12-01T09:00:00Z',
      dueAt: '2026-12-01T10:00:00Z',
    };
    await sla.recordSlaTarget({ ...clock, interactionId: late!.id });
    await sla.recordSlaTarget({ ...clock, interactionId: fine!.id });

    const { page, errors } = await openPage(browser, platform.apiUrl);
    await logIn(page, email, 'super-password');
    await page.goto('/app/supervisor');
    await page.getByRole('combobox', { name: /^Account/ }).selectOption({ label: `${key} · Shop ${key}` });
    await page.locator('.live.live').waitFor();

    await sla.escalateSla({
      ...clock,
      interactionId: late!.id,
      level: 'breach',
      actions: [{ kind: 'notify-supervisors' }],
      at: clock.dueAt,
    });
    await page
      .getByRole('status')
      .filter({ hasText: `SLA breached: first response of interaction #${late!.id} was due 2026-12-01T10:00:00.000Z` })
      .waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);

    const filters = page.getByRole('form', { name: 'Filters' });
    await filters.getByLabel('Service level').selectOption({ label: 'breached' });
    await filters.getByLabel('Target').selectOption({ label: 'first response' });
    await filters.getByRole('button', { name: 'Search' }).click();
    const list = page.locator('section.interactions table');
    await list.getByText('Quick question').waitFor({ state: 'detached' });
    await list.getByText('Late refund').waitFor();
    await filters.getByLabel('Service level').selectOption({ label: 'running' });
    await filters.getByRole('button', { name: 'Search' }).click();
    await list.getByText('Late refund').waitFor({ state: 'detached' });
    await list.getByText('Quick question').waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
  });
});
