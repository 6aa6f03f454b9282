/**
 * A routing run whose worker dies before its workflow task completes runs the task's local activities again on the
 * next worker: leaving the last step and entering the next. Run again after the next step was entered, leaving the
 * earlier step must not end the later step's offer, or the step entered again would offer the agent twice (real
 * PostgreSQL; the placement store called as the local activities call it).
 */
import { createStore } from '../../store';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { createScenario, storeInboundEmail } from './routing-scenario';

let platform: TestPlatform;
beforeAll(async () => {
  platform = await startTestPlatform({ worker: false });
});
afterAll(async () => {
  await platform?.close();
});

it('a retried leave of an earlier step keeps the later step’s offer, and the later step entered again finds it', async () => {
  // Agent 0 is assigned (offline), agent 1 is in the queue.
  const scenario = await createScenario(platform, { agents: 2, online: [1], queues: [{ members: [0, 1], offerTimeoutSeconds: 30 }] });
  const [assigned, colleague] = scenario.agents;
  const { db } = platform;
  const { interaction, message } = await storeInboundEmail(platform, scenario, { subject: 'Retried task' });
  const workflowId = `retry-${scenario.key}`;
  await db.interaction.update({ where: { id: interaction.id }, data: { routingState: 'new', routingWorkflowId: workflowId } });
  const { placement } = createStore(db);
  const ids = { interactionId: interaction.id, messageId: message.id, workflowId };
  const deadline = Date.now() + 60_000;

  // Step 1: the assigned agent; step 2: their queue.
  const step1 = {
    ...ids,
    target: { kind: 'agent' as const, agentId: assigned!.id, always: true },
    source: 'assigned-agent' as const,
    step: 1,
    deadline,
    excludedAgentIds: [],
  };
  const step2 = {
    ...ids,
    target: { kind: 'queues' as const, queueIds: scenario.queueIds },
    source: 'assigned-queue' as const,
    step: 2,
    deadline,
    excludedAgentIds: [],
  };
  await placement.place(step1);
  expect((await placement.leaveStep({ ...ids, step: 1 })).timedOut).toHaveLength(1);
  const entered = await placement.place(step2);
  expect(entered.offers.map((offer) => offer.agentId)).toEqual([colleague!.id]);

  // The worker died before the task completed: both run again.
  expect(await placement.leaveStep({ ...ids, step: 1 })).toEqual({ timedOut: [], acceptedBy: null });
  const again = await placement.place(step2);
  expect(again.offers.map((offer) => offer.reservation)).toEqual(entered.offers.map((offer) => offer.reservation));

  const offers = await db.offer.findMany({ where: { interactionId: interaction.id }, orderBy: { id: 'asc' } });
  expect(offers.map(({ userId, source, state }) => ({ userId, source, state }))).toEqual([
    { userId: assigned!.id, source: 'assigned-agent', state: 'timeout' },
    { userId: colleague!.id, source: 'assigned-queue', state: 'pending' },
  ]);
  expect(await db.interaction.findUniqueOrThrow({ where: { id: interaction.id } })).toMatchObject({ routingState: 'offered' });

  // The later step's own leave still ends its offer.
  expect((await placement.leaveStep({ ...ids, step: 2 })).timedOut.map((offer) => offer.userId)).toEqual([colleague!.id]);
});
