import { Counter, createPlatformMetrics, createQueueGauges, Gauge, Histogram, metricsAccessAllowed } from '../../platform/metrics';

describe('the metrics registry', () => {
  it('writes counters, gauges and histograms in the Prometheus text format, label values escaped', () => {
    const counter = new Counter('x_total', 'Things.', ['account']);
    counter.inc({ account: 'A"B\\C\nD' }, 2);
    expect(counter.render()).toBe('# HELP x_total Things.\n# TYPE x_total counter\nx_total{account="A\\"B\\\\C\\nD"} 2\n');
    const histogram = new Histogram('h_seconds', 'Waits.', [1, 5]);
    histogram.observe({}, 0.5);
    histogram.observe({}, 3);
    histogram.observe({}, 9);
    expect(histogram.render().split('\n').slice(2, -1)).toEqual([
      'h_seconds_bucket{le="1"} 1',
      'h_seconds_bucket{le="5"} 2',
      'h_seconds_bucket{le="+Inf"} 3',
      'h_seconds_sum 12.5',
      'h_seconds_count 3',
    ]);
    const gauge = new Gauge('g', 'Level.', ['queue']);
    gauge.set({ queue: 'a' }, 1);
    gauge.replace([{ labels: { queue: 'b' }, value: 4 }]);
    expect(gauge.render()).toBe('# HELP g Level.\n# TYPE g gauge\ng{queue="b"} 4\n');
  });

  it('starts every offer and send outcome at 0, and counts SLA breaches per account and target', () => {
    const text = createPlatformMetrics().render();
    for (const outcome of ['accepted', 'rejected', 'timeout', 'canceled', 'rescinded'])
      expect(text).toContain(`mailroute_offers_total{outcome="${outcome}"} 0`);
    for (const outcome of ['sent', 'failed', 'uncertain']) expect(text).toContain(`mailroute_emails_sent_total{outcome="${outcome}"} 0`);
    // Breaches are counted per account and target: the family is there before any breach, its series come with them.
    expect(text).toContain('\n# TYPE mailroute_sla_breaches_total counter\n');
    expect(text).toContain('\nmailroute_offer_accept_seconds_count 0\n');
    const metrics = createPlatformMetrics();
    metrics.slaBreached('acme', 'first-response');
    expect(metrics.render()).toContain('\nmailroute_sla_breaches_total{account="acme",target="first-response"} 1\n');
  });

  it('reads the queue gauges once per cache period however many scrapes come', async () => {
    const metrics = createPlatformMetrics();
    const read = jest.fn(async () => [{ queue: 'support', waiting: 3, longestWaitSeconds: 42 }]);
    const refresh = createQueueGauges(read, metrics, 60_000);
    await Promise.all([refresh(), refresh(), refresh()]);
    await refresh();
    expect(read).toHaveBeenCalledTimes(1);
    const text = metrics.render({ queues: true });
    expect(text).toContain('mailroute_queue_waiting{queue="support"} 3');
    expect(text).toContain('mailroute_queue_longest_wait_seconds{queue="support"} 42');
  });
});

describe('who may read /metrics', () => {
  const ask = (remoteAddress: string, options: { authorization?: string; forwarded?: boolean; token?: string } = {}) =>
    metricsAccessAllowed({
      remoteAddress,
      authorization: options.authorization,
      forwarded: options.forwarded ?? false,
      token: options.token,
    });

  it('this machine without a token; another only with the configured bearer token; a proxied request counts as another', () => {
    expect(ask('127.0.0.1')).toBe(true);
    expect(ask('::1')).toBe(true);
    expect(ask('::ffff:127.0.0.1')).toBe(true);
    expect(ask('192.0.2.9')).toBe(false);
    expect(ask('127.0.0.1', { forwarded: true })).toBe(false);
    expect(ask('192.0.2.9', { token: 'sixteen-characters', authorization: 'Bearer sixteen-characters' })).toBe(true);
    expect(ask('192.0.2.9', { token: 'sixteen-characters', authorization: 'Bearer sixteen-character' })).toBe(false);
    expect(ask('192.0.2.9', { authorization: 'Bearer ' })).toBe(false);
  });
});
