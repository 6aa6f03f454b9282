/**
 * Queue behaviour on the real Temporal dev server: who is eligible for an offer, which waiting interaction is
 * served first, offers taken back when an agent pauses, and the "not responding" pause after an offer timeout.
 */
import { waitFor } from '../../scripts/services/process-tools';
import { recordHistoryIfAsked } from '../support/histories';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { createScenario, routeNewEmail, sleep, waitForOffer } from './routing-scenario';

let platform: TestPlatform;

beforeAll(async () => {
  platform = await startTestPlatform();
});
afterAll(async () => {
  await platform?.close();
});

async function routingState(interactionId: number): Promise<string> {
  return (await platform.db.interaction.findUniqueOrThrow({ where: { id: interactionId } })).routingState;
}

describe('queue offering', () => {
  it('offers only to online agents with free capacity', async () => {
    // 0 online and free, 1 paused, 2 offline, 3 online but already holding an interaction at capacity 1.
    const scenario = await createScenario(platform, {
      agents: 4,
      online: [0, 3],
      queues: [{ members: [0, 1, 2, 3], strategy: 'beepall' }],
      plan: ({ queues }) => [{ type: 'queue', queueId: queues[0]!, timeoutSeconds: 60 }],
    });
    const [free, paused, offline, busy] = scenario.agents;
    await platform.db.user.update({ where: { id: paused!.id }, data: { presence: 'paused' } });
    await platform.db.interaction.create({
      data: {
        accountId: scenario.accountId,
        customerEmail: 'other@customer.test',
        agentId: busy!.id,
        routingState: 'accepted',
        status: 'open',
      },
    });
    const routed = await routeNewEmail(platform, scenario);
    await waitForOffer(free!);
    await sleep(500);
    for (const agent of [paused, offline, busy]) expect((await agent!.api.get('/api/me/offers')).body.items).toEqual([]);
    const offers = await platform.db.offer.findMany({ where: { interactionId: routed.interactionId } });
    expect(offers.map((offer) => offer.userId)).toEqual([free!.id]);
    await platform.temporal.workflow.getHandle(routed.workflowId).terminate('test finished');
  });

  it('a parked interaction is offered as soon as an agent closes one, not on its next (backed-off) poll', async () => {
    const scenario = await createScenario(platform, {
      agents: 1,
      online: [0],
      queues: [{ members: [0] }],
      plan: ({ queues }) => [{ type: 'queue', queueId: queues[0]!, timeoutSeconds: 300 }],
    });
    const [agent] = scenario.agents;
    const first = await routeNewEmail(platform, scenario, { subject: 'held' });
    const firstOffer = await waitForOffer(agent!);
    expect((await agent!.api.post(`/api/offers/${firstOffer.id}/accept`)).status).toBe(200);
    // The agent is at capacity: the second email parks (it polls nothing; runs that poll back off to 16 s by now).
    const parked = await routeNewEmail(platform, scenario, { subject: 'parked' });
    await waitFor('the second to wait', async () => (await routingState(parked.interactionId)) === 'waiting-for-agents');
    await sleep(15_000);
    const closedAt = Date.now();
    expect((await agent!.api.post(`/api/interactions/${first.interactionId}/close`, {})).status).toBe(200);
    const next = await waitForOffer(agent!, { timeoutMs: 10_000 });
    expect(next.interactionId).toBe(parked.interactionId);
    // The close itself offered it: no poll was due.
    expect(Date.now() - closedAt).toBeLessThan(8_000);
    expect((await agent!.api.post(`/api/offers/${next.id}/accept`)).status).toBe(200);
    expect((await agent!.api.post(`/api/interactions/${parked.interactionId}/close`, {})).status).toBe(200);
    expect(await parked.result()).toMatchObject({ state: 'closed', agentId: agent!.id });
    recordHistoryIfAsked(parked.workflowId, 'route-email-parked-woken-by-close');
  });

  it('serves waiting interactions by priority first, then by waiting time', async () => {
    const scenario = await createScenario(platform, {
      agents: 1,
      queues: [{ members: [0] }],
      plan: ({ queues }) => [{ type: 'queue', queueId: queues[0]!, timeoutSeconds: 120 }],
    });
    const [agent] = scenario.agents;
    // Oldest first, but with the lowest priority; then two with the same higher priority, in arrival order.
    const low = await routeNewEmail(platform, scenario, { subject: 'low' });
    await waitFor('the first to wait', async () => (await routingState(low.interactionId)) === 'waiting-for-agents');
    const urgentIds: number[] = [];
    for (const subject of ['urgent first', 'urgent second']) {
      const interaction = await platform.db.interaction.create({
        data: { accountId: scenario.accountId, subject, customerEmail: 'carla@customer.test', priority: 5 },
      });
      await routeNewEmail(platform, scenario, { interactionId: interaction.id });
      await waitFor(`${subject} to wait`, async () => (await routingState(interaction.id)) === 'waiting-for-agents');
      urgentIds.push(interaction.id);
    }

    const served: number[] = [];
    expect((await agent!.api.put('/api/me/presence', { presence: 'online' })).status).toBe(200);
    for (let round = 0; round < 3; round++) {
      const offer = await waitForOffer(agent!);
      expect(await platform.db.offer.count({ where: { userId: agent!.id, state: 'pending' } })).toBe(1);
      served.push(offer.interactionId);
      expect((await agent!.api.post(`/api/offers/${offer.id}/accept`)).status).toBe(200);
      expect((await agent!.api.post(`/api/interactions/${offer.interactionId}/close`, {})).status).toBe(200);
    }
    expect(served).toEqual([...urgentIds, low.interactionId]);
  });

  it('takes back the pending offers of an agent who pauses, and the interaction waits again', async () => {
    const scenario = await createScenario(platform, {
      agents: 1,
      online: [0],
      queues: [{ members: [0] }],
      plan: ({ queues }) => [{ type: 'queue', queueId: queues[0]!, timeoutSeconds: 60 }],
    });
    const [agent] = scenario.agents;
    const routed = await routeNewEmail(platform, scenario);
    const offer = await waitForOffer(agent!);
    expect((await agent!.api.put('/api/me/presence', { presence: 'paused' })).status).toBe(200);
    await waitFor(
      'the offer to be canceled',
      async () => (await platform.db.offer.findUniqueOrThrow({ where: { id: offer.id } })).state === 'canceled',
    );
    expect((await agent!.api.post(`/api/offers/${offer.id}/accept`)).status).toBe(409);
    await waitFor('the interaction to wait for agents', async () => (await routingState(routed.interactionId)) === 'waiting-for-agents');

    expect((await agent!.api.put('/api/me/presence', { presence: 'online' })).status).toBe(200);
    const again = await waitForOffer(agent!);
    expect(again.id).not.toBe(offer.id);
    expect((await agent!.api.post(`/api/offers/${again.id}/accept`)).status).toBe(200);
    expect((await agent!.api.post(`/api/interactions/${routed.interactionId}/close`, {})).status).toBe(200);
    expect(await routed.result()).toMatchObject({ state: 'closed', agentId: agent!.id });
    recordHistoryIfAsked(routed.workflowId, 'route-email-pause-takes-offer-back-then-waits');
  });

  it('pauses an agent who lets an offer time out as "not responding" when the queue asks for it, and offers the next agent', async () => {
    const scenario = await createScenario(platform, {
      agents: 2,
      online: [0, 1],
      queues: [{ members: [0, 1], strategy: 'rrmemory', offerTimeoutSeconds: 1 }],
      plan: ({ queues }) => [{ type: 'queue', queueId: queues[0]!, timeoutSeconds: 60 }],
    });
    const pause = await platform.db.pauseStatus.create({ data: { name: `Not responding ${scenario.key}` } });
    await platform.db.queue.update({ where: { id: scenario.queueIds[0]! }, data: { notRespondingPauseStatusId: pause.id } });
    const routed = await routeNewEmail(platform, scenario);

    const first = await Promise.race(scenario.agents.map(async (agent) => ({ agent, offer: await waitForOffer(agent) })));
    const second = scenario.agents.find((agent) => agent !== first.agent)!;
    const nextOffer = await waitForOffer(second, { timeoutMs: 10_000 });
    expect((await platform.db.offer.findUniqueOrThrow({ where: { id: first.offer.id } })).state).toBe('timeout');
    expect((await first.agent.api.get('/api/me')).body).toMatchObject({ presence: 'paused', pauseStatusId: pause.id });
    expect((await second.api.get('/api/me')).body).toMatchObject({ presence: 'online' });

    expect((await second.api.post(`/api/offers/${nextOffer.id}/accept`)).status).toBe(200);
    expect((await second.api.post(`/api/interactions/${routed.interactionId}/close`, {})).status).toBe(200);
    expect(await routed.result()).toMatchObject({ state: 'closed', agentId: second.id });
    const events = await platform.db.routingEvent.findMany({
      where: { interactionId: routed.interactionId, type: 'agent-not-responding' },
    });
    expect(events.map((event) => event.detail)).toEqual([
      { agentId: first.agent.id, queueId: scenario.queueIds[0], pauseStatusId: pause.id },
    ]);
    recordHistoryIfAsked(routed.workflowId, 'route-email-offer-timeout-not-responding-next-agent');
  });

  it('takes back the other pending offers of an agent paused as not responding, at once', async () => {
    // Account 1 offers its email to the agent for a minute; account 2's queue gives the same agent 1 s and pauses
    // them as "not responding" when it passes. The minute-long offer must not wait for its own timeout.
    const patient = await createScenario(platform, {
      agents: 1,
      online: [0],
      queues: [{ members: [0], offerTimeoutSeconds: 60 }],
      plan: ({ queues }) => [{ type: 'queue', queueId: queues[0]!, timeoutSeconds: 300 }],
    });
    const agent = patient.agents[0]!;
    // Room for two offers at once (pending offers count against capacity).
    await platform.db.user.update({ where: { id: agent.id }, data: { capacity: 2 } });
    const strict = await createScenario(platform, {
      agents: 0,
      queues: [{ members: [], offerTimeoutSeconds: 1 }],
      plan: ({ queues }) => [{ type: 'queue', queueId: queues[0]!, timeoutSeconds: 300 }],
    });
    await platform.db.accountAgent.create({ data: { accountId: strict.accountId, userId: agent.id } });
    await platform.db.queueMember.create({ data: { queueId: strict.queueIds[0]!, userId: agent.id } });
    const pause = await platform.db.pauseStatus.create({ data: { name: `Not responding ${strict.key}` } });
    await platform.db.queue.update({ where: { id: strict.queueIds[0]! }, data: { notRespondingPauseStatusId: pause.id } });

    const waiting = await routeNewEmail(platform, patient);
    const patientOffer = await waitForOffer(agent);
    expect(patientOffer.interactionId).toBe(waiting.interactionId);
    const strictRouted = await routeNewEmail(platform, strict);
    await waitFor(
      'the agent to be paused as not responding',
      async () => (await platform.db.user.findUniqueOrThrow({ where: { id: agent.id } })).pauseStatusId === pause.id,
      { timeoutMs: 15_000 },
    );
    await waitFor(
      'the minute-long offer to be taken back',
      async () => (await platform.db.offer.findUniqueOrThrow({ where: { id: patientOffer.id } })).state === 'canceled',
      { timeoutMs: 10_000 },
    );
    expect((await agent.api.get('/api/me/offers')).body.items).toEqual([]);
    // Taken back half a minute or more before it would have expired by itself.
    expect((await platform.db.offer.findUniqueOrThrow({ where: { id: patientOffer.id } })).respondedAt!.getTime()).toBeLessThan(
      new Date(patientOffer.expiresAt).getTime() - 30_000,
    );
    await waitFor('account 1 to wait for agents again', async () => (await routingState(waiting.interactionId)) === 'waiting-for-agents');
    for (const routed of [waiting, strictRouted]) await platform.temporal.workflow.getHandle(routed.workflowId).terminate('test finished');
  });
});
