/**
 * The demo account, made through the API as an admin would: two agents in a queue, an account on the demo mailbox
 * (SMTP to the demo capture), a disposition, an action plan to the queue, activated and marked as the demo.
 */
import { adminApi, expectStatus, type AdminApi } from './api-client';
import type { DemoState } from './state';

export { adminApi };

export interface DemoServers {
  imapPort: number;
  smtpPort: number;
}

async function ensureUser(api: AdminApi, agent: DemoState['agents'][number]): Promise<number> {
  const created = await expectStatus(
    api.call('POST', '/api/users', { name: agent.name, email: agent.email, role: 'agent', password: agent.password }),
    [201, 409],
    `creating ${agent.email}`,
  );
  if (created.status === 201) return created.body.id as number;
  // Left by a demo set-up that stopped half-way.
  const found = await expectStatus(api.call('GET', `/api/users?q=${encodeURIComponent(agent.email)}`), [200], 'finding a demo agent');
  const user = (found.body.items as { id: number; email: string }[]).find((item) => item.email === agent.email);
  if (!user) throw new Error(`${agent.email} exists but cannot be found`);
  return user.id;
}

async function ensureQueue(api: AdminApi, name: string): Promise<number> {
  const created = await expectStatus(
    api.call('POST', '/api/queues', { name, strategy: 'beepall', offerTimeoutSeconds: 60 }),
    [201, 409],
    'creating the demo queue',
  );
  if (created.status === 201) return created.body.id as number;
  const found = await expectStatus(api.call('GET', `/api/queues?q=${encodeURIComponent(name)}`), [200], 'finding the demo queue');
  const queue = (found.body.items as { id: number; name: string }[]).find((item) => item.name === name);
  if (!queue) throw new Error(`the queue ${name} exists but cannot be found`);
  return queue.id;
}

/** Whether the platform has no email account yet (the demo is made only then). */
export async function hasNoAccounts(api: AdminApi): Promise<boolean> {
  const listed = await expectStatus(api.call('GET', '/api/accounts?limit=1'), [200], 'listing the accounts');
  return (listed.body.items as unknown[]).length === 0;
}

export async function createDemoAccount(api: AdminApi, state: DemoState, servers: DemoServers): Promise<number> {
  const agentIds: number[] = [];
  for (const agent of state.agents) agentIds.push(await ensureUser(api, agent));
  const queueId = await ensureQueue(api, 'Demo support');
  await expectStatus(
    api.call('PUT', `/api/queues/${queueId}/members`, { members: agentIds.map((agentId) => ({ agentId })) }),
    [200],
    'filling the demo queue',
  );
  const account = await expectStatus(
    api.call('POST', '/api/accounts', {
      name: 'Demo shop support',
      key: 'DEMO',
      emailAddress: state.emailAddress,
      description: 'Made by npm start on an empty platform, wired to the local demo mailbox. Delete it to stop the demo for good.',
      imapHost: '127.0.0.1',
      imapPort: servers.imapPort,
      imapSsl: false,
      imapUsername: state.mailUser.user,
      imapPassword: state.mailUser.password,
      smtpHost: '127.0.0.1',
      smtpPort: servers.smtpPort,
      smtpSecure: false,
      smtpAuth: false,
    }),
    [201],
    'creating the demo account',
  );
  const accountId = account.body.id as number;
  await expectStatus(api.call('PUT', '/api/demo', { accountId }), [200], 'marking the demo account');
  await expectStatus(api.call('PUT', `/api/accounts/${accountId}/agents`, { agentIds }), [200], 'adding the demo agents');
  await expectStatus(api.call('PUT', `/api/accounts/${accountId}/queues`, { queueIds: [queueId] }), [200], 'adding the demo queue');
  await expectStatus(api.call('POST', `/api/accounts/${accountId}/dispositions`, { name: 'Solved' }), [201], 'adding a disposition');
  await expectStatus(
    api.call('PUT', `/api/accounts/${accountId}/action-plan`, { steps: [{ type: 'queue', queueId, timeoutSeconds: 600 }] }),
    [201],
    'publishing the action plan',
  );
  await updateDemoAccount(api, accountId, { active: true });
  return accountId;
}

/** Changes the account (If-Match its current version); false when it no longer exists. */
export async function updateDemoAccount(api: AdminApi, accountId: number, changes: Record<string, unknown>): Promise<boolean> {
  const current = await expectStatus(api.call('GET', `/api/accounts/${accountId}`), [200, 404], 'reading the demo account');
  if (current.status === 404) return false;
  await expectStatus(
    api.call('PATCH', `/api/accounts/${accountId}`, changes, { 'if-match': current.etag ?? '*' }),
    [200],
    'changing the demo account',
  );
  return true;
}

export async function demoAccountExists(api: AdminApi, accountId: number): Promise<boolean> {
  const answer = await expectStatus(api.call('GET', `/api/accounts/${accountId}`), [200, 404], 'reading the demo account');
  return answer.status === 200;
}
