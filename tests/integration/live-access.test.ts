/**
 * A live event stream delivers only what its user may see now: removed from an account, an agent stops receiving
 * its events at once; with their token revoked, the stream ends.
 */
import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { createPgEventBus } from '../../platform/live-events';
import { openLiveEvents } from '../support/live-events';
import { startTestPlatform, uniqueAccountKey, type TestPlatform } from '../support/platform';
import { testEnvironment } from '../support/test-environment';

let platform: TestPlatform;
let pool: Pool;

beforeAll(async () => {
  platform = await startTestPlatform();
  pool = new Pool({ connectionString: testEnvironment().databaseUrl, max: 1 });
});
afterAll(async () => {
  await pool?.end();
  await platform?.close();
});

async function accountWithAgent() {
  const key = uniqueAccountKey();
  const account = await platform.db.emailAccount.create({
    data: { name: `Live ${key}`, key, emailAddress: `live-${key.toLowerCase()}@example.test` },
  });
  const agent = await platform.db.user.create({
    data: { name: `Agent ${key}`, email: `agent-${key.toLowerCase()}-${randomBytes(3).toString('hex')}@test.invalid` },
  });
  await platform.db.accountAgent.create({ data: { accountId: account.id, userId: agent.id } });
  return { account, agent };
}

const routingEvent = (accountId: number, type: string) => ({
  kind: 'routing' as const,
  accountId,
  interactionId: 1,
  type,
  detail: {},
  at: new Date().toISOString(),
});

it('stops delivering an account’s events to an agent removed from it, from the next event on', async () => {
  const { account, agent } = await accountWithAgent();
  const asAgent = await platform.clientFor(agent.id);
  const stream = await openLiveEvents(platform.apiUrl, asAgent.token!);
  const bus = createPgEventBus(pool);
  await bus.publish(routingEvent(account.id, 'offered'));
  await stream.waitFor(1);
  expect((await platform.admin.put(`/api/accounts/${account.id}/agents`, { agentIds: [] })).status).toBe(200);
  await bus.publish(routingEvent(account.id, 'accepted'));
  await bus.publish(routingEvent(account.id, 'closed'));
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  stream.close();
  expect(stream.events.map((event) => event.event)).toEqual(['offered']);
});

it('ends the stream of a revoked token', async () => {
  const { account, agent } = await accountWithAgent();
  const asAgent = await platform.clientFor(agent.id);
  const stream = await openLiveEvents(platform.apiUrl, asAgent.token!);
  const bus = createPgEventBus(pool);
  await bus.publish(routingEvent(account.id, 'offered'));
  await stream.waitFor(1);
  const tokens = await platform.admin.get<{ items: Array<{ id: number }> }>(`/api/tokens?userId=${agent.id}`);
  for (const token of tokens.body.items) expect((await platform.admin.delete(`/api/tokens/${token.id}`)).status).toBe(204);
  await bus.publish(routingEvent(account.id, 'accepted'));
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  expect(stream.events.map((event) => event.event)).toEqual(['offered']);
  expect(stream.ended).toBe(true);
  stream.close();
});
