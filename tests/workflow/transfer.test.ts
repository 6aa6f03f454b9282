/**
 * Transfers on the real Temporal dev server: the holding agent hands the interaction to an agent or a queue; the
 * transferee has the account's transfer timeout to accept, else it returns to the transferring agent, unread.
 */
import { offerAcceptedSignal, routingStatusQuery } from '../../contracts/route-email';
import { waitFor } from '../../scripts/services/process-tools';
import { recordHistoryIfAsked } from '../support/histories';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { createScenario, routeNewEmail, waitForOffer, type Scenario, type ScenarioOptions } from './routing-scenario';

let platform: TestPlatform;

beforeAll(async () => {
  platform = await startTestPlatform();
});
afterAll(async () => {
  await platform?.close();
});

/** Agent 0 holds a routed interaction (accepted from queue 0); agents 1 and 2 are online and free. */
async function heldInteraction(options: ScenarioOptions = {}) {
  const scenario = await createScenario(platform, {
    agents: 3,
    online: [0, 1, 2],
    queues: [{ members: [0] }, { members: [1, 2], strategy: 'beepall' }],
    plan: ({ queues }) => [{ type: 'queue', queueId: queues[0]!, timeoutSeconds: 60 }],
    ...options,
    account: { transferEnabled: true, transferTimeoutSeconds: 30, ...options.account },
  });
  const routed = await routeNewEmail(platform, scenario);
  const offer = await waitForOffer(scenario.agents[0]!);
  expect((await scenario.agents[0]!.api.post(`/api/offers/${offer.id}/accept`)).status).toBe(200);
  return { scenario, routed };
}

function transfer(scenario: Scenario, agentIndex: number, interactionId: number, body: object) {
  return scenario.agents[agentIndex]!.api.post(`/api/interactions/${interactionId}/transfer`, body);
}

describe('transfer', () => {
  it('hands the interaction to another agent, who holds it once they accept', async () => {
    const { scenario, routed } = await heldInteraction();
    const [from, to] = scenario.agents;
    const answer = await transfer(scenario, 0, routed.interactionId, { agentId: to!.id });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ state: 'transferring' });
    // While transferring nobody holds it: the transferring agent can no longer close it.
    expect((await from!.api.post(`/api/interactions/${routed.interactionId}/close`, {})).status).toBe(409);
    expect((await platform.db.interaction.findUniqueOrThrow({ where: { id: routed.interactionId } })).read).toBe(false);

    const offer = await waitForOffer(to!, { source: 'transfer' });
    expect((await to!.api.post(`/api/offers/${offer.id}/accept`)).status).toBe(200);
    expect((await from!.api.post(`/api/interactions/${routed.interactionId}/close`, {})).status).toBe(409);
    expect((await to!.api.post(`/api/interactions/${routed.interactionId}/close`, {})).body).toEqual({ state: 'closed' });
    expect(await routed.result()).toMatchObject({ state: 'closed', agentId: to!.id });
    const events = await platform.db.routingEvent.findMany({ where: { interactionId: routed.interactionId }, orderBy: { id: 'asc' } });
    expect(events.map((event) => event.type)).toEqual(expect.arrayContaining(['transfer-started', 'accepted']));
    recordHistoryIfAsked(routed.workflowId, 'route-email-transfer-to-agent-accepted');
  });

  it('keeps transferring when news of the accept that began the hold arrives late, after the transfer', async () => {
    const { scenario, routed } = await heldInteraction();
    const [from, to] = scenario.agents;
    const accepted = await platform.db.offer.findFirstOrThrow({ where: { interactionId: routed.interactionId, state: 'accepted' } });
    expect((await transfer(scenario, 0, routed.interactionId, { agentId: to!.id })).body).toEqual({ state: 'transferring' });
    // The run may learn of an accept from its own step before the signal the API sent for it: that signal is old
    // news whenever it comes, and must not hand the interaction back to the agent who is passing it on.
    await platform.temporal.workflow
      .getHandle(routed.workflowId)
      .signal(offerAcceptedSignal, { reservation: accepted.reservation, agentId: from!.id });
    expect((await from!.api.post(`/api/interactions/${routed.interactionId}/close`, {})).status).toBe(409);
    expect((await platform.temporal.workflow.getHandle(routed.workflowId).query(routingStatusQuery)).holderAgentId).toBeNull();

    const offer = await waitForOffer(to!, { source: 'transfer' });
    expect((await to!.api.post(`/api/offers/${offer.id}/accept`)).status).toBe(200);
    expect((await to!.api.post(`/api/interactions/${routed.interactionId}/close`, {})).body).toEqual({ state: 'closed' });
    expect(await routed.result()).toMatchObject({ state: 'closed', agentId: to!.id });
    recordHistoryIfAsked(routed.workflowId, 'route-email-transfer-late-accept-news');
  });

  it('transfers once when the accept and the transfer reach the run together', async () => {
    const scenario = await createScenario(platform, {
      agents: 3,
      online: [0, 1, 2],
      queues: [{ members: [0] }, { members: [1, 2], strategy: 'beepall' }],
      plan: ({ queues }) => [{ type: 'queue', queueId: queues[0]!, timeoutSeconds: 60 }],
      account: { transferEnabled: true, transferTimeoutSeconds: 30 },
    });
    const routed = await routeNewEmail(platform, scenario);
    const [from, to] = scenario.agents;
    const offer = await waitForOffer(from!);
    // The worker is held still while the accept's signal and the transfer's update arrive: one activation gets both.
    const workerPid = platform.worker.pid!;
    process.kill(workerPid, 'SIGSTOP');
    let transferring: Promise<{ status: number; body: unknown }>;
    try {
      expect((await from!.api.post(`/api/offers/${offer.id}/accept`)).status).toBe(200);
      transferring = transfer(scenario, 0, routed.interactionId, { agentId: to!.id });
      await new Promise((resolve) => setTimeout(resolve, 500));
    } finally {
      process.kill(workerPid, 'SIGCONT');
    }
    expect((await transferring).body).toEqual({ state: 'transferring' });
    expect((await from!.api.post(`/api/interactions/${routed.interactionId}/close`, {})).status).toBe(409);
    const transferOffer = await waitForOffer(to!, { source: 'transfer' });
    expect((await to!.api.post(`/api/offers/${transferOffer.id}/accept`)).status).toBe(200);
    expect((await to!.api.post(`/api/interactions/${routed.interactionId}/close`, {})).body).toEqual({ state: 'closed' });
    expect(await routed.result()).toMatchObject({ state: 'closed', agentId: to!.id });
    recordHistoryIfAsked(routed.workflowId, 'route-email-accept-and-transfer-together');
  });

  it('hands the interaction to a queue, whose agents race for it', async () => {
    const { scenario, routed } = await heldInteraction();
    const [, first, second] = scenario.agents;
    expect((await transfer(scenario, 0, routed.interactionId, { queueId: scenario.queueIds[1] })).status).toBe(200);
    const [offer] = await Promise.all([waitForOffer(first!, { source: 'transfer' }), waitForOffer(second!, { source: 'transfer' })]);
    expect((await first!.api.post(`/api/offers/${offer.id}/accept`)).status).toBe(200);
    expect((await second!.api.get('/api/me/offers')).body.items).toEqual([]);
    expect((await first!.api.post(`/api/interactions/${routed.interactionId}/close`, {})).body).toEqual({ state: 'closed' });
    expect(await routed.result()).toMatchObject({ state: 'closed', agentId: first!.id });
  });

  async function transferTimesOut(crash: boolean) {
    const { scenario, routed } = await heldInteraction({ account: { transferTimeoutSeconds: 2 } });
    const [from, to] = scenario.agents;
    expect((await transfer(scenario, 0, routed.interactionId, { agentId: to!.id })).status).toBe(200);
    await waitForOffer(to!, { source: 'transfer' });
    const offeredAt = Date.now();
    if (crash) {
      await platform.worker.kill();
      await platform.worker.start();
    }

    await waitFor(
      'the transfer to return to the transferring agent',
      async () => {
        const interaction = await platform.db.interaction.findUniqueOrThrow({ where: { id: routed.interactionId } });
        return interaction.routingState === 'accepted';
      },
      { timeoutMs: 60_000 },
    );
    expect(Date.now() - offeredAt).toBeGreaterThanOrEqual(1_500);
    const interaction = await platform.db.interaction.findUniqueOrThrow({ where: { id: routed.interactionId } });
    expect(interaction).toMatchObject({ agentId: from!.id, read: false, status: 'open' });
    expect((await to!.api.get('/api/me/offers')).body.items).toEqual([]);
    const offers = await platform.db.offer.findMany({ where: { interactionId: routed.interactionId, source: 'transfer' } });
    expect(offers.map((offer) => [offer.userId, offer.state])).toEqual([[to!.id, 'timeout']]);
    // The transferring agent holds it again.
    expect((await to!.api.post(`/api/interactions/${routed.interactionId}/close`, {})).status).toBe(409);
    expect((await from!.api.post(`/api/interactions/${routed.interactionId}/close`, {})).body).toEqual({ state: 'closed' });
    expect(await routed.result()).toMatchObject({ state: 'closed', agentId: from!.id });
    return routed.workflowId;
  }

  it('returns the interaction to the transferring agent, unread, when nobody accepts within the transfer timeout', async () => {
    const workflowId = await transferTimesOut(false);
    recordHistoryIfAsked(workflowId, 'route-email-transfer-timeout-returns-unread');
  });

  it('returns it the same way when the worker is SIGKILLed while the transfer waits', async () => {
    await transferTimesOut(true);
  });

  async function transferToAccount(targetAgentOnline: boolean, targetAccount: { mandatoryDisposition?: boolean } = {}) {
    const { scenario, routed } = await heldInteraction({
      account: {
        transferTimeoutSeconds: 2,
        transferToAccount: true,
        transferTemplate: 'Moved from {{fromAccount}} to {{toAccount}} for {{customer.name}}',
      },
    });
    const target = await createScenario(platform, {
      agents: 1,
      online: targetAgentOnline ? [0] : [],
      queues: [{ members: [0] }],
      account: targetAccount,
    });
    const [from] = scenario.agents;
    const [targetAgent] = target.agents;
    expect((await transfer(scenario, 0, routed.interactionId, { accountId: target.accountId })).status).toBe(200);
    await waitFor('the transfer note', async () =>
      Boolean(await platform.db.message.findFirst({ where: { interactionId: routed.interactionId, direction: 'note' } })),
    );
    const note = await platform.db.message.findFirstOrThrow({ where: { interactionId: routed.interactionId, direction: 'note' } });
    expect(note).toMatchObject({
      accountId: target.accountId,
      authorId: from!.id,
      text: `Moved from Routing ${scenario.key} to Routing ${target.key} for Carla Customer`,
    });
    return { scenario, routed, target, from: from!, targetAgent: targetAgent! };
  }

  it('moves the interaction to another account, unread, where that account’s agents accept it', async () => {
    const { routed, target, targetAgent } = await transferToAccount(true);
    const offer = await waitForOffer(targetAgent, { source: 'transfer' });
    const moved = await platform.db.interaction.findUniqueOrThrow({ where: { id: routed.interactionId } });
    expect(moved).toMatchObject({ accountId: target.accountId, read: false, agentId: null });
    expect((await targetAgent.api.post(`/api/offers/${offer.id}/accept`)).status).toBe(200);
    expect((await targetAgent.api.post(`/api/interactions/${routed.interactionId}/close`, {})).body).toEqual({ state: 'closed' });
    expect(await routed.result()).toMatchObject({ state: 'closed', agentId: targetAgent.id });
    const description = await platform.temporal.workflow.getHandle(routed.workflowId).describe();
    await waitFor('visibility to show the new account', async () => {
      const attributes = (await platform.temporal.workflow.getHandle(routed.workflowId).describe()).searchAttributes;
      return attributes.MailrouteAccount?.[0] === target.key;
    });
    expect(description.status.name).toBe('COMPLETED');
    recordHistoryIfAsked(routed.workflowId, 'route-email-transfer-to-account-accepted');
  });

  it("applies the new account's disposition rules once the interaction is held there", async () => {
    // The source account closes without a disposition; the target account makes one mandatory.
    const { routed, target, targetAgent } = await transferToAccount(true, { mandatoryDisposition: true });
    const offer = await waitForOffer(targetAgent, { source: 'transfer' });
    expect((await targetAgent.api.post(`/api/offers/${offer.id}/accept`)).status).toBe(200);
    expect((await targetAgent.api.post(`/api/interactions/${routed.interactionId}/close`, {})).body).toMatchObject({
      state: 'disposing',
      needs: 'disposition',
    });
    const closed = await targetAgent.api.post(`/api/interactions/${routed.interactionId}/close`, { dispositionId: target.dispositionId });
    expect(closed.body).toEqual({ state: 'closed' });
    expect(await routed.result()).toMatchObject({ state: 'closed', agentId: targetAgent.id });
    expect((await platform.db.interaction.findUniqueOrThrow({ where: { id: routed.interactionId } })).dispositionId).toBe(
      target.dispositionId,
    );
    recordHistoryIfAsked(routed.workflowId, 'route-email-transfer-to-account-new-rules');
  });

  it('returns an account transfer to the transferring agent and account, unread, when nobody there accepts in time', async () => {
    const { scenario, routed, from } = await transferToAccount(false);
    await waitFor('the transfer to come back', async () => {
      const interaction = await platform.db.interaction.findUniqueOrThrow({ where: { id: routed.interactionId } });
      return interaction.routingState === 'accepted';
    });
    const back = await platform.db.interaction.findUniqueOrThrow({ where: { id: routed.interactionId } });
    expect(back).toMatchObject({ accountId: scenario.accountId, agentId: from.id, read: false });
    expect((await from.api.post(`/api/interactions/${routed.interactionId}/close`, {})).body).toEqual({ state: 'closed' });
    expect(await routed.result()).toMatchObject({ state: 'closed', agentId: from.id });
    recordHistoryIfAsked(routed.workflowId, 'route-email-transfer-to-account-timeout-returns');
  });

  it('refuses transfers the account does not allow, and targets outside the account, naming the field', async () => {
    const disabled = await heldInteraction({ account: { transferEnabled: false } });
    const refused = await transfer(disabled.scenario, 0, disabled.routed.interactionId, { agentId: disabled.scenario.agents[1]!.id });
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toMatch(/transfers are not enabled/);

    const { scenario, routed } = await heldInteraction();
    const toAccount = await transfer(scenario, 0, routed.interactionId, { accountId: disabled.scenario.accountId });
    expect(toAccount.status).toBe(409);
    expect(toAccount.body.detail).toMatch(/does not allow transfers to an account/);
    const outsider = await transfer(scenario, 0, routed.interactionId, { agentId: disabled.scenario.agents[1]!.id });
    expect(outsider.status).toBe(400);
    expect(JSON.stringify(outsider.body)).toContain('agentId');
    const both = await transfer(scenario, 0, routed.interactionId, { agentId: scenario.agents[1]!.id, queueId: scenario.queueIds[1] });
    expect(both.status).toBe(400);
    expect(JSON.stringify(both.body)).toContain('queueId');
    // Only the holder transfers.
    expect((await transfer(scenario, 1, routed.interactionId, { agentId: scenario.agents[2]!.id })).status).toBe(409);
    for (const held of [disabled, { scenario, routed }]) {
      expect((await held.scenario.agents[0]!.api.post(`/api/interactions/${held.routed.interactionId}/close`, {})).status).toBe(200);
    }
  });
});
