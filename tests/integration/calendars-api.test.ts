/**
 * Business-hours calendars over the API against the real database: CRUD under /api/accounts/:id/calendars, bad input
 * answered with the field, and the action plan's working-time steps naming a calendar.
 */
import { minimalAccount, startAdminApi, unique, type AdminApi } from './admin-support';

let api: AdminApi;
beforeAll(async () => {
  api = await startAdminApi();
});
afterAll(async () => {
  await api?.close();
});

const admin = () => api.users.admin.call;
const office = [
  { from: '09:00', to: '12:30' },
  { from: '13:30', to: '18:00' },
];
const romeOffice = (name: string) => ({
  name,
  timeZone: 'Europe/Rome',
  hours: { mon: office, tue: office, wed: office, thu: office, fri: office },
  holidays: [{ date: '2026-12-25', name: 'Christmas', yearly: true }],
});

async function newAccount(): Promise<number> {
  return ((await admin()('POST', '/api/accounts', minimalAccount())).body as { id: number }).id;
}

test('an admin creates, lists, reads, changes and deletes an account calendar', async () => {
  const accountId = await newAccount();
  const base = `/api/accounts/${accountId}/calendars`;
  const name = `Rome office ${unique()}`;
  const created = await admin()('POST', base, romeOffice(name));
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({
    name,
    timeZone: 'Europe/Rome',
    hours: { sun: [], mon: office, sat: [] },
    holidays: [{ date: '2026-12-25', name: 'Christmas', yearly: true, hours: [] }],
  });
  const id = created.body.id as number;
  expect((await admin()('POST', base, romeOffice(name))).status).toBe(409);

  const read = await admin()('GET', `${base}/${id}`);
  expect(read.status).toBe(200);
  expect((await admin()('GET', base)).body.items.map((calendar: { id: number }) => calendar.id)).toEqual([id]);
  expect((await api.users.agent.call('GET', base)).status).toBe(403);
  expect((await api.users.supervisor.call('POST', base, romeOffice(`x ${unique()}`))).status).toBe(403);

  const etag = read.headers.get('etag')!;
  const changed = await admin()(
    'PATCH',
    `${base}/${id}`,
    { timeZone: 'Asia/Kathmandu', hours: { sat: [{ from: '00:00', to: '24:00' }] } },
    { 'if-match': etag },
  );
  expect(changed.status).toBe(200);
  expect(changed.body).toMatchObject({ timeZone: 'Asia/Kathmandu', hours: { sat: [{ from: '00:00', to: '24:00' }], mon: [] } });
  expect((await admin()('PATCH', `${base}/${id}`, { name: 'Stale' }, { 'if-match': etag })).status).toBe(412);

  // Another account's calendar is not found under this one.
  expect((await admin()('GET', `/api/accounts/${await newAccount()}/calendars/${id}`)).status).toBe(404);
  expect((await admin()('DELETE', `${base}/${id}`)).status).toBe(204);
  expect((await admin()('GET', `${base}/${id}`)).status).toBe(404);
});

test('bad calendars are refused with a 400 naming the field', async () => {
  const base = `/api/accounts/${await newAccount()}/calendars`;
  const fieldOf = async (body: unknown) => {
    const reply = await admin()('POST', base, body);
    expect(reply.status).toBe(400);
    return (reply.body.errors as Array<{ field: string }>).map((problem) => problem.field);
  };
  expect(await fieldOf({ ...romeOffice('a'), timeZone: 'Mars/Olympus' })).toEqual(['timeZone']);
  expect(await fieldOf({ ...romeOffice('a'), hours: { mon: [{ from: '18:00', to: '09:00' }] } })).toEqual(['hours.mon.0.to']);
  expect(await fieldOf({ ...romeOffice('a'), hours: { mon: [{ from: '25:00', to: '26:00' }] } })).toContain('hours.mon.0.from');
  expect(await fieldOf({ ...romeOffice('a'), hours: { funday: office } })).toContain('hours.funday');
  expect(await fieldOf({ ...romeOffice('a'), hours: {} })).toEqual(['hours']);
  expect(await fieldOf({ ...romeOffice('a'), holidays: [{ date: '2026-02-30' }] })).toEqual(['holidays.0.date']);
  expect(await fieldOf({ ...romeOffice(' '), holidays: [] })).toEqual(['name']);
  const emptyPatch = await admin()('PATCH', `${base}/2147483647`, {});
  expect(emptyPatch.status).toBe(400);
});

test('a working-time step names a calendar: the plan keeps a copy, follows its changes and refuses unknown ones', async () => {
  const accountId = await newAccount();
  const plan = `/api/accounts/${accountId}/action-plan`;
  const calendar = (await admin()('POST', `/api/accounts/${accountId}/calendars`, romeOffice(`Office ${unique()}`))).body;
  const steps = (calendarId: number) => [
    { type: 'gotop', calendarId, then: 'open', else: 'closed' },
    { type: 'tag', tags: ['open'], label: 'open' },
    { type: 'close', label: 'closed' },
  ];

  const unknown = await admin()('PUT', plan, { steps: steps(2147483647) });
  expect(unknown.status).toBe(400);
  expect(unknown.body.errors).toEqual([{ field: 'steps.0.calendarId', reason: 'not a calendar of this account' }]);
  const elsewhere = (await admin()('POST', `/api/accounts/${await newAccount()}/calendars`, romeOffice('Elsewhere'))).body;
  expect((await admin()('PUT', plan, { steps: steps(elsewhere.id) })).body.errors[0].field).toBe('steps.0.calendarId');
  const both = await admin()('PUT', plan, {
    steps: [{ ...steps(calendar.id)[0], schedule: { timezone: 'UTC', intervals: [] } }, ...steps(calendar.id).slice(1)],
  });
  expect(both.body.errors[0].field).toBe('steps.0.calendarId');

  const published = await admin()('PUT', plan, { steps: steps(calendar.id) });
  expect(published.status).toBe(201);
  expect(published.body.steps[0]).toMatchObject({
    calendarId: calendar.id,
    calendar: { timeZone: 'Europe/Rome', hours: { mon: office }, holidays: [{ date: '2026-12-25', yearly: true }] },
  });

  // Saving the calendar publishes a new version carrying the change; running interactions keep theirs.
  await admin()('PATCH', `/api/accounts/${accountId}/calendars/${calendar.id}`, { timeZone: 'America/New_York' });
  const latest = (await admin()('GET', plan)).body;
  expect(latest.version).toBe(published.body.version + 1);
  expect(latest.steps[0].calendar.timeZone).toBe('America/New_York');
  expect((await admin()('GET', `${plan}/versions/${published.body.version}`)).body.steps[0].calendar.timeZone).toBe('Europe/Rome');

  // A calendar the plan names cannot be deleted; once the plan moves to an inline schedule, it can.
  const refused = await admin()('DELETE', `/api/accounts/${accountId}/calendars/${calendar.id}`);
  expect(refused.status).toBe(409);
  const inline = await admin()('PUT', plan, {
    steps: [
      {
        type: 'gotop',
        schedule: { timezone: 'Europe/Rome', intervals: [{ days: [1, 2, 3, 4, 5], from: '09:00', to: '18:00' }] },
        then: 'open',
        else: 'closed',
      },
      ...steps(calendar.id).slice(1),
    ],
  });
  expect(inline.status).toBe(201);
  expect(inline.body.steps[0]).not.toHaveProperty('calendar');
  expect((await admin()('DELETE', `/api/accounts/${accountId}/calendars/${calendar.id}`)).status).toBe(204);
});
