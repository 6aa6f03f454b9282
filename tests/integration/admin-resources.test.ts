/**
 * Create, read, list, update and delete of every configuration resource besides accounts, against the real
 * database: users, queues and members, account memberships, dispositions (3 levels), canned answers,
 * pause statuses, contact lists and contacts, global settings, action plan versions, API tokens.
 */
import { client, minimalAccount, startAdminApi, unique, type AdminApi } from './admin-support';

let api: AdminApi;
beforeAll(async () => {
  api = await startAdminApi();
});
afterAll(async () => {
  await api?.close();
});

const admin = () => api.users.admin.call;

test('users: create, read with ETag, list with filters, update (presence with a pause reason, capacity), delete', async () => {
  const email = `Agent-${unique()}@Example.test`;
  const created = await admin()('POST', '/api/users', { name: 'Ann', email, password: 'correct horse', capacity: 3 });
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({ name: 'Ann', email: email.toLowerCase(), role: 'agent', presence: 'offline', capacity: 3 });
  expect(created.body).not.toHaveProperty('passwordHash');
  const id = created.body.id as number;
  const read = await admin()('GET', `/api/users/${id}`);
  expect(read.headers.get('etag')).toBe(`"${read.body.updatedAt}"`);
  const listed = await admin()('GET', `/api/users?q=${encodeURIComponent(email.toLowerCase())}&role=agent`);
  expect(listed.body.items.map((user: { id: number }) => user.id)).toEqual([id]);

  const pause = await admin()('POST', '/api/pause-statuses', { name: `Lunch ${unique()}` });
  const paused = await admin()(
    'PATCH',
    `/api/users/${id}`,
    { presence: 'paused', pauseStatusId: pause.body.id, capacity: 5 },
    { 'if-match': read.headers.get('etag')! },
  );
  expect(paused.status).toBe(200);
  expect(paused.body).toMatchObject({ presence: 'paused', pauseStatusId: pause.body.id, capacity: 5 });
  expect((await admin()('PATCH', `/api/users/${id}`, { name: 'Stale' }, { 'if-match': read.headers.get('etag')! })).status).toBe(412);
  expect((await admin()('PATCH', `/api/users/${id}`, { capacity: 101 })).body.errors[0].field).toBe('capacity');
  const online = await admin()('PATCH', `/api/users/${id}`, { presence: 'online' });
  expect(online.body).toMatchObject({ presence: 'online', pauseStatusId: null });
  const promoted = await admin()('PATCH', `/api/users/${id}`, { role: 'supervisor', password: 'another secret' });
  expect(promoted.body.role).toBe('supervisor');
  const login = await client(api.url)('POST', '/api/auth/login', { email, password: 'another secret' });
  expect(login.status).toBe(200);

  expect((await admin()('DELETE', `/api/users/${id}`)).status).toBe(204);
  expect((await admin()('GET', `/api/users/${id}`)).status).toBe(404);
  expect(await api.db.user.findUnique({ where: { id } })).toBeNull();
});

test('queues: create with strategy and offer timeout, read, list, update, members with weight 0-10 and priority, delete', async () => {
  const name = `Billing ${unique()}`;
  const created = await admin()('POST', '/api/queues', { name, strategy: 'rrmemory', offerTimeoutSeconds: 45 });
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({ name, strategy: 'rrmemory', offerTimeoutSeconds: 45 });
  const defaults = await admin()('POST', '/api/queues', { name: `${name} 2` });
  expect(defaults.body).toMatchObject({ strategy: 'beepall', offerTimeoutSeconds: 30, description: null });
  const id = created.body.id as number;
  const read = await admin()('GET', `/api/queues/${id}`);
  expect(read.headers.get('etag')).toBe(`"${read.body.updatedAt}"`);
  expect((await admin()('GET', `/api/queues?q=${encodeURIComponent(name)}&strategy=rrmemory`)).body.items).toEqual([
    expect.objectContaining({ id }),
  ]);
  for (const strategy of ['beepall', 'rrmemory', 'leastrecent', 'fewestcalls', 'random'])
    expect((await admin()('PATCH', `/api/queues/${id}`, { strategy })).body.strategy).toBe(strategy);
  expect((await admin()('PATCH', `/api/queues/${id}`, { strategy: 'ringall' })).body.errors[0].field).toBe('strategy');
  expect((await admin()('PATCH', `/api/queues/${id}`, {})).status).toBe(400);
  // The "not responding" pause of the queue: a known pause status is kept, an unknown one is refused by name.
  expect(defaults.body.notRespondingPauseStatusId).toBeNull();
  const notResponding = await admin()('POST', '/api/pause-statuses', { name: `Not responding ${unique()}` });
  expect(
    (await admin()('PATCH', `/api/queues/${id}`, { notRespondingPauseStatusId: notResponding.body.id })).body.notRespondingPauseStatusId,
  ).toBe(notResponding.body.id);
  const unknownPause = await admin()('PATCH', `/api/queues/${id}`, { notRespondingPauseStatusId: 2147483000 });
  expect(unknownPause.status).toBe(400);
  expect(unknownPause.body.errors).toEqual([{ field: 'notRespondingPauseStatusId', reason: 'no such pause status' }]);

  const agent = await api.newUser('agent');
  const other = await api.newUser('agent');
  for (const weight of [-1, 11])
    expect((await admin()('PUT', `/api/queues/${id}/members`, { members: [{ agentId: agent.id, weight }] })).body.errors[0].field).toBe(
      'members.0.weight',
    );
  const members = {
    members: [
      { agentId: agent.id, weight: 0, priority: 2 },
      { agentId: other.id, weight: 10, priority: 0 },
    ],
  };
  expect((await admin()('PUT', `/api/queues/${id}/members`, members)).status).toBe(200);
  expect((await admin()('GET', `/api/queues/${id}/members`)).body).toEqual(members);
  expect((await admin()('PUT', `/api/queues/${id}/members`, { members: [{ agentId: 2147483647 }] })).status).toBe(400);

  expect((await admin()('DELETE', `/api/queues/${id}`)).status).toBe(204);
  expect((await admin()('GET', `/api/queues/${id}`)).status).toBe(404);
  expect(await api.db.queueMember.count({ where: { queueId: id } })).toBe(0);
});

test('account memberships: agents and queues set, read back, unknown ids refused', async () => {
  const account = (await admin()('POST', '/api/accounts', minimalAccount())).body;
  const agent = await api.newUser('agent');
  const queue = (await admin()('POST', '/api/queues', { name: `Q ${unique()}` })).body;
  expect((await admin()('PUT', `/api/accounts/${account.id}/agents`, { agentIds: [agent.id, agent.id] })).body).toEqual({
    agentIds: [agent.id],
  });
  expect((await admin()('GET', `/api/accounts/${account.id}/agents`)).body.items).toEqual([expect.objectContaining({ id: agent.id })]);
  expect((await admin()('PUT', `/api/accounts/${account.id}/queues`, { queueIds: [queue.id] })).status).toBe(200);
  expect((await admin()('GET', `/api/accounts/${account.id}/queues`)).body.items).toEqual([expect.objectContaining({ id: queue.id })]);
  expect((await admin()('PUT', `/api/accounts/${account.id}/queues`, { queueIds: [2147483647] })).body.errors[0].field).toBe('queueIds');
  expect((await admin()('PUT', `/api/accounts/${account.id}/agents`, { agentIds: [2147483647] })).body.errors[0].field).toBe('agentIds');
  expect((await admin()('PUT', `/api/accounts/${account.id}/agents`, { agentIds: [] })).status).toBe(200);
  expect((await admin()('GET', `/api/accounts/${account.id}/agents`)).body.items).toEqual([]);
});

test('dispositions: three levels, no fourth, list, rename, delete cascades to lower levels', async () => {
  const account = (await admin()('POST', '/api/accounts', minimalAccount())).body;
  const base = `/api/accounts/${account.id}/dispositions`;
  const first = await admin()('POST', base, { name: 'Solved' });
  expect(first.body).toMatchObject({ level: 1, parentId: null });
  const second = await admin()('POST', base, { name: 'By phone', parentId: first.body.id });
  expect(second.body.level).toBe(2);
  const third = await admin()('POST', base, { name: 'First call', parentId: second.body.id });
  expect(third.body.level).toBe(3);
  const fourth = await admin()('POST', base, { name: 'Too deep', parentId: third.body.id });
  expect(fourth.status).toBe(400);
  expect(fourth.body.errors[0].field).toBe('parentId');
  expect((await admin()('POST', base, { name: 'Solved' })).status).toBe(409);
  expect((await admin()('GET', `${base}?level=3`)).body.items).toEqual([expect.objectContaining({ id: third.body.id })]);
  expect((await admin()('GET', `${base}/${second.body.id}`)).body.name).toBe('By phone');
  expect((await admin()('PATCH', `${base}/${second.body.id}`, { name: 'By email' })).body.name).toBe('By email');
  expect((await admin()('DELETE', `${base}/${first.body.id}`)).status).toBe(204);
  expect((await admin()('GET', base)).body.items).toEqual([]);
});

test('canned answers: global and per account, blended list for an account, update, delete', async () => {
  const account = (await admin()('POST', '/api/accounts', minimalAccount())).body;
  const other = (await admin()('POST', '/api/accounts', minimalAccount())).body;
  const marker = unique();
  const global = await admin()('POST', '/api/canned-answers', { name: `Hello ${marker}`, body: 'Hello {{customer.name}}' });
  expect(global.body.accountId).toBeNull();
  const own = await admin()('POST', '/api/canned-answers', { name: `Refund ${marker}`, body: 'Refunded', accountId: account.id });
  await admin()('POST', '/api/canned-answers', { name: `Other ${marker}`, body: 'Not here', accountId: other.id });
  expect((await admin()('POST', '/api/canned-answers', { name: 'x', body: 'y', accountId: 2147483647 })).body.errors[0].field).toBe(
    'accountId',
  );
  const blended = await admin()('GET', `/api/accounts/${account.id}/canned-answers?q=${marker}&sort=name`);
  expect(blended.body.items.map((item: { name: string }) => item.name)).toEqual([`Hello ${marker}`, `Refund ${marker}`]);
  expect((await admin()('GET', `/api/canned-answers?q=${marker}&global=true`)).body.items).toEqual([
    expect.objectContaining({ id: global.body.id }),
  ]);
  const read = await admin()('GET', `/api/canned-answers/${own.body.id}`);
  const changed = await admin()(
    'PATCH',
    `/api/canned-answers/${own.body.id}`,
    { body: 'Refund on its way' },
    { 'if-match': read.headers.get('etag')! },
  );
  expect(changed.body.body).toBe('Refund on its way');
  expect(
    (await admin()('PATCH', `/api/canned-answers/${own.body.id}`, { body: 'late' }, { 'if-match': read.headers.get('etag')! })).status,
  ).toBe(412);
  expect((await admin()('DELETE', `/api/canned-answers/${own.body.id}`)).status).toBe(204);
  expect((await admin()('GET', `/api/canned-answers/${own.body.id}`)).status).toBe(404);
});

test('pause statuses, contact lists and contacts: full life cycle', async () => {
  const name = `Break ${unique()}`;
  const pause = await admin()('POST', '/api/pause-statuses', { name, description: 'coffee' });
  expect(pause.body).toMatchObject({ name, description: 'coffee' });
  expect((await admin()('POST', '/api/pause-statuses', { name })).status).toBe(409);
  const pauseRead = await admin()('GET', `/api/pause-statuses/${pause.body.id}`);
  expect(pauseRead.headers.get('etag')).toBeTruthy();
  expect(
    (await admin()('PATCH', `/api/pause-statuses/${pause.body.id}`, { description: 'tea' }, { 'if-match': pauseRead.headers.get('etag')! }))
      .body.description,
  ).toBe('tea');
  expect(
    (await admin()('PATCH', `/api/pause-statuses/${pause.body.id}`, { description: 'x' }, { 'if-match': pauseRead.headers.get('etag')! }))
      .status,
  ).toBe(412);
  expect((await admin()('GET', `/api/pause-statuses?q=${encodeURIComponent(name)}`)).body.items).toHaveLength(1);
  expect((await admin()('DELETE', `/api/pause-statuses/${pause.body.id}`)).status).toBe(204);

  const list = await admin()('POST', '/api/contact-lists', { name: `Customers ${unique()}` });
  const base = `/api/contact-lists/${list.body.id}/contacts`;
  const contact = await admin()('POST', base, { email: 'Jane@Example.test', name: 'Jane' });
  expect(contact.body).toMatchObject({ email: 'jane@example.test', name: 'Jane', listId: list.body.id });
  expect((await admin()('POST', base, { email: 'jane@example.test' })).status).toBe(409);
  expect((await admin()('GET', `${base}?q=jane`)).body.items).toHaveLength(1);
  expect((await admin()('PATCH', `${base}/${contact.body.id}`, { name: 'Jane Doe' })).body.name).toBe('Jane Doe');
  expect((await admin()('GET', `${base}/${contact.body.id}`)).body.name).toBe('Jane Doe');
  expect((await admin()('PATCH', `/api/contact-lists/${list.body.id}`, { name: `Renamed ${unique()}` })).status).toBe(200);
  expect((await admin()('DELETE', `${base}/${contact.body.id}`)).status).toBe(204);
  expect((await admin()('DELETE', `/api/contact-lists/${list.body.id}`)).status).toBe(204);
  expect((await admin()('GET', `/api/contact-lists/${list.body.id}`)).status).toBe(404);
});

test('global settings: login mail frequency read and changed within 1..86400', async () => {
  const read = await admin()('GET', '/api/settings');
  expect(read.status).toBe(200);
  expect(typeof read.body.loginMailFrequencySeconds).toBe('number');
  expect((await admin()('PATCH', '/api/settings', { loginMailFrequencySeconds: 0 })).body.errors[0].field).toBe(
    'loginMailFrequencySeconds',
  );
  const changed = await admin()('PATCH', '/api/settings', { loginMailFrequencySeconds: 120 });
  expect(changed.body.loginMailFrequencySeconds).toBe(120);
  expect((await api.db.globalSetting.findUniqueOrThrow({ where: { id: 1 } })).loginMailFrequencySeconds).toBe(120);
});

test('action plans: versions published, listed and read; an invalid jump is refused naming the step', async () => {
  const account = (await admin()('POST', '/api/accounts', minimalAccount())).body;
  const base = `/api/accounts/${account.id}/action-plan`;
  expect((await admin()('GET', base)).status).toBe(404);
  const v1 = await admin()('PUT', base, { steps: [{ type: 'noop' }, { type: 'close' }] });
  expect(v1.status).toBe(201);
  expect(v1.body.version).toBe(1);
  const v2 = await admin()('PUT', base, { steps: [{ type: 'tag', tags: ['vip'] }, { type: 'close' }] });
  expect(v2.body.version).toBe(2);
  expect((await admin()('GET', base)).body.version).toBe(2);
  expect((await admin()('GET', `${base}/versions/1`)).body.steps).toEqual([{ type: 'noop' }, { type: 'close' }]);
  expect((await admin()('GET', `${base}/versions?order=desc`)).body.items.map((plan: { version: number }) => plan.version)).toEqual([2, 1]);
  const unknownQueue = await admin()('PUT', base, { steps: [{ type: 'noop' }, { type: 'queue', queueId: 2147483647 }, { type: 'close' }] });
  expect(unknownQueue.status).toBe(400);
  expect(unknownQueue.body.errors).toEqual([{ field: 'steps.1.queueId', reason: 'no such queue' }]);
  const foreignDisposition = await admin()(
    'POST',
    `/api/accounts/${(await admin()('POST', '/api/accounts', minimalAccount())).body.id}/dispositions`,
    { name: 'Elsewhere' },
  );
  const closeElsewhere = await admin()('PUT', base, { steps: [{ type: 'close', dispositionId: foreignDisposition.body.id }] });
  expect(closeElsewhere.body.errors).toEqual([{ field: 'steps.0.dispositionId', reason: 'not a disposition of this account' }]);
  expect((await admin()('GET', base)).body.version).toBe(2);
  const spinning = await admin()('PUT', base, {
    steps: [
      { type: 'tag', tags: ['x'], label: 'top' },
      { type: 'gotoif', condition: { field: 'subject', operator: 'contains', value: 'x' }, then: 'top' },
    ],
  });
  expect(spinning.status).toBe(400);
  expect(spinning.body.detail).toMatch(/loop forever/);
  const bad = await admin()('PUT', base, {
    steps: [{ type: 'gotoif', condition: { field: 'subject', operator: 'contains', value: 'x' }, then: 'nowhere' }],
  });
  expect(bad.status).toBe(400);
  expect(bad.body.errors[0].field).toMatch(/steps/);
});

test('API tokens: shown once, listed without the secret, revoked tokens stop working', async () => {
  const agent = await api.newUser('agent');
  const created = await agent.call('POST', '/api/tokens', { name: 'integration', ttlSeconds: 3600 });
  expect(created.status).toBe(201);
  expect(created.body.token).toMatch(/^mr_/);
  const token = created.body.token as string;
  const listed = await agent.call('GET', '/api/tokens');
  expect(listed.body.items.map((item: { id: number }) => item.id)).toContain(created.body.id);
  expect(JSON.stringify(listed.body)).not.toContain(token);
  expect((await client(api.url, token)('GET', '/api/me')).status).toBe(200);
  expect((await agent.call('POST', '/api/tokens', { name: 'for someone else', userId: api.users.admin.id })).status).toBe(403);
  // Someone else's token (the admin's own): not the agent's to revoke, nor to know of.
  const adminTokens = await admin()('GET', `/api/tokens?userId=${api.users.admin.id}`);
  expect((await agent.call('DELETE', `/api/tokens/${adminTokens.body.items[0].id}`)).status).toBe(404);
  expect((await agent.call('DELETE', `/api/tokens/${created.body.id}`)).status).toBe(204);
  expect((await client(api.url, token)('GET', '/api/me')).status).toBe(401);
  const forIntegration = await admin()('POST', '/api/tokens', { name: 'crm', userId: agent.id });
  expect(forIntegration.body.userId).toBe(agent.id);
  expect((await admin()('GET', `/api/tokens?userId=${agent.id}&revoked=true`)).body.items).toEqual([
    expect.objectContaining({ id: created.body.id }),
  ]);
});
