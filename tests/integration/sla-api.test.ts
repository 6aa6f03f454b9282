/**
 * SLA policies over the API against the real database: CRUD and reordering under /api/accounts/:id/sla-policies, bad
 * input answered with the field (another account's calendar or queue, a webhook that is not http(s)), the policy a
 * routing run would load, and the interactions list filtered by service level (rows written by the SLA activities).
 */
import { createSlaActivities } from '../../activities/sla';
import { createPlatformMetrics } from '../../platform/metrics';
import { createSlaEscalations } from '../../services/sla-escalations';
import { createStore } from '../../store';
import { minimalAccount, startAdminApi, unique, type AdminApi } from './admin-support';

let api: AdminApi;
beforeAll(async () => {
  api = await startAdminApi();
});
afterAll(async () => {
  await api?.close();
});

const admin = () => api.users.admin.call;

async function newAccount(): Promise<number> {
  return ((await admin()('POST', '/api/accounts', minimalAccount())).body as { id: number }).id;
}

async function newQueue(accountId: number): Promise<number> {
  const queue = await api.db.queue.create({ data: { name: `sla-${unique()}` } });
  await api.db.accountQueue.create({ data: { accountId, queueId: queue.id } });
  return queue.id;
}

function activities() {
  const store = createStore(api.db);
  const escalations = createSlaEscalations({
    store: store.sla,
    events: { publish: async () => undefined },
    metrics: createPlatformMetrics(),
  });
  return createSlaActivities({ store, escalations });
}

const gold = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  firstResponseSeconds: 3600,
  resolutionSeconds: 86_400,
  warningBeforeSeconds: 600,
  warningActions: [{ kind: 'notify-supervisors' }],
  breachActions: [
    { kind: 'raise-priority', priority: 9 },
    { kind: 'webhook', url: 'https://hooks.example.com/sla' },
  ],
  ...extra,
});

test('an admin creates, lists, reads, changes, reorders and deletes SLA policies', async () => {
  const accountId = await newAccount();
  const base = `/api/accounts/${accountId}/sla-policies`;
  const queueId = await newQueue(accountId);
  const calendar = await admin()('POST', `/api/accounts/${accountId}/calendars`, {
    name: 'Office',
    timeZone: 'Europe/Rome',
    hours: { mon: [{ from: '09:00', to: '18:00' }] },
  });
  const first = await admin()('POST', base, gold('Gold', { calendarId: calendar.body.id, matchQueueIds: [queueId] }));
  expect(first.status).toBe(201);
  expect(first.body).toMatchObject({
    name: 'Gold',
    position: 0,
    calendarId: calendar.body.id,
    matchQueueIds: [queueId],
    matchTags: [],
    nextResponseSeconds: null,
    pauseWhileWaitingOnCustomer: false,
  });
  const second = await admin()('POST', base, gold('Everyone else', { breachActions: [{ kind: 'requeue', queueId }] }));
  expect(second.body.position).toBe(1);
  expect((await admin()('POST', base, gold('Gold'))).status).toBe(409);

  const list = await admin()('GET', base);
  expect(list.body.items.map((policy: { name: string }) => policy.name)).toEqual(['Gold', 'Everyone else']);
  expect((await api.users.agent.call('GET', base)).status).toBe(403);
  expect((await api.users.supervisor.call('POST', base, gold('x'))).status).toBe(403);

  const changed = await admin()('PATCH', `${base}/${first.body.id}`, { matchTags: ['vip'], nextResponseSeconds: 7200 });
  expect(changed.status).toBe(200);
  expect(changed.body).toMatchObject({ matchTags: ['vip'], nextResponseSeconds: 7200, firstResponseSeconds: 3600 });
  expect((await admin()('GET', `${base}/${first.body.id}`)).body.matchTags).toEqual(['vip']);

  const reordered = await admin()('PUT', `${base}/order`, { policyIds: [second.body.id] });
  expect(reordered.status).toBe(200);
  expect(reordered.body.items.map((policy: { name: string; position: number }) => [policy.name, policy.position])).toEqual([
    ['Everyone else', 0],
    ['Gold', 1],
  ]);
  const twice = await admin()('PUT', `${base}/order`, { policyIds: [first.body.id, second.body.id, first.body.id] });
  expect(twice.body.items.map((policy: { name: string }) => policy.name)).toEqual(['Gold', 'Everyone else']);
  const foreign = await admin()('PUT', `/api/accounts/${await newAccount()}/sla-policies/order`, { policyIds: [first.body.id] });
  expect(foreign.body.errors[0].field).toBe('policyIds.0');

  // Another account's policy is not found under this one.
  expect((await admin()('GET', `/api/accounts/${await newAccount()}/sla-policies/${first.body.id}`)).status).toBe(404);
  expect((await admin()('DELETE', `${base}/${first.body.id}`)).status).toBe(204);
  expect((await admin()('GET', `${base}/${first.body.id}`)).status).toBe(404);
});

test('bad policies are refused with a 400 naming the field', async () => {
  const accountId = await newAccount();
  const otherAccount = await newAccount();
  const base = `/api/accounts/${accountId}/sla-policies`;
  const foreignQueue = await newQueue(otherAccount);
  const foreignCalendar = await admin()('POST', `/api/accounts/${otherAccount}/calendars`, {
    name: 'Elsewhere',
    timeZone: 'UTC',
    hours: { mon: [{ from: '09:00', to: '18:00' }] },
  });
  const fieldsOf = async (body: unknown, method = 'POST', path = base) => {
    const reply = await admin()(method, path, body);
    expect(reply.status).toBe(400);
    return (reply.body.errors as Array<{ field: string }>).map((problem) => problem.field);
  };
  expect(await fieldsOf(gold('a', { breachActions: [{ kind: 'webhook', url: 'ftp://example.com/x' }] }))).toEqual(['breachActions.0.url']);
  expect(await fieldsOf(gold('a', { warningActions: [{ kind: 'webhook', url: 'file:///etc/passwd' }] }))).toEqual(['warningActions.0.url']);
  expect(await fieldsOf(gold('a', { calendarId: foreignCalendar.body.id }))).toEqual(['calendarId']);
  expect(await fieldsOf(gold('a', { matchQueueIds: [foreignQueue] }))).toEqual(['matchQueueIds.0']);
  expect(
    await fieldsOf(gold('a', { breachActions: [{ kind: 'notify-supervisors' }, { kind: 'requeue', queueId: foreignQueue }] })),
  ).toEqual(['breachActions.1.queueId']);
  expect(await fieldsOf(gold('a', { breachActions: [{ kind: 'raise-priority', priority: 0 }] }))).toEqual(['breachActions.0.priority']);
  expect(await fieldsOf(gold('a', { breachActions: [{ kind: 'email', to: 'not-an-address' }] }))).toEqual(['breachActions.0.to']);
  expect(await fieldsOf(gold('a', { firstResponseSeconds: -5 }))).toEqual(['firstResponseSeconds']);
  expect(await fieldsOf(gold(' '))).toEqual(['name']);
  const created = await admin()('POST', base, gold('Fine'));
  expect(await fieldsOf({ calendarId: foreignCalendar.body.id }, 'PATCH', `${base}/${created.body.id}`)).toEqual(['calendarId']);
  expect((await admin()('PATCH', `${base}/${created.body.id}`, {})).status).toBe(400);
});

test('loadSlaPlan picks the first matching policy with its calendar inlined, and null when none matches', async () => {
  const accountId = await newAccount();
  const base = `/api/accounts/${accountId}/sla-policies`;
  const queueId = await newQueue(accountId);
  const calendar = await admin()('POST', `/api/accounts/${accountId}/calendars`, {
    name: 'Office',
    timeZone: 'Europe/Rome',
    hours: { tue: [{ from: '09:00', to: '17:00' }] },
  });
  const vip = await admin()('POST', base, gold('VIP', { matchTags: ['vip'], calendarId: calendar.body.id }));
  await admin()('POST', base, gold('Queue', { matchQueueIds: [queueId], firstResponseSeconds: null }));
  const interaction = (data: { queueId?: number; tags?: string[] }) =>
    api.db.interaction.create({ data: { accountId, customerEmail: 'c@example.com', ...data } });

  const plan = await activities().loadSlaPlan({ interactionId: (await interaction({ queueId, tags: ['vip'] })).id });
  expect(plan).toMatchObject({
    policyId: vip.body.id,
    policyName: 'VIP',
    calendar: { timeZone: 'Europe/Rome', hours: { tue: [{ from: '09:00', to: '17:00' }], mon: [] }, holidays: [] },
    targets: [
      { target: 'first-response', seconds: 3600 },
      { target: 'resolution', seconds: 86_400 },
    ],
    warningBeforeSeconds: 600,
    breachActions: [
      { kind: 'raise-priority', priority: 9 },
      { kind: 'webhook', url: 'https://hooks.example.com/sla' },
    ],
  });
  const queued = await activities().loadSlaPlan({ interactionId: (await interaction({ queueId })).id });
  expect(queued).toMatchObject({ policyName: 'Queue', calendar: null, targets: [{ target: 'resolution', seconds: 86_400 }] });
  expect(await activities().loadSlaPlan({ interactionId: (await interaction({})).id })).toBeNull();
});

test('the interactions list filters by service level: breached, at risk, met and running, per target', async () => {
  const accountId = await newAccount();
  const sla = activities();
  const ids: Record<string, number> = {};
  for (const name of ['breached', 'atRisk', 'met', 'running', 'none'])
    ids[name] = (await api.db.interaction.create({ data: { accountId, customerEmail: `${name}@example.com` } })).id;
  const start = { policyId: null, cycle: 0, startedAt: '2026-12-01T09:00:00Z', dueAt: '2026-12-01T10:00:00Z' };
  for (const name of ['breached', 'atRisk', 'met', 'running'])
    await sla.recordSlaTarget({ ...start, interactionId: ids[name]!, target: 'first-response' });
  await sla.recordSlaTarget({ ...start, interactionId: ids.met!, target: 'resolution' });
  const escalate = (interactionId: number, level: 'warning' | 'breach') =>
    sla.escalateSla({ interactionId, policyId: null, target: 'first-response', cycle: 0, level, actions: [], at: '2026-12-01T10:00:00Z' });
  await escalate(ids.breached!, 'warning');
  await escalate(ids.breached!, 'breach');
  await escalate(ids.atRisk!, 'warning');
  await sla.recordSlaMet({ interactionId: ids.met!, target: 'first-response', cycle: 0, metAt: '2026-12-01T09:30:00Z' });
  await sla.recordSlaMet({ interactionId: ids.breached!, target: 'first-response', cycle: 0, metAt: '2026-12-01T11:00:00Z' });

  const search = async (filter: Record<string, unknown>) => {
    const reply = await admin()('POST', '/api/interactions/search', { accountId, sort: 'id', order: 'asc', ...filter });
    expect(reply.status).toBe(200);
    return (reply.body.items as Array<{ id: number }>).map((item) => item.id);
  };
  expect(await search({ sla: 'breached' })).toEqual([ids.breached]);
  expect(await search({ sla: 'at-risk' })).toEqual([ids.atRisk]);
  expect(await search({ sla: 'met' })).toEqual([ids.met]);
  // The met interaction's resolution clock still runs.
  expect(await search({ sla: 'running' })).toEqual([ids.atRisk, ids.met, ids.running]);
  expect(await search({ sla: 'running', slaTarget: 'first-response' })).toEqual([ids.atRisk, ids.running]);
  expect(await search({ sla: 'met', slaTarget: 'resolution' })).toEqual([]);
  expect(await search({})).toHaveLength(5);
  const bad = await admin()('POST', '/api/interactions/search', { accountId, sla: 'late' });
  expect(bad.status).toBe(400);
  expect(bad.body.errors[0].field).toBe('sla');
});
