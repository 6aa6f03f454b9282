/**
 * The platform's own metrics, in the Prometheus text format (version 0.0.4), served at /metrics by the API and by
 * each worker. A small registry of counters, gauges and histograms instead of a client library: the series are
 * few and their labels bounded (an account's key, a queue's name, an outcome; never an interaction or an address).
 *
 * One registry per process: each process counts what happens in it (the API the agents' answers, the worker
 * ingestion, timeouts and sends), and Prometheus adds the processes up.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type http from 'node:http';
import net from 'node:net';

type Labels = Record<string, string>;

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function labelText(labels: Labels, extra: Labels = {}): string {
  const all = { ...labels, ...extra };
  const pairs = Object.entries(all).map(([name, value]) => `${name}="${escapeLabel(value)}"`);
  return pairs.length === 0 ? '' : `{${pairs.join(',')}}`;
}

function numberText(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

interface Metric {
  readonly name: string;
  render(): string;
}

/** A family of series keyed by their label values, in the order the label names were declared. */
abstract class Family<T> implements Metric {
  protected readonly series = new Map<string, { labels: Labels; value: T }>();
  constructor(
    readonly name: string,
    protected readonly help: string,
    protected readonly type: 'counter' | 'gauge' | 'histogram',
    protected readonly labelNames: readonly string[],
  ) {}

  protected entry(labels: Labels, initial: () => T): { labels: Labels; value: T } {
    const ordered: Labels = {};
    for (const name of this.labelNames) {
      const value = labels[name];
      if (value === undefined) throw new Error(`metric ${this.name} needs the label ${name}`);
      ordered[name] = value;
    }
    const key = JSON.stringify(ordered);
    let found = this.series.get(key);
    if (!found) {
      found = { labels: ordered, value: initial() };
      this.series.set(key, found);
    }
    return found;
  }

  remove(labels: Labels): void {
    this.series.delete(JSON.stringify(Object.fromEntries(this.labelNames.map((name) => [name, labels[name]]))));
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} ${this.type}`];
    for (const { labels, value } of this.series.values()) lines.push(...this.sampleLines(labels, value));
    return lines.join('\n') + '\n';
  }

  protected abstract sampleLines(labels: Labels, value: T): string[];
}

export class Counter extends Family<number> {
  constructor(name: string, help: string, labelNames: readonly string[] = [], preset: Labels[] = []) {
    super(name, help, 'counter', labelNames);
    // Series that exist from the start read 0 rather than missing (rate() and alerts need a first sample).
    for (const labels of labelNames.length === 0 ? [{}] : preset) this.entry(labels, () => 0);
  }

  inc(labels: Labels = {}, by = 1): void {
    if (by <= 0) return;
    this.entry(labels, () => 0).value += by;
  }

  protected sampleLines(labels: Labels, value: number): string[] {
    return [`${this.name}${labelText(labels)} ${numberText(value)}`];
  }
}

export class Gauge extends Family<number> {
  constructor(name: string, help: string, labelNames: readonly string[] = []) {
    super(name, help, 'gauge', labelNames);
  }

  set(labels: Labels, value: number): void {
    this.entry(labels, () => 0).value = value;
  }

  /** Every series at once (a scrape-time reading): series no longer in `readings` are dropped. */
  replace(readings: Array<{ labels: Labels; value: number }>): void {
    this.series.clear();
    for (const reading of readings) this.set(reading.labels, reading.value);
  }

  protected sampleLines(labels: Labels, value: number): string[] {
    return [`${this.name}${labelText(labels)} ${numberText(value)}`];
  }
}

interface HistogramValue {
  buckets: number[];
  sum: number;
  count: number;
}

export class Histogram extends Family<HistogramValue> {
  constructor(
    name: string,
    help: string,
    private readonly bounds: readonly number[],
    labelNames: readonly string[] = [],
  ) {
    super(name, help, 'histogram', labelNames);
    if (labelNames.length === 0) this.entry({}, () => this.empty());
  }

  private empty(): HistogramValue {
    return { buckets: this.bounds.map(() => 0), sum: 0, count: 0 };
  }

  observe(labels: Labels, value: number): void {
    const histogram = this.entry(labels, () => this.empty()).value;
    this.bounds.forEach((bound, index) => {
      if (value <= bound) histogram.buckets[index]! += 1;
    });
    histogram.sum += value;
    histogram.count += 1;
  }

  protected sampleLines(labels: Labels, value: HistogramValue): string[] {
    return [
      ...this.bounds.map((bound, index) => `${this.name}_bucket${labelText(labels, { le: numberText(bound) })} ${value.buckets[index]}`),
      `${this.name}_bucket${labelText(labels, { le: '+Inf' })} ${value.count}`,
      `${this.name}_sum${labelText(labels)} ${numberText(value.sum)}`,
      `${this.name}_count${labelText(labels)} ${value.count}`,
    ];
  }
}

export const OFFER_OUTCOMES = ['accepted', 'rejected', 'timeout', 'canceled', 'rescinded'] as const;
export type OfferOutcome = (typeof OFFER_OUTCOMES)[number];
export const SEND_OUTCOMES = ['sent', 'failed', 'uncertain'] as const;
export type SendOutcome = (typeof SEND_OUTCOMES)[number];

/** The series of one process. Tests may make their own; the process shares {@link platformMetrics}. */
export function createPlatformMetrics() {
  const emailsIngested = new Counter('mailroute_emails_ingested_total', 'Emails stored and routed, per account key.', ['account']);
  const emailsQuarantined = new Counter('mailroute_emails_quarantined_total', 'Emails kept aside in quarantine, per account key.', [
    'account',
  ]);
  const offers = new Counter(
    'mailroute_offers_total',
    'Offers ended, by outcome (accepted, rejected, timeout, canceled, rescinded by another agent\u2019s accept).',
    ['outcome'],
    OFFER_OUTCOMES.map((outcome) => ({ outcome })),
  );
  const acceptSeconds = new Histogram(
    'mailroute_offer_accept_seconds',
    'Time from an offer to its accept, in seconds.',
    [0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600],
  );
  const slaBreaches = new Counter('mailroute_sla_breaches_total', 'Service-level targets breached, per account key and target.', [
    'account',
    'target',
  ]);
  const sends = new Counter(
    'mailroute_emails_sent_total',
    'Outbound emails by outcome: sent, failed (refused or never sendable), uncertain (the outcome of DATA unknown).',
    ['outcome'],
    SEND_OUTCOMES.map((outcome) => ({ outcome })),
  );
  const watcherConnected = new Gauge(
    'mailroute_watcher_connected',
    'Whether this process holds the account\u2019s mailbox watch connected (1) or not (0).',
    ['account'],
  );
  const queueWaiting = new Gauge('mailroute_queue_waiting', 'Interactions waiting in each queue.', ['queue']);
  const queueLongestWait = new Gauge(
    'mailroute_queue_longest_wait_seconds',
    'How long the longest waiting interaction of each queue has waited.',
    ['queue'],
  );
  const eventSeries: Metric[] = [emailsIngested, emailsQuarantined, offers, acceptSeconds, slaBreaches, sends, watcherConnected];

  return {
    emailIngested: (account: string) => emailsIngested.inc({ account }),
    emailQuarantined: (account: string) => emailsQuarantined.inc({ account }),
    offersEnded: (outcome: OfferOutcome, count = 1) => offers.inc({ outcome }, count),
    offerAccepted: (seconds: number) => acceptSeconds.observe({}, Math.max(0, seconds)),
    emailSent: (outcome: SendOutcome) => sends.inc({ outcome }),
    slaBreached: (account: string, target: string) => slaBreaches.inc({ account, target }),
    watcherConnected: (account: string, connected: boolean) => watcherConnected.set({ account }, connected ? 1 : 0),
    watcherGone: (account: string) => watcherConnected.remove({ account }),
    queueWaiting,
    queueLongestWait,

    /** The process's series; `queues` adds the queue gauges (the API reads them at scrape time). */
    render(options: { queues?: boolean } = {}): string {
      return [...eventSeries, ...(options.queues ? [queueWaiting, queueLongestWait] : [])].map((metric) => metric.render()).join('');
    },
  };
}

export type PlatformMetrics = ReturnType<typeof createPlatformMetrics>;

/** This process's metrics. */
export const platformMetrics: PlatformMetrics = createPlatformMetrics();

export interface QueueReading {
  queue: string;
  waiting: number;
  longestWaitSeconds: number;
}

/**
 * The queue gauges read at scrape time by one query, kept `cacheMs` so that several scrapers (or a dashboard's
 * refresh) cost one query. A failed read keeps the last values.
 */
export function createQueueGauges(read: () => Promise<QueueReading[]>, metrics: PlatformMetrics, cacheMs = 5_000) {
  let readAt = -Infinity;
  let reading: Promise<void> | undefined;
  return async function refresh(): Promise<void> {
    if (Date.now() - readAt < cacheMs) return;
    reading ??= read()
      .then((rows) => {
        metrics.queueWaiting.replace(rows.map((row) => ({ labels: { queue: row.queue }, value: row.waiting })));
        metrics.queueLongestWait.replace(rows.map((row) => ({ labels: { queue: row.queue }, value: row.longestWaitSeconds })));
        readAt = Date.now();
      })
      .finally(() => (reading = undefined));
    await reading;
  };
}

/**
 * Who may read /metrics: anyone on this machine, or anyone with the configured bearer token. A request that came
 * through a proxy (it names a forwarded client) counts as remote even from loopback, since the proxy's address is
 * not the client's.
 */
export function metricsAccessAllowed(request: {
  remoteAddress: string | undefined;
  authorization: string | undefined;
  forwarded: boolean;
  token: string | undefined;
}): boolean {
  if (request.token && sameSecret(request.authorization ?? '', `Bearer ${request.token}`)) return true;
  const address = request.remoteAddress ?? '';
  const loopback = address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
  return loopback && !request.forwarded;
}

function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** The Prometheus text format's content type. */
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** The Temporal SDK's Prometheus exporter on a loopback port, for Runtime.install's `telemetryOptions.metrics`. */
export function temporalSdkMetrics(port: number) {
  return { prometheus: { bindAddress: `127.0.0.1:${port}`, unitSuffix: true, useSecondsForDurations: true } };
}

/** A free loopback port now (for the SDK's exporter, which cannot say which port it took). */
export async function freeLoopbackPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * The worker's GET /metrics (on its health server): its own series, then the Temporal SDK's, fetched from the SDK's
 * exporter at each scrape, so one scrape target per worker carries both. Without the SDK's (not up yet), ours alone.
 */
export function createWorkerMetricsHandler(options: {
  sdkMetricsUrl: string | undefined;
  token: string | undefined;
  metrics?: PlatformMetrics;
}) {
  const metrics = options.metrics ?? platformMetrics;
  return async (request: http.IncomingMessage, response: http.ServerResponse): Promise<void> => {
    const allowed = metricsAccessAllowed({
      remoteAddress: request.socket.remoteAddress,
      authorization: request.headers.authorization,
      forwarded: request.headers['x-forwarded-for'] !== undefined || request.headers.forwarded !== undefined,
      token: options.token,
    });
    if (!allowed) {
      response.writeHead(403, { 'content-type': 'text/plain' });
      response.end('/metrics is open to this machine only, or with the bearer token set in MAILROUTE_METRICS_TOKEN.\n');
      return;
    }
    let sdk = '';
    if (options.sdkMetricsUrl) {
      sdk = await fetch(options.sdkMetricsUrl, { signal: AbortSignal.timeout(2_000) })
        .then((answer) => (answer.ok ? answer.text() : ''))
        .catch(() => '');
    }
    response.writeHead(200, { 'content-type': METRICS_CONTENT_TYPE, 'cache-control': 'no-store' });
    response.end(metrics.render() + (sdk && !sdk.endsWith('\n') ? `${sdk}\n` : sdk));
  };
}
