/**
 * SLA escalations against the real database: escalateSla called again (a retried activity, a worker that died after
 * committing) acts once — one escalation row, one supervisor email in the outbox, one routing event, the priority
 * raised once, one live event, one breach counted, one webhook delivery that a local receiver sees with the same
 * Idempotency-Key on every attempt. A webhook answered 500 is tried again; one answered 404 is recorded and left.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSlaActivities } from '../../activities/sla';
import type { LiveEvent } from '../../domain/live-events';
import type { EscalationAction } from '../../domain/sla';
import { createPlatformMetrics } from '../../platform/metrics';
import { createOutboundGuard, parseOutboundAllowList } from '../../platform/outbound';
import { createSlaEscalations } from '../../services/sla-escalations';
import { createSlaWebhookDeliverer } from '../../services/sla-webhooks';
import { createStore } from '../../store';
import { createDatabase, type Database } from '../../store/db';
import { TEST_OUTBOUND_ALLOW, testEnvironment } from '../support/test-environment';

jest.setTimeout(60_000);

interface Received {
  path: string;
  idempotencyKey: string | undefined;
  body: Record<string, unknown>;
}

let db: Database;
let counter = 0;
const unique = () => `${process.pid}-${Date.now()}-${++counter}`;
let receiver: http.Server;
let receiverUrl: string;
const received: Received[] = [];
/** The status the receiver answers, per path: the first of the list each time (the last one stays). */
const answers = new Map<string, number[]>();

beforeAll(async () => {
  db = createDatabase(testEnvironment().databaseUrl, { poolSize: 5 });
  receiver = http.createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    request.on('end', () => {
      const path = request.url ?? '/';
      received.push({ path, idempotencyKey: request.headers['idempotency-key'] as string | undefined, body: JSON.parse(text) });
      const statuses = answers.get(path) ?? [200];
      const status = statuses.length > 1 ? statuses.shift()! : statuses[0]!;
      response.writeHead(status).end();
    });
  });
  receiver.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => receiver.once('listening', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => receiver?.close(resolve));
  await db?.$disconnect();
});

function platform() {
  const store = createStore(db);
  const published: LiveEvent[] = [];
  const metrics = createPlatformMetrics();
  const escalations = createSlaEscalations({
    store: store.sla,
    events: { publish: async (event) => void published.push(event) },
    metrics,
  });
  const activities = createSlaActivities({ store, escalations });
  const outbound = createOutboundGuard({ allow: parseOutboundAllowList(TEST_OUTBOUND_ALLOW) });
  const deliverer = createSlaWebhookDeliverer({ store: store.sla, outbound, options: { initialDelayMs: 1000, maxAttempts: 5 } });
  return { store, activities, deliverer, published, metrics };
}

async function newInteraction(): Promise<{ accountId: number; key: string; interactionId: number }> {
  const key = `sla-${unique()}`;
  const account = await db.emailAccount.create({
    data: {
      name: `Support ${key}`,
      key,
      emailAddress: `support-${key}@example.com`,
      smtpHost: '127.0.0.1',
      smtpPort: 1,
      imapHost: '127.0.0.1',
      imapPort: 1,
    },
  });
  const accountId = account.id;
  const interaction = await db.interaction.create({
    data: { accountId, customerEmail: `customer-${unique()}@example.com`, subject: 'Where is my order?', priority: 2 },
  });
  return { accountId, key, interactionId: interaction.id };
}

const DUE = '2026-12-01T10:00:00.000Z';

test('a breach escalated twice (a retried activity) acts once and answers the same both times', async () => {
  const { store, activities, deliverer, published, metrics } = platform();
  const { key, interactionId } = await newInteraction();
  const hook = `/hooks/${unique()}`;
  const actions: EscalationAction[] = [
    { kind: 'notify-supervisors' },
    { kind: 'raise-priority', priority: 8 },
    { kind: 'requeue', queueId: 42 },
    { kind: 'email', to: 'lead@example.com' },
    { kind: 'webhook', url: `${receiverUrl}${hook}` },
  ];
  await activities.recordSlaTarget({
    interactionId,
    policyId: null,
    target: 'first-response',
    cycle: 0,
    startedAt: '2026-12-01T09:00:00Z',
    dueAt: DUE,
  });
  const input = { interactionId, policyId: null, target: 'first-response' as const, cycle: 0, level: 'breach' as const, actions, at: DUE };

  const first = await activities.escalateSla(input);
  expect(first.requeueTo).toBe(42);
  expect(first.outboundIds).toHaveLength(1);
  // Someone lowers the priority again: a second call must not raise it a second time.
  await db.interaction.update({ where: { id: interactionId }, data: { priority: 3 } });
  const [second, third] = await Promise.all([activities.escalateSla(input), activities.escalateSla(input)]);
  expect(second).toEqual(first);
  expect(third).toEqual(first);

  expect(await db.slaEscalation.count({ where: { interactionId } })).toBe(1);
  expect((await db.interaction.findUniqueOrThrow({ where: { id: interactionId } })).priority).toBe(3);
  const outbox = await db.outboundEmail.findMany({ where: { interactionId } });
  expect(outbox.map((row) => [row.kind, row.status, (row.envelope as { to: { address: string }[] }).to[0]?.address])).toEqual([
    ['escalation', 'queued', 'lead@example.com'],
  ]);
  const events = await db.routingEvent.findMany({ where: { interactionId } });
  expect(events.map((event) => [event.type, event.detail])).toEqual([
    ['sla-breach', { target: 'first-response', cycle: 0, due: DUE, policyId: null }],
  ]);
  expect(published).toEqual([
    expect.objectContaining({
      kind: 'routing',
      interactionId,
      type: 'sla-breach',
      detail: expect.objectContaining({ notifySupervisors: true }),
    }),
  ]);
  expect(metrics.render()).toContain(`mailroute_sla_breaches_total{account="${key}",target="first-response"} 1\n`);
  const [target] = await store.sla.targets(interactionId);
  expect(target?.breachedAt?.toISOString()).toBe(DUE);

  expect(await deliverer.deliverDue()).toEqual({ delivered: 1, retry: 0, failed: 0 });
  expect(await deliverer.deliverDue(new Date(Date.now() + 3_600_000))).toEqual({ delivered: 0, retry: 0, failed: 0 });
  const hits = received.filter((request) => request.path === hook);
  expect(hits).toHaveLength(1);
  expect(hits[0]?.idempotencyKey).toBe(`sla-breach-${interactionId}-first-response-0-4`);
  expect(hits[0]?.body).toMatchObject({
    interaction: { id: interactionId },
    account: { key },
    target: 'first-response',
    level: 'breach',
    dueAt: DUE,
  });
});

test('a worker that dies after the escalation committed (the live event never sent) does not escalate again on retry', async () => {
  const { store } = platform();
  const { interactionId } = await newInteraction();
  let publishes = 0;
  const escalations = createSlaEscalations({
    store: store.sla,
    events: {
      publish: async () => {
        publishes += 1;
        throw new Error('worker killed');
      },
    },
    metrics: createPlatformMetrics(),
  });
  const activities = createSlaActivities({ store, escalations });
  const input = {
    interactionId,
    policyId: null,
    target: 'resolution' as const,
    cycle: 0,
    level: 'warning' as const,
    actions: [{ kind: 'raise-priority', priority: 5 } as const],
    at: DUE,
  };
  await expect(activities.escalateSla(input)).rejects.toThrow('worker killed');
  await activities.escalateSla(input);
  expect(publishes).toBe(1);
  expect(await db.slaEscalation.count({ where: { interactionId } })).toBe(1);
  expect(await db.routingEvent.count({ where: { interactionId, type: 'sla-warning' } })).toBe(1);
  expect((await db.interaction.findUniqueOrThrow({ where: { id: interactionId } })).priority).toBe(5);
});

test('a webhook answered 500 is tried again with the same Idempotency-Key until it is delivered', async () => {
  const { activities, deliverer } = platform();
  const { interactionId } = await newInteraction();
  const hook = `/flaky/${unique()}`;
  answers.set(hook, [500, 200]);
  const actions: EscalationAction[] = [{ kind: 'webhook', url: `${receiverUrl}${hook}` }];
  await activities.escalateSla({ interactionId, policyId: null, target: 'resolution', cycle: 0, level: 'warning', actions, at: DUE });

  expect(await deliverer.deliverDue()).toEqual({ delivered: 0, retry: 1, failed: 0 });
  // Not due again until its backoff has passed.
  expect(await deliverer.deliverDue()).toEqual({ delivered: 0, retry: 0, failed: 0 });
  expect(await deliverer.deliverDue(new Date(Date.now() + 60_000))).toEqual({ delivered: 1, retry: 0, failed: 0 });
  const hits = received.filter((request) => request.path === hook);
  expect(hits.map((hit) => hit.idempotencyKey)).toEqual([
    `sla-warning-${interactionId}-resolution-0-0`,
    `sla-warning-${interactionId}-resolution-0-0`,
  ]);
  const [delivery] = await db.slaWebhookDelivery.findMany({ where: { escalation: { interactionId } } });
  expect(delivery).toMatchObject({ state: 'delivered', attempts: 2, lastStatus: 200 });
});

test('a webhook answered 404 is recorded as failed and not tried again', async () => {
  const { activities, deliverer } = platform();
  const { interactionId } = await newInteraction();
  const hook = `/gone/${unique()}`;
  answers.set(hook, [404]);
  const actions: EscalationAction[] = [{ kind: 'webhook', url: `${receiverUrl}${hook}` }];
  await activities.escalateSla({ interactionId, policyId: null, target: 'next-response', cycle: 2, level: 'breach', actions, at: DUE });

  expect(await deliverer.deliverDue()).toEqual({ delivered: 0, retry: 0, failed: 1 });
  expect(await deliverer.deliverDue(new Date(Date.now() + 86_400_000))).toEqual({ delivered: 0, retry: 0, failed: 0 });
  expect(received.filter((request) => request.path === hook)).toHaveLength(1);
  const [delivery] = await db.slaWebhookDelivery.findMany({ where: { escalation: { interactionId } } });
  expect(delivery).toMatchObject({ state: 'failed', attempts: 1, lastStatus: 404, lastError: 'the receiver answered 404' });
});
