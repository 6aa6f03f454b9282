/**
 * Routing with database placement, the properties the speed rests on: capacity holds under a burst, a parked
 * interaction costs no work while it waits, a lost wake-up heals by itself, and an accept needs no worker.
 */
import { waitFor } from '../../scripts/services/process-tools';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { createScenario, routeNewEmail, sleep, waitForOffer } from './routing-scenario';

let platform: TestPlatform;

beforeAll(async () => {
  platform = await startTestPlatform();
});
afterAll(async () => {
  await platform?.close();
});

const waitingCount = (accountId: number) => platform.db.interaction.count({ where: { accountId, routingState: 'waiting-for-agents' } });

it('never offers an agent more than their capacity, even when a burst of emails is placed at once', async () => {
  const scenario = await createScenario(platform, {
    agents: 1,
    online: [0],
    queues: [{ members: [0], strategy: 'beepall', offerTimeoutSeconds: 300 }],
    plan: ({ queues }) => [{ type: 'queue', queueId: queues[0]!, timeoutSeconds: 300 }],
  });
  const [agent] = scenario.agents;
  await platform.db.user.update({ where: { id: agent!.id }, data: { capacity: 3 } });
  const routed = await Promise.all(
    Array.from({ length: 12 }, (_, index) => routeNewEmail(platform, scenario, { subject: `burst ${index}` })),
  );
  let most = 0;
  await waitFor(
    'three offered and nine waiting',
    async () => {
      const pending = await platform.db.offer.count({ where: { userId: agent!.id, state: 'pending' } });
      most = Math.max(most, pending);
      return pending === 3 && (await waitingCount(scenario.accountId)) === 9;
    },
    {
      timeoutMs: 60_000,
      intervalMs: 20,
      explain: () => `most pending at once: ${most}`,
    },
  );
  for (let sample = 0; sample < 20; sample++) {
    most = Math.max(most, await platform.db.offer.count({ where: { userId: agent!.id, state: 'pending' } }));
    await sleep(50);
  }
  expect(most).toBe(3);
  for (const run of routed) await platform.temporal.workflow.getHandle(run.workflowId).terminate('test finished');
});

it('costs no workflow task while it waits: the parked run has only its step deadline timer', async () => {
  const scenario = await createScenario(platform, {
    agents: 1,
    queues: [{ members: [0] }],
    plan: ({ queues }) => [{ type: 'queue', queueId: queues[0]!, timeoutSeconds: 600 }],
  });
  const parked = await routeNewEmail(platform, scenario);
  await waitFor('it to wait', async () => (await waitingCount(scenario.accountId)) === 1);
  const handle = platform.temporal.workflow.getHandle(parked.workflowId);
  const eventsOf = async () => (await handle.fetchHistory()).events ?? [];
  await waitFor('its first task to complete', async () => (await eventsOf()).some((event) => event.timerStartedEventAttributes));
  const before = await eventsOf();
  await sleep(10_000);
  const after = await eventsOf();
  expect(after.length).toBe(before.length);
  expect(before.filter((event) => event.timerStartedEventAttributes)).toHaveLength(1);
  expect(before.filter((event) => event.activityTaskScheduledEventAttributes)).toHaveLength(0);
  await handle.terminate('test finished');
});

it('offers a waiting interaction when an agent came online without telling routing (a lost wake-up heals)', async () => {
  const scenario = await createScenario(platform, {
    agents: 1,
    queues: [{ members: [0] }],
    plan: ({ queues }) => [{ type: 'queue', queueId: queues[0]!, timeoutSeconds: 300 }],
  });
  const [agent] = scenario.agents;
  const parked = await routeNewEmail(platform, scenario);
  await waitFor('it to wait', async () => (await waitingCount(scenario.accountId)) === 1);
  // Straight in the database: no presence change reaches the dispatcher, as when the process that should have died.
  await platform.db.user.update({ where: { id: agent!.id }, data: { presence: 'online' } });
  const offer = await waitForOffer(agent!, { timeoutMs: 20_000 });
  expect(offer.interactionId).toBe(parked.interactionId);
  await platform.temporal.workflow.getHandle(parked.workflowId).terminate('test finished');
});

it('answers an accept at once while no worker runs, and the run holds the interaction when one is back', async () => {
  const scenario = await createScenario(platform, {
    agents: 1,
    online: [0],
    queues: [{ members: [0], offerTimeoutSeconds: 120 }],
    plan: ({ queues }) => [{ type: 'queue', queueId: queues[0]!, timeoutSeconds: 120 }],
  });
  const [agent] = scenario.agents;
  const routed = await routeNewEmail(platform, scenario);
  const offer = await waitForOffer(agent!);
  await platform.worker.kill();
  try {
    const asked = Date.now();
    const accepted = await agent!.api.post(`/api/offers/${offer.id}/accept`);
    expect(accepted.status).toBe(200);
    expect(Date.now() - asked).toBeLessThan(2_000);
    expect(await platform.db.interaction.findUniqueOrThrow({ where: { id: routed.interactionId } })).toMatchObject({
      agentId: agent!.id,
      routingState: 'accepted',
    });
  } finally {
    await platform.worker.start();
  }
  expect((await agent!.api.post(`/api/interactions/${routed.interactionId}/close`, {})).body).toEqual({ state: 'closed' });
  expect(await routed.result()).toMatchObject({ state: 'closed', agentId: agent!.id });
});
