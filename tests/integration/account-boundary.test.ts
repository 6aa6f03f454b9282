/**
 * A supervisor of one account reaches nothing of another: its canned answers (which its agents would send to its
 * customers), its people, and the global answers every account's customers receive.
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

async function accountWithSupervisor() {
  const account = (await admin()('POST', '/api/accounts', minimalAccount())).body as { id: number };
  const supervisor = await api.newUser('supervisor');
  const agent = await api.newUser('agent');
  expect((await admin()('PUT', `/api/accounts/${account.id}/agents`, { agentIds: [supervisor.id, agent.id] })).status).toBe(200);
  return { account, supervisor, agent };
}

test("a supervisor of account B can neither read, change nor add account A's canned answers, nor change global ones", async () => {
  const a = await accountWithSupervisor();
  const b = await accountWithSupervisor();
  const marker = unique();
  const ofA = (await admin()('POST', '/api/canned-answers', { name: `A ${marker}`, body: 'From A', accountId: a.account.id })).body;
  const global = (await admin()('POST', '/api/canned-answers', { name: `Global ${marker}`, body: 'Hello' })).body;
  const asB = b.supervisor.call;

  expect((await asB('GET', `/api/canned-answers/${ofA.id}`)).status).toBe(404);
  expect((await asB('PATCH', `/api/canned-answers/${ofA.id}`, { body: 'Tampered' })).status).toBe(404);
  expect((await asB('DELETE', `/api/canned-answers/${ofA.id}`)).status).toBe(404);
  expect((await asB('POST', '/api/canned-answers', { name: 'x', body: 'y', accountId: a.account.id })).status).toBe(404);
  // An unknown account answers the same: nothing tells which accounts exist.
  expect((await asB('POST', '/api/canned-answers', { name: 'x', body: 'y', accountId: 2147483647 })).status).toBe(404);
  expect((await asB('GET', `/api/canned-answers?accountId=${a.account.id}`)).status).toBe(404);
  const listed = await asB('GET', `/api/canned-answers?q=${marker}`);
  expect(listed.body.items.map((item: { id: number }) => item.id)).toEqual([global.id]);
  expect((await asB('PATCH', `/api/canned-answers/${global.id}`, { body: 'Tampered' })).status).toBe(403);
  expect((await asB('DELETE', `/api/canned-answers/${global.id}`)).status).toBe(403);
  expect((await asB('POST', '/api/canned-answers', { name: 'x', body: 'y', accountId: null })).status).toBe(403);
  expect((await admin()('GET', `/api/canned-answers/${ofA.id}`)).body.body).toBe('From A');

  // Their own account's answers they manage.
  const ofB = await asB('POST', '/api/canned-answers', { name: `B ${marker}`, body: 'From B', accountId: b.account.id });
  expect(ofB.status).toBe(201);
  expect((await asB('PATCH', `/api/canned-answers/${ofB.body.id}`, { body: 'Still B' })).status).toBe(200);
  expect((await asB('GET', `/api/canned-answers/${global.id}`)).status).toBe(200);
});

test("a supervisor of account B does not see account A's people", async () => {
  const a = await accountWithSupervisor();
  const b = await accountWithSupervisor();
  const asB = b.supervisor.call;
  expect((await asB('GET', `/api/users?accountId=${a.account.id}`)).status).toBe(404);
  const everyone = await asB('GET', '/api/users?limit=200');
  const ids = everyone.body.items.map((user: { id: number }) => user.id);
  expect(ids).toEqual(expect.arrayContaining([b.supervisor.id, b.agent.id]));
  expect(ids).not.toContain(a.agent.id);
  expect((await asB('GET', `/api/users/${a.agent.id}`)).status).toBe(404);
  expect((await asB('GET', `/api/users/${b.agent.id}`)).status).toBe(200);
  expect((await client(api.url, b.supervisor.token)('GET', `/api/users/${b.supervisor.id}`)).status).toBe(200);
});
