/**
 * The routing workflow on the real Temporal dev server, with real (short) timers: assigned agent → the
 * assigned agent's queues → action plan; accept / reject; ring-all races; mandatory disposition; and the
 * same outcomes when the worker is SIGKILLed during each wait. Agents act over the REST API.
 */
import { routingStatusQuery } from '../../contracts/route-email';
import { waitFor } from '../../scripts/services/process-tools';
import { recordHistoryIfAsked } from '../support/histories';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { createScenario, routeNewEmail, sleep, waitForOffer, type Scenario } from './routing-scenario';

let platform: TestPlatform;

beforeAll(async () => {
  platform = await startTestPlatform();
});
afterAll(async () => {
  await platform?.close();
});

/** SIGKILLs the worker and starts a new one, while the workflow waits (timers keep running on the server). */
async function crashWorker(downMs = 0): Promise<void> {
  await platform.worker.kill();
  if (downMs > 0) await sleep(downMs);
  await platform.worker.start();
}

async function offerStates(interactionId: number) {
  const offers = await platform.db.offer.findMany({ where: { interactionId }, orderBy: { id: 'asc' } });
  return offers.map((offer) => ({ agentId: offer.userId, source: offer.source, state: offer.state }));
}

async function closeAs(scenario: Scenario, agentIndex: number, interactionId: number, body: object = {}) {
  return scenario.agents[agentIndex]!.api.post(`/api/interactions/${interactionId}/close`, body);
}

describe('assigned agent first', () => {
  async function assignedAgentAcceptsInTime(crash: boolean) {
    // Agent 0 handles the thread and is offline (the assigned agent is waited for anyway); agent 1 is online in the same queue.
    const scenario = await createScenario(platform, {
      agents: 2,
      online: [1],
      queues: [{ members: [0, 1] }],
      account: { waitForAssignedAgentSeconds: 30 },
    });
    const [assigned, colleague] = scenario.agents;
    const routed = await routeNewEmail(platform, scenario, { assignedAgentId: assigned!.id });
    const offer = await waitForOffer(assigned!, { source: 'assigned-agent' });
    if (crash) await crashWorker();

    const accepted = await assigned!.api.post(`/api/offers/${offer.id}/accept`);
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ interactionId: routed.interactionId, state: 'accepted' });
    expect((await colleague!.api.get('/api/me/offers')).body.items).toEqual([]);
    expect((await closeAs(scenario, 0, routed.interactionId)).body).toEqual({ state: 'closed' });
    expect(await routed.result()).toMatchObject({ state: 'closed', agentId: assigned!.id });
    expect(await offerStates(routed.interactionId)).toEqual([{ agentId: assigned!.id, source: 'assigned-agent', state: 'accepted' }]);
    return routed.workflowId;
  }

  it('offers a thread to the agent who handles it, even while offline, and the queue never sees it when they accept in time', async () => {
    const workflowId = await assignedAgentAcceptsInTime(false);
    recordHistoryIfAsked(workflowId, 'route-email-assigned-agent-accepts');
  });

  it('reaches the same outcome when the worker is SIGKILLed while waiting for the assigned agent', async () => {
    const workflowId = await assignedAgentAcceptsInTime(true);
    recordHistoryIfAsked(workflowId, 'route-email-assigned-agent-accepts-across-worker-kill');
  });

  async function assignedAgentTimesOut(crashWhileTimerRuns: boolean) {
    const scenario = await createScenario(platform, {
      agents: 2,
      online: [1],
      queues: [{ members: [0, 1] }],
      account: { waitForAssignedAgentSeconds: 2, waitForAssignedQueueSeconds: 30 },
    });
    const [assigned, colleague] = scenario.agents;
    const routed = await routeNewEmail(platform, scenario, { assignedAgentId: assigned!.id });
    await waitForOffer(assigned!, { source: 'assigned-agent' });
    const offeredAt = Date.now();
    // The worker is down when the timer fires; the new worker picks the timeout up.
    if (crashWhileTimerRuns) await crashWorker(2_500);

    const queueOffer = await waitForOffer(colleague!, { source: 'assigned-queue', timeoutMs: 60_000 });
    expect(Date.now() - offeredAt).toBeGreaterThanOrEqual(1_900);
    expect((await assigned!.api.get('/api/me/offers')).body.items).toEqual([]);
    expect((await colleague!.api.post(`/api/offers/${queueOffer.id}/accept`)).status).toBe(200);
    expect((await closeAs(scenario, 1, routed.interactionId)).body).toEqual({ state: 'closed' });
    expect(await routed.result()).toMatchObject({ state: 'closed', agentId: colleague!.id });
    expect(await offerStates(routed.interactionId)).toEqual([
      { agentId: assigned!.id, source: 'assigned-agent', state: 'timeout' },
      { agentId: colleague!.id, source: 'assigned-queue', state: 'accepted' },
    ]);
    return routed.workflowId;
  }

  it('moves to the assigned agent’s queues when the assigned agent does not accept in time', async () => {
    const workflowId = await assignedAgentTimesOut(false);
    recordHistoryIfAsked(workflowId, 'route-email-assigned-agent-timeout-queue-accepts');
  });

  it('moves to the queues after the assigned agent’s timeout even when the worker was SIGKILLed and down as the timer fired', async () => {
    await assignedAgentTimesOut(true);
  });

  it('moves to the queues at once when the assigned agent rejects', async () => {
    const scenario = await createScenario(platform, {
      agents: 2,
      online: [1],
      queues: [{ members: [0, 1] }],
      account: { waitForAssignedAgentSeconds: 60, waitForAssignedQueueSeconds: 30 },
    });
    const [assigned, colleague] = scenario.agents;
    const routed = await routeNewEmail(platform, scenario, { assignedAgentId: assigned!.id });
    const offer = await waitForOffer(assigned!, { source: 'assigned-agent' });

    const rejectedAt = Date.now();
    expect((await assigned!.api.post(`/api/offers/${offer.id}/reject`)).status).toBe(200);
    // A second answer to the same offer is refused: it is no longer pending.
    expect((await assigned!.api.post(`/api/offers/${offer.id}/accept`)).status).toBe(409);
    const queueOffer = await waitForOffer(colleague!, { source: 'assigned-queue', timeoutMs: 10_000 });
    expect(Date.now() - rejectedAt).toBeLessThan(5_000);

    expect((await colleague!.api.post(`/api/offers/${queueOffer.id}/accept`)).status).toBe(200);
    expect((await closeAs(scenario, 1, routed.interactionId)).body).toEqual({ state: 'closed' });
    expect(await routed.result()).toMatchObject({ state: 'closed', agentId: colleague!.id });
    expect(await offerStates(routed.interactionId)).toEqual([
      { agentId: assigned!.id, source: 'assigned-agent', state: 'rejected' },
      { agentId: colleague!.id, source: 'assigned-queue', state: 'accepted' },
    ]);
    recordHistoryIfAsked(routed.workflowId, 'route-email-assigned-agent-rejects');
  });
});

describe('assigned queue, then the action plan', () => {
  async function assignedQueueTimesOut(crash: boolean) {
    // Agent 0 is assigned (offline), agent 1 is in agent 0's queue, agent 2 is named by the plan.
    const scenario = await createScenario(platform, {
      agents: 3,
      online: [1, 2],
      queues: [{ members: [0, 1], offerTimeoutSeconds: 30 }],
      account: { waitForAssignedAgentSeconds: 1, waitForAssignedQueueSeconds: 2 },
      plan: ({ agents }) => [{ type: 'agent', agentId: agents[2]!, timeoutSeconds: 30 }],
    });
    const [assigned, colleague, planAgent] = scenario.agents;
    const routed = await routeNewEmail(platform, scenario, { assignedAgentId: assigned!.id });
    await waitForOffer(colleague!, { source: 'assigned-queue' });
    const queueOfferedAt = Date.now();
    if (crash) await crashWorker();

    const planOffer = await waitForOffer(planAgent!, { source: 'agent-step', timeoutMs: 60_000 });
    expect(Date.now() - queueOfferedAt).toBeGreaterThanOrEqual(1_500);
    expect((await colleague!.api.get('/api/me/offers')).body.items).toEqual([]);
    if (crash) await crashWorker();
    expect((await planAgent!.api.post(`/api/offers/${planOffer.id}/accept`)).status).toBe(200);
    expect((await closeAs(scenario, 2, routed.interactionId)).body).toEqual({ state: 'closed' });
    expect(await routed.result()).toMatchObject({ state: 'closed', agentId: planAgent!.id });
    expect(await offerStates(routed.interactionId)).toEqual([
      { agentId: assigned!.id, source: 'assigned-agent', state: 'timeout' },
      { agentId: colleague!.id, source: 'assigned-queue', state: 'timeout' },
      { agentId: planAgent!.id, source: 'agent-step', state: 'accepted' },
    ]);
    const planEvents = await platform.db.routingEvent.findMany({ where: { interactionId: routed.interactionId, type: 'plan-step' } });
    expect(planEvents.map((event) => event.detail)).toEqual([{ step: 1, stepType: 'agent', planVersion: 1 }]);
    return routed.workflowId;
  }

  it('runs the action plan when the assigned queue does not accept in time', async () => {
    const workflowId = await assignedQueueTimesOut(false);
    recordHistoryIfAsked(workflowId, 'route-email-assigned-queue-timeout-plan-agent-accepts');
  });

  it('reaches the same outcome when the worker is SIGKILLed during the assigned-queue wait and the plan’s offer', async () => {
    const workflowId = await assignedQueueTimesOut(true);
    recordHistoryIfAsked(workflowId, 'route-email-assigned-queue-timeout-across-worker-kills');
  });

  it('waits unassigned, its run still there, with a clear reason when the plan runs out of steps', async () => {
    const scenario = await createScenario(platform, {
      agents: 1,
      queues: [{ members: [0] }],
      plan: () => [{ type: 'noop' }, { type: 'tag', tags: ['unanswered'] }],
    });
    const routed = await routeNewEmail(platform, scenario);
    expect(await routed.unassigned()).toBe('action plan ended without an agent accepting');
    const interaction = await platform.db.interaction.findUniqueOrThrow({ where: { id: routed.interactionId } });
    expect(interaction).toMatchObject({ routingState: 'unassigned', routingWorkflowId: routed.workflowId, tags: ['unanswered'] });
    const status = await platform.temporal.workflow.getHandle(routed.workflowId).query(routingStatusQuery);
    expect(status).toMatchObject({ state: 'unassigned', holderAgentId: null });
  });
});

describe('queue offering', () => {
  it('rings all ten online agents at once and exactly one of ten simultaneous accepts wins; the others get 409', async () => {
    const members = Array.from({ length: 10 }, (_, index) => index);
    const scenario = await createScenario(platform, {
      agents: 10,
      online: members,
      queues: [{ members, strategy: 'beepall', offerTimeoutSeconds: 60 }],
      plan: ({ queues }) => [{ type: 'queue', queueId: queues[0]!, timeoutSeconds: 60 }],
    });
    const routed = await routeNewEmail(platform, scenario);
    const offers = await Promise.all(scenario.agents.map((agent) => waitForOffer(agent, { source: 'queue-step' })));

    const answers = await Promise.all(scenario.agents.map((agent, index) => agent.api.post(`/api/offers/${offers[index]!.id}/accept`)));
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses).toEqual([200, 409, 409, 409, 409, 409, 409, 409, 409, 409]);
    const winnerIndex = answers.findIndex((answer) => answer.status === 200);
    const winner = scenario.agents[winnerIndex]!;
    for (const answer of answers.filter((entry) => entry.status === 409)) {
      expect(answer.body).toMatchObject({ status: 409 });
      expect(answer.body.detail).toMatch(/no longer pending|is rescinded|is accepted/);
    }

    expect((await closeAs(scenario, winnerIndex, routed.interactionId)).body).toEqual({ state: 'closed' });
    expect(await routed.result()).toMatchObject({ state: 'closed', agentId: winner.id });
    const states = await offerStates(routed.interactionId);
    expect(states.filter((offer) => offer.state === 'accepted')).toEqual([{ agentId: winner.id, source: 'queue-step', state: 'accepted' }]);
    expect(states.filter((offer) => offer.state === 'rescinded')).toHaveLength(9);
    const interaction = await platform.db.interaction.findUniqueOrThrow({ where: { id: routed.interactionId } });
    expect(interaction.agentId).toBe(winner.id);
    recordHistoryIfAsked(routed.workflowId, 'route-email-ring-all-race');
  });
});

describe('ring-all race delivered in one batch', () => {
  it('still lets exactly one of ten accepts win when they all reach the workflow in the same activation (sent while the worker is down)', async () => {
    const members = Array.from({ length: 10 }, (_, index) => index);
    const scenario = await createScenario(platform, {
      agents: 10,
      online: members,
      queues: [{ members, strategy: 'beepall', offerTimeoutSeconds: 120 }],
      plan: ({ queues }) => [{ type: 'queue', queueId: queues[0]!, timeoutSeconds: 120 }],
    });
    const routed = await routeNewEmail(platform, scenario);
    const offers = await Promise.all(scenario.agents.map((agent) => waitForOffer(agent, { source: 'queue-step' })));
    await waitFor(
      'the offer round to be written',
      async () => (await platform.db.routingEvent.count({ where: { interactionId: routed.interactionId, type: 'offered' } })) === 1,
    );
    await platform.worker.kill();
    // The updates wait at the server; the restarted worker receives them together.
    const pendingAnswers = scenario.agents.map((agent, index) => agent.api.post(`/api/offers/${offers[index]!.id}/accept`));
    await sleep(1_000);
    await platform.worker.start();
    const answers = await Promise.all(pendingAnswers);
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409, 409, 409, 409, 409, 409, 409, 409, 409]);
    const winnerIndex = answers.findIndex((answer) => answer.status === 200);
    expect((await closeAs(scenario, winnerIndex, routed.interactionId)).body).toEqual({ state: 'closed' });
    expect(await routed.result()).toMatchObject({ state: 'closed', agentId: scenario.agents[winnerIndex]!.id });
    const states = await offerStates(routed.interactionId);
    expect(states.filter((offer) => offer.state === 'accepted')).toHaveLength(1);
    recordHistoryIfAsked(routed.workflowId, 'route-email-ring-all-race-one-batch');
  });
});

describe('mandatory disposition', () => {
  async function disposeWithPause(crash: boolean) {
    const scenario = await createScenario(platform, {
      agents: 1,
      online: [0],
      queues: [{ members: [0] }],
      account: { mandatoryDisposition: true, withPauseStatus: true },
      plan: ({ queues }) => [{ type: 'queue', queueId: queues[0]!, timeoutSeconds: 60 }],
    });
    const [agent] = scenario.agents;
    const routed = await routeNewEmail(platform, scenario);
    const offer = await waitForOffer(agent!);
    expect((await agent!.api.post(`/api/offers/${offer.id}/accept`)).status).toBe(200);

    expect((await closeAs(scenario, 0, routed.interactionId)).body).toMatchObject({ state: 'disposing', needs: 'disposition' });
    expect((await agent!.api.get('/api/me')).body).toMatchObject({ presence: 'paused', pauseStatusId: scenario.pauseStatusId });
    if (crash) await crashWorker();
    const withoutDisposition = await closeAs(scenario, 0, routed.interactionId);
    expect(withoutDisposition.status).toBe(409);
    expect(withoutDisposition.body.detail).toMatch(/needs a disposition/);

    expect((await closeAs(scenario, 0, routed.interactionId, { dispositionId: scenario.dispositionId })).body).toEqual({ state: 'closed' });
    expect((await agent!.api.get('/api/me')).body).toMatchObject({ presence: 'online', pauseStatusId: null });
    expect(await routed.result()).toMatchObject({ state: 'closed', agentId: agent!.id });
    const interaction = await platform.db.interaction.findUniqueOrThrow({ where: { id: routed.interactionId } });
    expect(interaction).toMatchObject({ status: 'closed', dispositionId: scenario.dispositionId });
    return routed.workflowId;
  }

  it('keeps an accepted interaction open until the agent sends a disposition, pausing the agent meanwhile and restoring after', async () => {
    const workflowId = await disposeWithPause(false);
    recordHistoryIfAsked(workflowId, 'route-email-mandatory-disposition-pause');
  });

  it('restores the agent’s presence after the disposition even when the worker was SIGKILLed while disposing', async () => {
    await disposeWithPause(true);
  });
});

describe('new messages on an open interaction', () => {
  it('go to the agent who holds the interaction, unread, without a new offer or queue race', async () => {
    const scenario = await createScenario(platform, {
      agents: 2,
      online: [0, 1],
      queues: [{ members: [0, 1] }],
      plan: ({ queues }) => [{ type: 'queue', queueId: queues[0]!, timeoutSeconds: 60 }],
    });
    const routed = await routeNewEmail(platform, scenario);
    const offers = await Promise.all(scenario.agents.map((agent) => waitForOffer(agent)));
    expect((await scenario.agents[0]!.api.post(`/api/offers/${offers[0]!.id}/accept`)).status).toBe(200);

    const followUp = await routeNewEmail(platform, scenario, { interactionId: routed.interactionId });
    expect(await followUp.result()).toEqual({
      state: 'joined-open-interaction',
      agentId: null,
      reason: `interaction is routed by ${routed.workflowId}`,
    });
    await waitFor('the holder to be told about the new message', async () =>
      Boolean(await platform.db.routingEvent.findFirst({ where: { interactionId: routed.interactionId, type: 'message-added' } })),
    );
    const added = await platform.db.routingEvent.findFirstOrThrow({
      where: { interactionId: routed.interactionId, type: 'message-added' },
    });
    expect(added).toMatchObject({ workflowId: routed.workflowId, messageId: followUp.messageId });
    expect(added.detail).toEqual({ agentId: scenario.agents[0]!.id, fromWorkflowId: followUp.workflowId });
    const interaction = await platform.db.interaction.findUniqueOrThrow({ where: { id: routed.interactionId } });
    expect(interaction).toMatchObject({ read: false, agentId: scenario.agents[0]!.id, routingWorkflowId: routed.workflowId });
    expect(await platform.db.offer.count({ where: { interactionId: routed.interactionId } })).toBe(2);
    expect((await scenario.agents[1]!.api.get('/api/me/offers')).body.items).toEqual([]);
    expect((await closeAs(scenario, 0, routed.interactionId)).body).toEqual({ state: 'closed' });
    expect(await routed.result()).toMatchObject({ state: 'closed', agentId: scenario.agents[0]!.id });
    recordHistoryIfAsked(followUp.workflowId, 'route-email-new-message-joins-holder');
    recordHistoryIfAsked(routed.workflowId, 'route-email-holder-notified-of-new-message');
  });
});

describe('visibility', () => {
  it('keeps the search attributes current and answers the routingStatus query', async () => {
    const scenario = await createScenario(platform, {
      agents: 1,
      online: [0],
      queues: [{ members: [0] }],
      plan: ({ queues }) => [{ type: 'queue', queueId: queues[0]!, timeoutSeconds: 60 }],
    });
    const [agent] = scenario.agents;
    const routed = await routeNewEmail(platform, scenario);
    await waitForOffer(agent!);
    const handle = platform.temporal.workflow.getHandle(routed.workflowId);
    const status = await handle.query<{ state: string; pendingOffers: Array<{ agentId: number }>; queueId: number | null }>(
      'routingStatus',
    );
    expect(status).toMatchObject({ state: 'offered', queueId: scenario.queueIds[0], pendingOffers: [{ agentId: agent!.id }] });
    await waitFor('visibility to show the offer', async () => {
      const attributes = (await handle.describe()).searchAttributes;
      return attributes.MailrouteState?.[0] === 'offered' && attributes.MailrouteQueue?.[0] === String(scenario.queueIds[0]);
    });
    const description = await handle.describe();
    expect(description.searchAttributes).toMatchObject({
      MailrouteAccount: [scenario.key],
      MailrouteInteractionId: [routed.interactionId],
    });
    await handle.terminate('test finished');
  });
});
