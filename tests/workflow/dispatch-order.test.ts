/**
 * The line drains in its order when agents free up at the same moment: each freed agent's dispatch takes the head
 * of the queue's line, never an interaction further back because a concurrent dispatch held the head (real
 * PostgreSQL; the store's dispatcher called as the API and the worker call it).
 */
import { createStore } from '../../store';
import { dispatchInTransaction } from '../../store/dispatch';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { createScenario, type ScenarioAgent } from './routing-scenario';

let platform: TestPlatform;
beforeAll(async () => {
  platform = await startTestPlatform();
});
afterAll(async () => {
  await platform?.close();
});

it('offers the head of the line to an agent freed while another agent’s dispatch holds it', async () => {
  const agents = 2;
  const waiting = 300;
  const everyone = Array.from({ length: agents }, (_, index) => index);
  const scenario = await createScenario(platform, {
    agents,
    online: everyone,
    queues: [{ members: everyone, strategy: 'rrmemory', offerTimeoutSeconds: 3600 }],
  });
  const { db } = platform;
  const [queueId] = scenario.queueIds as [number];
  const newInteraction = (subject: string, agentId: number | null) =>
    db.interaction.create({
      data: {
        accountId: scenario.accountId,
        subject,
        customerEmail: 'line@customer.test',
        agentId,
        routingState: agentId === null ? 'waiting-for-agents' : 'accepted',
        routingWorkflowId: `line-${scenario.key}-${subject}`,
      },
    });
  // Every agent works on one interaction: nobody has room until they close it.
  const held = await Promise.all(scenario.agents.map((agent, index) => newInteraction(`held ${index}`, agent.id)));
  // The line: 300 interactions waiting in the queue, one millisecond apart.
  const since = Date.now() - 60_000;
  const line: number[] = [];
  for (let position = 0; position < waiting; position++) {
    const interaction = await newInteraction(`waiting ${position}`, null);
    const message = await db.message.create({
      data: {
        interactionId: interaction.id,
        accountId: scenario.accountId,
        direction: 'inbound',
        mailbox: 'INBOX',
        uidValidity: 1n,
        uid: BigInt(position + 1),
        messageIdHeader: `<line-${interaction.id}@customer.test>`,
        fromAddress: 'line@customer.test',
        toAddresses: [],
        ccAddresses: [],
        headers: {},
        subject: interaction.subject,
        text: 'Waiting.',
      },
    });
    await db.routingWait.create({
      data: {
        interactionId: interaction.id,
        accountId: scenario.accountId,
        messageId: message.id,
        workflowId: interaction.routingWorkflowId!,
        queueId,
        priority: 0,
        waitingSince: new Date(since + position),
        source: 'queue-step',
        step: 1,
        deadline: new Date(Date.now() + 3_600_000),
      },
    });
    line.push(interaction.id);
  }

  // Agent 0 closes and its dispatch is under way (holding the head of the line) when agent 1 closes and dispatches.
  const { dispatch } = createStore(db);
  const [first, second] = scenario.agents as [ScenarioAgent, ScenarioAgent];
  let secondDispatch: Promise<unknown> | undefined;
  await db.interaction.update({ where: { id: held[0]!.id }, data: { status: 'closed' } });
  await db.$transaction(async (tx) => {
    await dispatchInTransaction(tx, { queueIds: [queueId], agentIds: [first.id] });
    await db.interaction.update({ where: { id: held[1]!.id }, data: { status: 'closed' } });
    secondDispatch = dispatch.dispatchAgents([second.id]);
    await new Promise((resolve) => setTimeout(resolve, 500));
  });
  await secondDispatch;

  const offers = await db.offer.findMany({ where: { interactionId: { in: line } }, orderBy: { id: 'asc' } });
  expect(offers.map((offer) => [offer.userId, line.indexOf(offer.interactionId)])).toEqual([
    [first.id, 0],
    [second.id, 1],
  ]);
});
