/**
 * The account's business-hours calendars in the admin pages, in Chromium against the real API: weekly hours with a
 * lunch break and a 24-hour day, a yearly holiday, a refused interval named in words, editing and deleting.
 */
import { randomBytes } from 'node:crypto';
import { uniqueAccountKey } from '../support/platform';
import { accessibilityViolations, logIn, openPage, useBrowserPlatform } from './browser';

describe('web client: business-hours calendars in the account admin', () => {
  const started = useBrowserPlatform({ worker: false });

  it('an admin gives an account Rome office hours with a lunch break, open all Saturday and closed every Christmas, then edits and deletes them', async () => {
    const { platform, browser } = started;
    const email = `ada-${randomBytes(4).toString('hex')}@test.invalid`;
    expect((await platform.admin.post('/api/users', { name: 'Ada Admin', email, role: 'admin', password: 'admin-password' })).status).toBe(
      201,
    );
    const key = uniqueAccountKey();
    const account = await platform.admin.post('/api/accounts', {
      name: `Shop ${key}`,
      key,
      emailAddress: `${key.toLowerCase()}@example.test`,
    });
    expect(account.status).toBe(201);

    const { page, errors } = await openPage(browser, platform.apiUrl);
    await logIn(page, email, 'admin-password');
    await page.goto('/app/admin/accounts');
    await page.getByRole('button', { name: `Edit ${key}` }).click();
    const section = page.getByRole('region', { name: 'Business-hours calendars' });
    await section.getByText('No calendars yet.').waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);

    await section.getByRole('button', { name: 'New calendar' }).click();
    const form = section.getByRole('form', { name: 'New calendar' });
    await form.getByLabel('Name').fill('Rome office');
    await form.getByLabel('Time zone').fill('Europe/Rome');
    const monday = form.getByRole('group', { name: 'Monday' });
    await monday.getByLabel('Monday closes').fill('12:30');
    await monday.getByRole('button', { name: 'Add hours on Monday' }).click();
    await monday.getByLabel('Monday opens (2)').fill('13:30');
    await monday.getByLabel('Monday closes (2)').fill('18:00');
    await form.getByRole('button', { name: 'Open Saturday 24 hours' }).click();
    await form.getByRole('button', { name: 'Add a holiday' }).click();
    await form.getByLabel('Holiday 1 date').fill('2026-12-25');
    await form.getByLabel('Holiday 1 name').fill('Christmas');
    await form.getByRole('group', { name: 'Holiday 1' }).getByLabel('Every year').check();
    expect(await accessibilityViolations(page)).toEqual([]);

    // An interval that ends before it starts is refused, and the answer says which one.
    await form.getByLabel('Tuesday closes').fill('08:00');
    await form.getByRole('button', { name: 'Save calendar' }).click();
    await form.getByRole('alert').filter({ hasText: 'must end after it starts' }).waitFor();
    expect(await platform.db.businessCalendar.count({ where: { accountId: account.body.id } })).toBe(0);
    expect(await accessibilityViolations(page)).toEqual([]);

    await form.getByLabel('Tuesday closes').fill('18:00');
    await form.getByRole('button', { name: 'Save calendar' }).click();
    await section.getByRole('form', { name: 'Calendar Rome office' }).getByText('Saved.').waitFor();
    const saved = await platform.db.businessCalendar.findFirstOrThrow({ where: { accountId: account.body.id } });
    expect(saved).toMatchObject({
      name: 'Rome office',
      timeZone: 'Europe/Rome',
      hours: {
        mon: [
          { from: '09:00', to: '12:30' },
          { from: '13:30', to: '18:00' },
        ],
        tue: [{ from: '09:00', to: '18:00' }],
        sat: [{ from: '00:00', to: '24:00' }],
        sun: [],
      },
      holidays: [{ date: '2026-12-25', name: 'Christmas', yearly: true, hours: [] }],
    });
    await section.getByRole('button', { name: 'Edit calendar Rome office' }).waitFor();

    // Edited from the list: Friday closes early.
    await section.getByRole('button', { name: 'Edit calendar Rome office' }).click();
    const edit = section.getByRole('form', { name: 'Calendar Rome office' });
    await edit.getByLabel('Friday closes').fill('16:00');
    await edit.getByRole('button', { name: 'Save calendar' }).click();
    await edit.getByText('Saved.').waitFor();
    expect((await platform.db.businessCalendar.findUniqueOrThrow({ where: { id: saved.id } })).hours).toMatchObject({
      fri: [{ from: '09:00', to: '16:00' }],
    });
    expect(await accessibilityViolations(page)).toEqual([]);

    page.once('dialog', (dialog) => void dialog.accept());
    await section.getByRole('button', { name: 'Delete calendar Rome office' }).click();
    await section.getByText('No calendars yet.').waitFor();
    expect(await platform.db.businessCalendar.count({ where: { accountId: account.body.id } })).toBe(0);
    expect(errors).toEqual([]);
  });

  it('an admin names a calendar in a working-time step of the action plan, and publishing again keeps it', async () => {
    const { platform, browser } = started;
    const email = `ada-${randomBytes(4).toString('hex')}@test.invalid`;
    expect((await platform.admin.post('/api/users', { name: 'Ada Admin', email, role: 'admin', password: 'admin-password' })).status).toBe(
      201,
    );
    const key = uniqueAccountKey();
    const account = await platform.admin.post('/api/accounts', {
      name: `Plan ${key}`,
      key,
      emailAddress: `${key.toLowerCase()}@example.test`,
    });
    const calendar = await platform.admin.post(`/api/accounts/${account.body.id}/calendars`, {
      name: 'Kathmandu desk',
      timeZone: 'Asia/Kathmandu',
      hours: { mon: [{ from: '09:00', to: '18:00' }] },
    });
    expect(calendar.status).toBe(201);

    const { page, errors } = await openPage(browser, platform.apiUrl);
    await logIn(page, email, 'admin-password');
    const openEditor = async () => {
      await page.goto('/app/admin/plan');
      await page.getByRole('combobox', { name: /^Account/ }).selectOption({ label: `${key} · Plan ${key}` });
      return page.getByRole('form', { name: 'Action plan steps' });
    };
    let steps = await openEditor();
    await page.getByText('No plan published yet.').waitFor();
    await steps.getByRole('button', { name: 'Add step' }).click();
    await steps.getByRole('button', { name: 'Add step' }).click();
    const first = steps.getByRole('listitem', { name: 'Step 1' });
    await first.getByLabel('Type').selectOption('gotop');
    await first.getByLabel('Business-hours calendar').selectOption({ label: 'Kathmandu desk' });
    expect(await first.getByLabel(/^Working time/).count()).toBe(0);
    await first.getByLabel('In working time go to').fill('2');
    await steps.getByRole('listitem', { name: 'Step 2' }).getByLabel('Type').selectOption('close');
    expect(await accessibilityViolations(page)).toEqual([]);
    await steps.getByRole('button', { name: 'Publish new version' }).click();
    await steps.getByText('Published version 1.').waitFor();
    const published = await platform.admin.get(`/api/accounts/${account.body.id}/action-plan`);
    expect(published.body.steps[0]).toMatchObject({
      type: 'gotop',
      calendarId: calendar.body.id,
      calendar: { timeZone: 'Asia/Kathmandu' },
    });

    // Read back into the editor and published again: still the calendar, not a schedule.
    steps = await openEditor();
    const chosen = steps.getByRole('listitem', { name: 'Step 1' }).getByLabel('Business-hours calendar');
    await chosen.locator('option', { hasText: 'Kathmandu desk' }).waitFor({ state: 'attached' });
    expect(await chosen.inputValue()).toBe(String(calendar.body.id));
    await steps.getByRole('button', { name: 'Publish new version' }).click();
    await steps.getByText('Published version 2.').waitFor();
    const again = await platform.admin.get(`/api/accounts/${account.body.id}/action-plan`);
    expect(again.body.steps[0]).toMatchObject({ calendarId: calendar.body.id });
    expect(again.body.steps[0]).not.toHaveProperty('schedule');
    expect(errors).toEqual([]);
  });
});
