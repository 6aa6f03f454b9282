/**
 * Service levels timed by the routing workflow on the real Temporal dev server, PostgreSQL and an SMTP sink, with
 * short policies: a warning and a breach escalate exactly once although the worker is SIGKILLed around both, the
 * breach moving the interaction from the plan's queue to the escalation queue; the reply meets the first response
 * (late); next-response clocks start when the customer answers a reply, and the resolution clock pauses while the
 * customer is awaited. Operators find the standing as MailrouteSla.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitFor } from '../../scripts/services/process-tools';
import { recordHistoryIfAsked } from '../support/histories';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { createScenario, routeNewEmail, sleep, waitForOffer, type Scenario } from './routing-scenario';

let platform: TestPlatform;
let smtp: SmtpSink;
let receiver: http.Server;
let receiverUrl: string;
/** Webhook requests received, by Idempotency-Key. */
const deliveries = new Map<string, { level: string; target: string }[]>();

beforeAll(async () => {
  platform = await startTestPlatform();
  smtp = await startSmtpSink();
  receiver = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const key = String(request.headers['idempotency-key']);
      const parsed = JSON.parse(body) as { level: string; target: string };
      deliveries.set(key, [...(deliveries.get(key) ?? []), { level: parsed.level, target: parsed.target }]);
      response.writeHead(200).end();
    });
  });
  receiver.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => receiver.once('listening', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/sla`;
});
afterAll(async () => {
  await new Promise((resolve) => receiver?.close(resolve));
  await smtp?.close();
  await platform?.close();
});

async function crashWorker(downMs: number): Promise<void> {
  await platform.worker.kill();
  await sleep(downMs);
  await platform.worker.start();
}

async function targets(interactionId: number) {
  return platform.db.interactionSla.findMany({ where: { interactionId }, orderBy: [{ target: 'asc' }, { cycle: 'asc' }] });
}

/** Waits until the Temporal visibility store shows the run with this MailrouteSla. */
async function standingShown(workflowId: string, standing: string): Promise<void> {
  await waitFor(
    `MailrouteSla = ${standing} on ${workflowId}`,
    async () => {
      for await (const _ of platform.temporal.workflow.list({ query: `WorkflowId = '${workflowId}' AND MailrouteSla = '${standing}'` }))
        return true;
      return false;
    },
    { timeoutMs: 30_000, intervalMs: 250 },
  );
}

async function replyAs(scenario: Scenario, agentIndex: number, interactionId: number, text: string) {
  const answer = await scenario.agents[agentIndex]!.api.post(`/api/interactions/${interactionId}/reply`, { text });
  expect(answer.status).toBe(200);
}

it('escalates the warning and the breach exactly once while the worker is SIGKILLed around both; the late reply is recorded', async () => {
  const scenario = await createScenario(platform, {
    // Nobody is online in the plan's queue; agent 1 is online in the escalation queue.
    agents: 2,
    online: [1],
    queues: [
      { members: [0], offerTimeoutSeconds: 120 },
      { members: [1], offerTimeoutSeconds: 120 },
    ],
    plan: ({ queues }) => [{ type: 'queue', queueId: queues[0]!, timeoutSeconds: 600 }],
    account: { smtpPort: smtp.port },
  });
  const escalationQueueId = scenario.queueIds[1]!;
  await platform.db.slaPolicy.create({
    data: {
      accountId: scenario.accountId,
      name: 'Eight seconds',
      position: 1,
      firstResponseSeconds: 8,
      resolutionSeconds: 3600,
      warningBeforeSeconds: 4,
      warningActions: [{ kind: 'notify-supervisors' }, { kind: 'webhook', url: receiverUrl }],
      breachActions: [
        { kind: 'raise-priority', priority: 9 },
        { kind: 'email', to: 'lead@example.test' },
        { kind: 'webhook', url: receiverUrl },
        { kind: 'requeue', queueId: escalationQueueId },
      ],
    },
  });
  const emailsBefore = smtp.messages.length;
  const routed = await routeNewEmail(platform, scenario);
  const started = Date.now();
  const escalations = () => platform.db.slaEscalation.findMany({ where: { interactionId: routed.interactionId }, orderBy: { id: 'asc' } });

  // Down from 2 s to 6 s: the warning (due at 4 s) is made by the worker that comes back.
  await sleep(2_000);
  await crashWorker(4_000);
  await waitFor('the warning', async () => (await escalations()).length >= 1, { timeoutMs: 60_000, intervalMs: 100 });
  expect(Date.now() - started).toBeGreaterThanOrEqual(4_000);
  // Killed again at once, down over the breach's moment (8 s).
  await crashWorker(3_000);
  await waitFor('the breach', async () => (await escalations()).length >= 2, { timeoutMs: 60_000, intervalMs: 100 });
  await waitFor('the breach email', async () => smtp.messages.length > emailsBefore, { timeoutMs: 30_000 });
  await waitFor('both webhooks', async () => deliveries.size >= 2, { timeoutMs: 30_000 });
  await standingShown(routed.workflowId, 'breached');
  // Time for any repeat to show up.
  await sleep(3_000);

  expect((await escalations()).map(({ target, level }) => ({ target, level }))).toEqual([
    { target: 'first-response', level: 'warning' },
    { target: 'first-response', level: 'breach' },
  ]);
  const events = await platform.db.routingEvent.findMany({
    where: { interactionId: routed.interactionId, type: { in: ['sla-warning', 'sla-breach'] } },
  });
  expect(events.map((event) => event.type).sort()).toEqual(['sla-breach', 'sla-warning']);
  const sent = smtp.messages.slice(emailsBefore).filter((email) => email.envelope.rcptTo.includes('lead@example.test'));
  expect(sent).toHaveLength(1);
  expect([...deliveries.values()].map((requests) => requests[0])).toEqual([
    { level: 'warning', target: 'first-response' },
    { level: 'breach', target: 'first-response' },
  ]);
  expect((await platform.db.interaction.findUniqueOrThrow({ where: { id: routed.interactionId } })).priority).toBe(9);
  const [firstResponse, resolution] = await targets(routed.interactionId);
  expect(firstResponse).toMatchObject({ target: 'first-response', cycle: routed.messageId, metAt: null });
  expect(firstResponse!.warnedAt).not.toBeNull();
  expect(firstResponse!.breachedAt).not.toBeNull();
  expect(firstResponse!.dueAt.getTime() - firstResponse!.startedAt.getTime()).toBe(8_000);
  expect(resolution).toMatchObject({ target: 'resolution', warnedAt: null, breachedAt: null, metAt: null });

  // The breach took it out of the plan's queue step into the escalation queue, where agent 1 accepts and replies:
  // the first response is met, late; closing meets the resolution.
  const agent = scenario.agents[1]!;
  const offer = await waitForOffer(agent, { source: 'supervisor' });
  const moved = await platform.db.routingEvent.findMany({ where: { interactionId: routed.interactionId, type: 'routed-by-supervisor' } });
  expect(moved.map((event) => event.detail)).toEqual([{ actorId: null, kind: 'queue', queueId: escalationQueueId }]);
  expect((await agent.api.post(`/api/offers/${offer.id}/accept`)).status).toBe(200);
  await replyAs(scenario, 1, routed.interactionId, 'On its way.');
  await waitFor('the first response met', async () => (await targets(routed.interactionId))[0]!.metAt !== null, { timeoutMs: 15_000 });
  expect((await agent.api.post(`/api/interactions/${routed.interactionId}/close`, {})).body).toEqual({ state: 'closed' });
  expect(await routed.result()).toMatchObject({ state: 'closed' });
  expect((await targets(routed.interactionId))[1]!.metAt).not.toBeNull();
  await standingShown(routed.workflowId, 'breached');
  recordHistoryIfAsked(routed.workflowId, 'route-email-sla-warning-breach-across-worker-kills');
});

it('starts a next-response clock when the customer answers a reply, pausing the resolution clock meanwhile', async () => {
  const scenario = await createScenario(platform, {
    agents: 1,
    online: [0],
    queues: [{ members: [0], offerTimeoutSeconds: 120 }],
    plan: ({ queues }) => [{ type: 'queue', queueId: queues[0]!, timeoutSeconds: 600 }],
    account: { smtpPort: smtp.port },
  });
  await platform.db.slaPolicy.create({
    data: {
      accountId: scenario.accountId,
      name: 'Patient',
      position: 1,
      firstResponseSeconds: 600,
      nextResponseSeconds: 300,
      resolutionSeconds: 1000,
      warningBeforeSeconds: 0,
      pauseWhileWaitingOnCustomer: true,
    },
  });
  const routed = await routeNewEmail(platform, scenario);
  const agent = scenario.agents[0]!;
  const offer = await waitForOffer(agent);
  expect((await agent.api.post(`/api/offers/${offer.id}/accept`)).status).toBe(200);
  await waitFor('both clocks', async () => (await targets(routed.interactionId)).length === 2, { timeoutMs: 15_000 });
  const resolutionDue = (await targets(routed.interactionId))[1]!.dueAt.getTime();

  await replyAs(scenario, 0, routed.interactionId, 'Could you send the order number?');
  await waitFor('the first response met', async () => (await targets(routed.interactionId))[0]!.metAt !== null, { timeoutMs: 15_000 });
  // The customer takes three seconds to answer: the resolution clock stood still meanwhile.
  await sleep(3_000);
  const answer = await routeNewEmail(platform, scenario, { interactionId: routed.interactionId });
  // The next-response clock is recorded, then the resolution clock's moved due time.
  await waitFor(
    'the next-response clock and the resolution clock resumed',
    async () => {
      const rows = await targets(routed.interactionId);
      return rows.length === 3 && rows[2]!.dueAt.getTime() !== resolutionDue;
    },
    { timeoutMs: 15_000 },
  );
  const [first, next, resolution] = await targets(routed.interactionId);
  expect(first).toMatchObject({ target: 'first-response', cycle: routed.messageId });
  expect(next).toMatchObject({ target: 'next-response', cycle: answer.messageId, metAt: null });
  expect(next!.dueAt.getTime() - next!.startedAt.getTime()).toBe(300_000);
  expect(resolution!.target).toBe('resolution');
  expect(resolution!.dueAt.getTime() - resolutionDue).toBeGreaterThanOrEqual(2_500);

  await replyAs(scenario, 0, routed.interactionId, 'Thanks, it ships today.');
  await waitFor('the next response met', async () => (await targets(routed.interactionId))[1]!.metAt !== null, { timeoutMs: 15_000 });
  expect((await agent.api.post(`/api/interactions/${routed.interactionId}/close`, {})).body).toEqual({ state: 'closed' });
  await routed.result();
  expect((await targets(routed.interactionId)).every((target) => target.metAt !== null && target.breachedAt === null)).toBe(true);
  await standingShown(routed.workflowId, 'met');
  recordHistoryIfAsked(routed.workflowId, 'route-email-sla-next-response-resolution-paused');
});
