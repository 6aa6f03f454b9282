/**
 * /metrics on the API and on the worker (real Temporal, PostgreSQL, Dovecot, the worker as its own process): an email
 * routed end to end moves the platform's series (ingested, waiting in its queue, accepted with its latency, sent)
 * and the Temporal SDK's worker series arrive through the worker's own /metrics. Only this machine, or the bearer
 * token, may read them.
 */
import { waitFor } from '../../scripts/services/process-tools';
import { smtpSinks } from '../support/desk-outbound';
import { buildEmail, uniqueMessageId } from '../support/mailbox';
import { useTestPlatform } from '../support/platform';
import { acceptNextOffer, createRoutedAccount } from '../support/routed-account';

const TOKEN = 'metrics-token-of-the-test-worker';
// The worker process inherits this environment when the platform starts it.
process.env.MAILROUTE_METRICS_TOKEN = TOKEN;
const platform = useTestPlatform();
const sink = smtpSinks();

/** A sample's value in a Prometheus text answer; undefined when the series is absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = match[2] ? match[2].split(/,(?=[a-zA-Z_]\w*=")/) : [];
    if (wanted.every((pair) => present.includes(pair))) return Number(match[3]);
  }
  return undefined;
}

async function scrape(url: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string; type: string | null }> {
  const response = await fetch(url, { headers });
  return { status: response.status, text: await response.text(), type: response.headers.get('content-type') };
}

const apiMetrics = () => `${platform.apiUrl}/metrics`;
const workerMetrics = () => `http://127.0.0.1:${platform.worker.healthPort}/metrics`;

describe('metrics', () => {
  it('an email routed end to end moves the platform’s series on the API and the worker, and the SDK’s worker series are scraped with them', async () => {
    const apiBefore = await scrape(apiMetrics());
    expect(apiBefore.status).toBe(200);
    expect(apiBefore.type).toMatch(/^text\/plain; version=0\.0\.4/);
    const workerBefore = await scrape(workerMetrics());
    expect(workerBefore.status).toBe(200);
    const acceptedBefore = sample(apiBefore.text, 'mailroute_offers_total', { outcome: 'accepted' })!;
    const latencyBefore = sample(apiBefore.text, 'mailroute_offer_accept_seconds_count')!;
    const sentBefore = sample(workerBefore.text, 'mailroute_emails_sent_total', { outcome: 'sent' })!;
    expect(acceptedBefore).toEqual(expect.any(Number));
    expect(latencyBefore).toEqual(expect.any(Number));
    expect(sentBefore).toEqual(expect.any(Number));
    expect(apiBefore.text).toContain('# TYPE mailroute_sla_breaches_total counter');

    const routed = await createRoutedAccount(platform, await sink());
    const key = routed.account.key;
    const queue = (await platform.admin.get(`/api/queues/${routed.queueId}`)).body.name as string;
    expect(sample(workerBefore.text, 'mailroute_emails_ingested_total', { account: key })).toBeUndefined();

    // The agent is offline: the email waits in the queue, and the API's gauges say so.
    await routed.deliver(
      buildEmail({
        from: 'carla@customer.test',
        to: routed.account.emailAddress,
        subject: 'Order 7',
        text: 'Where?',
        messageId: uniqueMessageId('customer.test'),
      }),
    );
    await waitFor(
      'the queue gauge to show the waiting email',
      async () => sample((await scrape(apiMetrics())).text, 'mailroute_queue_waiting', { queue }) === 1,
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    const worker = await scrape(workerMetrics());
    expect(sample(worker.text, 'mailroute_emails_ingested_total', { account: key })).toBe(1);
    expect(sample(worker.text, 'mailroute_watcher_connected', { account: key })).toBe(1);

    const offer = await acceptNextOffer(routed.agent);
    const reply = await routed.agent.post(`/api/interactions/${offer.interactionId}/reply`, { text: 'On its way.' });
    expect(reply.status).toBe(200);

    let api = apiBefore;
    await waitFor(
      'the accept and its latency on the API',
      async () => {
        api = await scrape(apiMetrics());
        return sample(api.text, 'mailroute_offer_accept_seconds_count') === latencyBefore + 1;
      },
      { timeoutMs: 30_000, intervalMs: 300 },
    );
    expect(sample(api.text, 'mailroute_offers_total', { outcome: 'accepted' })).toBe(acceptedBefore + 1);
    expect(sample(api.text, 'mailroute_offer_accept_seconds_sum')).toBeGreaterThan(0);
    await waitFor(
      'the queue gauge to empty',
      async () => sample((await scrape(apiMetrics())).text, 'mailroute_queue_waiting', { queue }) === 0,
      { timeoutMs: 30_000, intervalMs: 500 },
    );

    let after = worker;
    await waitFor(
      'the reply counted as sent by the worker',
      async () => {
        after = await scrape(workerMetrics());
        return sample(after.text, 'mailroute_emails_sent_total', { outcome: 'sent' }) === sentBefore + 1;
      },
      { timeoutMs: 60_000, intervalMs: 300 },
    );
    // The Temporal SDK's series, proxied from its exporter: slots of this worker and the workflow tasks it ran.
    expect(sample(after.text, 'temporal_worker_task_slots_available', { task_queue: platform.taskQueue })).toEqual(expect.any(Number));
    const tasksBefore =
      sample(workerBefore.text, 'temporal_workflow_task_execution_latency_seconds_count', { task_queue: platform.taskQueue }) ?? 0;
    expect(
      sample(after.text, 'temporal_workflow_task_execution_latency_seconds_count', { task_queue: platform.taskQueue }),
    ).toBeGreaterThan(tasksBefore);
    // Bounded labels: no interaction id or address in any series.
    expect(api.text + after.text).not.toContain('carla@customer.test');

    // Deactivated, the account's watch ends and its watcher series goes with it.
    expect((await platform.admin.patch(`/api/accounts/${routed.account.id}`, { active: false })).status).toBe(200);
    await waitFor(
      'the watcher series to go',
      async () => sample((await scrape(workerMetrics())).text, 'mailroute_watcher_connected', { account: key }) === undefined,
      { timeoutMs: 60_000, intervalMs: 500 },
    );
  });

  it('is refused to a request from elsewhere (through a proxy) without the token, and served with it', async () => {
    const proxied = { 'x-forwarded-for': '203.0.113.7' };
    expect((await scrape(apiMetrics(), proxied)).status).toBe(403);
    expect((await scrape(workerMetrics(), proxied)).status).toBe(403);
    expect((await scrape(workerMetrics(), { ...proxied, authorization: 'Bearer not-the-token-at-all' })).status).toBe(403);
    const withToken = await scrape(workerMetrics(), { ...proxied, authorization: `Bearer ${TOKEN}` });
    expect(withToken.status).toBe(200);
    expect(withToken.text).toContain('# TYPE mailroute_emails_ingested_total counter');
  });
});
