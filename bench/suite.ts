/**
 * One backend's share of `npm run bench` (bench/run.ts runs it once per Temporal backend, each in its own process):
 *   tsx bench/suite.ts --backend dev|postgres --out bench/results/<backend>.json
 *
 * The platform is the one the tests use (tests/support: PostgreSQL, Dovecot, the worker as a child process, the API
 * in this process), on the Temporal dev server (SQLite file) or on a Temporal server persisted in PostgreSQL
 * (bench/support/temporal-postgres.ts). Sizes come from the environment (BENCH_* below) so a slower machine can
 * scale them; the JSON records the sizes used.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { Client as PgClient } from 'pg';
import { startRoutingWorkflow } from '../services/start-routing';
import { createStore } from '../store';
import { TEMPORAL_CLI_VERSION } from '../scripts/services/temporal';
import globalSetup from '../tests/support/global-setup';
import globalTeardown from '../tests/support/global-teardown';
import { openLiveEvents, type LiveEventStream } from '../tests/support/live-events';
import { startTestPlatform, type TestPlatform } from '../tests/support/platform';
import { testEnvironment } from '../tests/support/test-environment';
import { createDesk, customerEmail, startAgents, withDeskMailbox, type Desk } from './support/desk';
import { stopOnInterrupt } from './support/interrupt';
import { residentBytes, sleep, summarize, type LatencySummary } from './support/stats';
import { startTemporalWithPostgres, TEMPORAL_SERVER_VERSION, type TemporalPostgresHandle } from './support/temporal-postgres';

const args = process.argv.slice(2);
const BACKEND = (args[args.indexOf('--backend') + 1] ?? 'dev') as 'dev' | 'postgres';
const OUT = args.includes('--out') ? args[args.indexOf('--out') + 1]! : path.resolve(__dirname, `results/${BACKEND}.json`);
const size = (name: string, fallback: number) => Number(process.env[`BENCH_${name}`] ?? fallback);
/** On PostgreSQL the set runs with fewer single emails by default, so both backends fit in 15 minutes on 2 cores. */
const SIZES = {
  singles: size('SINGLES', BACKEND === 'postgres' ? 400 : 1000),
  /** Singles are appended one at a time, one APPEND every this many ms (open loop, so a slow offer does not slow the next email). */
  singleIntervalMs: size('SINGLE_INTERVAL_MS', 200),
  burst: size('BURST', BACKEND === 'postgres' ? 500 : 1000),
  bareWorkflows: size('BARE_WORKFLOWS', 1000),
  agents: size('AGENTS', 50),
  /** Accepts timed while the 50 agents work through the singles' pending offers. */
  accepts: size('ACCEPTS', 200),
  apiRatePerSecond: size('API_RATE', 30),
  apiSeconds: size('API_SECONDS', 10),
  parked: size('PARKED', 10_000),
  /** Parking stops starting workflows after this long and reports how many it parked. */
  parkBudgetSeconds: size('PARK_BUDGET_SECONDS', 30),
  parkedSingles: size('PARKED_SINGLES', 20),
  /** How long an email may take to be offered before it counts as missing (under parking load). */
  parkedWaitSeconds: size('PARKED_WAIT_SECONDS', 30),
};

const started = Date.now();
const log = (message: string) => console.log(`[bench ${BACKEND} ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${message}`);

export interface BackendResult {
  backend: 'dev' | 'postgres';
  temporal: { kind: string; serverVersion: string; persistence: string };
  date: string;
  seconds: number;
  sizes: typeof SIZES;
  notes: string[];
  latency: { summary: LatencySummary; samples: number[]; missing: number };
  accept: LatencySummary;
  burst: { emails: number; offered: number; seconds: number; emailsPerSecond: number };
  bare: { workflows: number; seconds: number; workflowsPerSecond: number };
  ratio: number;
  api: Record<string, { summary: LatencySummary; errors: number; errorStatuses: Record<string, number>; requests: number }>;
  parking: {
    target: number;
    started: number;
    parked: number;
    parkSeconds: number;
    workerRssMiB: number | null;
    serverRssMiB: number | null;
    latency: { summary: LatencySummary; samples: number[]; missing: number };
  };
  environment: Record<string, string | number>;
}

/** Offer events as the agents' desks see them: first offer per interaction, timed on arrival. */
function offerClock() {
  const firstOffer = new Map<number, number>();
  return {
    firstOffer,
    onEvent(event: LiveEventStream['events'][number]) {
      if (event.event !== 'offer') return;
      const interactionId = Number(event.data.interactionId);
      if (!firstOffer.has(interactionId)) firstOffer.set(interactionId, performance.now());
    },
  };
}

/**
 * Appends `count` emails one at a time (one APPEND every `intervalMs`) and returns APPEND completion → first offer
 * over SSE, per email. Emails whose offer never came within the wait are counted as missing.
 */
async function emailToOffer(
  platform: TestPlatform,
  desk: Desk,
  clock: ReturnType<typeof offerClock>,
  count: number,
  intervalMs: number,
  label: string,
  waitSeconds = 120,
) {
  const appended = new Map<number, number>();
  await withDeskMailbox(testEnvironment().dovecot, desk, async (client) => {
    const t0 = performance.now();
    for (let index = 0; index < count; index++) {
      const due = t0 + index * intervalMs;
      if (performance.now() < due) await sleep(due - performance.now());
      const response = await client.append('INBOX', customerEmail(desk, `${label} ${index}`));
      if (!response || response.uid === undefined) throw new Error('APPEND returned no UID');
      appended.set(response.uid, performance.now());
    }
  });
  const uids = [...appended.keys()];
  const deadline = Date.now() + waitSeconds * 1000;
  let messages: { uid: bigint | null; interactionId: number }[] = [];
  while (Date.now() < deadline) {
    messages = await platform.db.message.findMany({
      where: { accountId: desk.account.id, uid: { in: uids.map(BigInt) } },
      select: { uid: true, interactionId: true },
    });
    if (messages.length === uids.length && messages.every((message) => clock.firstOffer.has(message.interactionId))) break;
    await sleep(250);
  }
  const samples: number[] = [];
  for (const message of messages) {
    const offeredAt = clock.firstOffer.get(message.interactionId);
    if (offeredAt !== undefined) samples.push(offeredAt - appended.get(Number(message.uid))!);
  }
  return { summary: summarize(samples), samples: samples.map((value) => Math.round(value)), missing: count - samples.length };
}

async function bareTemporalRate(platform: TestPlatform, address: string, count: number) {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const taskQueue = `bench-bare-${Date.now()}`;
  const connection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection,
    taskQueue,
    workflowsPath: require.resolve('./support/trivial-workflow'),
  });
  const running = worker.run();
  // Warm-up: the worker's first poll and the bundle's first activation.
  await platform.temporal.workflow.execute('trivial', { taskQueue, workflowId: `${taskQueue}-warm` });
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 50 }, async () => {
      while (next < count) {
        const index = next++;
        await platform.temporal.workflow.execute('trivial', { taskQueue, workflowId: `${taskQueue}-${index}` });
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  worker.shutdown();
  await running;
  await connection.close();
  return { workflows: count, seconds: round(seconds), workflowsPerSecond: round(count / seconds) };
}

async function burst(desk: Desk, clock: ReturnType<typeof offerClock>, count: number) {
  const before = new Set(clock.firstOffer.keys());
  const offeredSince = () => [...clock.firstOffer.keys()].filter((id) => !before.has(id)).length;
  const t0 = performance.now();
  let next = 0;
  // "At once": four IMAP sessions appending back to back.
  await Promise.all(
    Array.from({ length: 4 }, () =>
      withDeskMailbox(testEnvironment().dovecot, desk, async (client) => {
        while (next < count) {
          const index = next++;
          await client.append('INBOX', customerEmail(desk, `burst ${index}`));
        }
      }),
    ),
  );
  const deadline = Date.now() + 400_000;
  while (offeredSince() < count && Date.now() < deadline) await sleep(100);
  const seconds = (performance.now() - t0) / 1000;
  return { emails: count, offered: offeredSince(), seconds: round(seconds), emailsPerSecond: round(offeredSince() / seconds) };
}

/** Requests at a fixed rate (open loop: each fires on schedule, whatever the previous ones are doing). */
async function fixedRate(ratePerSecond: number, seconds: number, request: (index: number) => Promise<number>) {
  const samples: number[] = [];
  let errors = 0;
  const errorStatuses: Record<string, number> = {};
  const total = Math.round(ratePerSecond * seconds);
  const t0 = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let index = 0; index < total; index++) {
    const due = t0 + (index * 1000) / ratePerSecond;
    if (performance.now() < due) await sleep(due - performance.now());
    inFlight.push(
      (async () => {
        const sent = performance.now();
        const status = await request(index).catch(() => 0);
        samples.push(performance.now() - sent);
        if (status < 200 || status >= 300) {
          errors += 1;
          errorStatuses[status || 'network'] = (errorStatuses[status || 'network'] ?? 0) + 1;
        }
      })(),
    );
  }
  await Promise.all(inFlight);
  return { summary: summarize(samples), errors, errorStatuses, requests: total };
}

async function apiLoad(platform: TestPlatform, desk: Desk) {
  const { admin } = platform;
  const rate = SIZES.apiRatePerSecond;
  const [configRead, configWrite, search] = await Promise.all([
    fixedRate(rate, SIZES.apiSeconds, async () => (await admin.get(`/api/accounts/${desk.account.id}`)).status),
    fixedRate(
      rate,
      SIZES.apiSeconds,
      async (index) => (await admin.patch(`/api/queues/${desk.queueId}`, { offerTimeoutSeconds: 60 + (index % 2) })).status,
    ),
    fixedRate(
      rate,
      SIZES.apiSeconds,
      async () =>
        (
          await admin.post('/api/interactions/search', {
            accountId: desk.account.id,
            match: 'all',
            conditions: [{ field: 'subject', operator: 'contains', value: 'single 1' }],
            limit: 50,
          })
        ).status,
    ),
  ]);
  return { 'config read (GET account)': configRead, 'config write (PATCH queue)': configWrite, 'interaction search': search };
}

/**
 * Parks up to `target` interactions waiting for agents: rows written in bulk, then one routing workflow each,
 * started exactly as the mailbox watcher starts them (services/start-routing.ts), on a queue whose only agent is offline.
 */
async function park(platform: TestPlatform, target: number, budgetSeconds: number) {
  const desk = await createDesk(platform, { dovecot: testEnvironment().dovecot, agents: 1, activate: false, online: false });
  const sql = new PgClient({ connectionString: testEnvironment().databaseUrl });
  await sql.connect();
  const rows = await sql.query<{ interaction: number; message: number; uid: string }>(
    `WITH interactions AS (
       INSERT INTO "Interaction" ("accountId", subject, "customerEmail", "updatedAt")
       SELECT $1, 'parked ' || g, 'parked' || g || '@customer.test', now() FROM generate_series(1, $2) g RETURNING id
     ), numbered AS (SELECT id, row_number() OVER (ORDER BY id) AS n FROM interactions)
     INSERT INTO "Message" ("interactionId", "accountId", direction, mailbox, "uidValidity", uid, "messageIdHeader", "fromAddress", subject, text)
     SELECT id, $1, 'inbound', 'INBOX', 1, n, '<parked-' || n || '-' || $1 || '@customer.test>', 'parked' || n || '@customer.test', 'parked ' || n, 'Waiting.'
     FROM numbered RETURNING "interactionId" AS interaction, id AS message, uid`,
    [desk.account.id, target],
  );
  await sql.end();
  const t0 = performance.now();
  const deadline = Date.now() + budgetSeconds * 1000;
  let next = 0;
  let startedCount = 0;
  await Promise.all(
    Array.from({ length: 20 }, async () => {
      while (next < rows.rows.length && Date.now() < deadline) {
        const row = rows.rows[next++]!;
        await startRoutingWorkflow(
          { store: createStore(platform.db), temporal: platform.temporal, taskQueue: platform.taskQueue },
          {
            accountId: desk.account.id,
            accountKey: desk.account.key,
            uidValidity: 1n,
            uid: BigInt(row.uid),
            messageId: row.message,
            interactionId: row.interaction,
          },
        );
        startedCount += 1;
      }
    }),
  );
  const waiting = () => platform.db.interaction.count({ where: { accountId: desk.account.id, routingState: 'waiting-for-agents' } });
  let parked = await waiting();
  while (parked < startedCount && Date.now() < deadline + 10_000) {
    await sleep(1000);
    parked = await waiting();
  }
  return { target, started: startedCount, parked, parkSeconds: round((performance.now() - t0) / 1000) };
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

function mib(bytes: number | null): number | null {
  return bytes === null ? null : round(bytes / 1024 / 1024);
}

async function environmentFacts(address: string): Promise<Record<string, string | number>> {
  const cpus = os.cpus();
  const sql = new PgClient({ connectionString: testEnvironment().databaseUrl });
  await sql.connect();
  const postgres = (await sql.query<{ server_version: string }>('SHOW server_version')).rows[0]!.server_version;
  await sql.end();
  const dovecot = (() => {
    try {
      return execFileSync('dovecot', ['--version']).toString().trim();
    } catch {
      return 'unknown';
    }
  })();
  return {
    machine: `${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, ${Math.round(os.totalmem() / 1024 ** 3)} GiB RAM`,
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    postgresql: postgres,
    dovecot,
    temporalAddress: address,
    // The machine is shared: its load when the measurements started says how much else was running.
    'load average at start (1/5/15 min)': os
      .loadavg()
      .map((value) => value.toFixed(2))
      .join(' / '),
  };
}

async function serverVersion(address: string): Promise<string> {
  const connection = await Connection.connect({ address });
  try {
    return (await connection.workflowService.getSystemInfo({})).serverVersion ?? 'unknown';
  } finally {
    await connection.close();
  }
}

async function main(): Promise<void> {
  const notes: string[] = [];
  let temporalPg: TemporalPostgresHandle | undefined;
  if (BACKEND === 'postgres') {
    temporalPg = await startTemporalWithPostgres(log);
    process.env.TEMPORAL_ADDRESS = temporalPg.address;
    log(`Temporal ${TEMPORAL_SERVER_VERSION} on PostgreSQL at ${temporalPg.address}`);
  }
  await globalSetup();
  const platform = await startTestPlatform({ watcherHeartbeatSeconds: 5 });
  const address = testEnvironment().temporalAddress;
  const serverPid = temporalPg?.pid ?? testEnvironment().started.temporalPid;
  const stopAll = stopOnInterrupt(async () => {
    await platform.close().catch((error: Error) => log(`platform close: ${error.message}`));
    await globalTeardown();
    await temporalPg?.stop();
  });
  try {
    const facts = await environmentFacts(address);
    const version = await serverVersion(address);
    log(`server ${version}; ${facts.machine}`);

    // Desks whose agents have room for every offer, with offers that outlast the run (expiring ones would start new
    // offer rounds during later measurements): the figures are the pipeline, not the agents' pace.
    const roomyDesk = (capacity: number) =>
      createDesk(platform, {
        dovecot: testEnvironment().dovecot,
        agents: SIZES.agents,
        capacity,
        offerTimeoutSeconds: 3600,
        strategy: 'rrmemory',
        online: true,
      });

    // Email → offer: 50 agents watching their live events; nobody accepts yet.
    const desk = await roomyDesk(25);
    const clock = offerClock();
    const streams = await Promise.all(
      desk.agents.map((agent) => openLiveEvents(platform.apiUrl, agent.api.token!, (event) => clock.onEvent(event))),
    );
    await emailToOffer(platform, desk, clock, 10, SIZES.singleIntervalMs, 'warm-up');
    log(`email → offer: ${SIZES.singles} emails, one APPEND every ${SIZES.singleIntervalMs} ms`);
    const latency = await emailToOffer(platform, desk, clock, SIZES.singles, SIZES.singleIntervalMs, 'single');
    log(
      `email → offer p50 ${latency.summary.p50} ms p95 ${latency.summary.p95} ms p99 ${latency.summary.p99} ms (${latency.missing} missing)`,
    );

    // Accept round trip: the 50 agents work through those pending offers at once (accept, then close).
    const acceptSamples: number[] = [];
    const agents = startAgents(desk.agents, { reply: false, close: true, pollMs: 100, onAccepted: ({ ms }) => acceptSamples.push(ms) });
    const acceptDeadline = Date.now() + 90_000;
    while (acceptSamples.length < SIZES.accepts && Date.now() < acceptDeadline) await sleep(100);
    await agents.stop();
    const accept = summarize(acceptSamples);
    log(`accept p50 ${accept.p50} ms p95 ${accept.p95} ms (n=${accept.n}, ${SIZES.agents} agents at once)`);

    log(`bare Temporal: ${SIZES.bareWorkflows} trivial workflows from the API's client`);
    const bare = await bareTemporalRate(platform, address, SIZES.bareWorkflows);
    log(`bare Temporal: ${bare.workflowsPerSecond} workflows/s`);

    // Burst: room for 1,000 offers (capacity 20 × 50 agents).
    const burstDesk = await roomyDesk(20);
    const burstClock = offerClock();
    const adminStream = await openLiveEvents(platform.apiUrl, platform.adminToken, (event) => {
      if (Number(event.data.accountId) === burstDesk.account.id) burstClock.onEvent(event);
    });
    log(`burst: ${SIZES.burst} emails appended at once`);
    const burstResult = await burst(burstDesk, burstClock, SIZES.burst);
    adminStream.close();
    log(
      `burst: ${burstResult.offered}/${burstResult.emails} offered in ${burstResult.seconds} s = ${burstResult.emailsPerSecond} emails/s`,
    );
    if (burstResult.offered < burstResult.emails)
      notes.push(`burst: only ${burstResult.offered} of ${burstResult.emails} offered before the wait ended`);

    log(`API: ${SIZES.apiRatePerSecond} requests/s per kind for ${SIZES.apiSeconds} s`);
    const api = await apiLoad(platform, desk);
    for (const [name, figures] of Object.entries(api)) {
      log(
        `API ${name}: p50 ${figures.summary.p50} ms p99 ${figures.summary.p99} ms, ${figures.errors} errors ${JSON.stringify(figures.errorStatuses)}`,
      );
    }

    log(`parking: up to ${SIZES.parked} interactions waiting for agents (budget ${SIZES.parkBudgetSeconds} s)`);
    const parked = await park(platform, SIZES.parked, SIZES.parkBudgetSeconds);
    const workerRss = mib(await residentBytes(platform.worker.pid));
    const serverRss = mib(await residentBytes(serverPid));
    log(
      `parking: ${parked.parked} waiting (${parked.started} started in ${parked.parkSeconds} s); worker RSS ${workerRss} MiB, Temporal server RSS ${serverRss} MiB`,
    );
    if (parked.parked < parked.target)
      notes.push(
        `parking: ${parked.parked} of ${parked.target} interactions were waiting when the ${SIZES.parkBudgetSeconds} s budget ended`,
      );
    const parkedLatency = await emailToOffer(
      platform,
      desk,
      clock,
      SIZES.parkedSingles,
      SIZES.singleIntervalMs * 2,
      'under load',
      SIZES.parkedWaitSeconds,
    );
    log(
      `email → offer with ${parked.parked} parked: p50 ${parkedLatency.summary.p50} ms p95 ${parkedLatency.summary.p95} ms p99 ${parkedLatency.summary.p99} ms`,
    );
    for (const stream of streams) stream.close();

    const result: BackendResult = {
      backend: BACKEND,
      temporal: {
        kind:
          BACKEND === 'dev' ? `Temporal CLI ${TEMPORAL_CLI_VERSION} dev server` : `Temporal server ${TEMPORAL_SERVER_VERSION} (go install)`,
        serverVersion: version,
        persistence:
          BACKEND === 'dev'
            ? 'SQLite file (WAL, synchronous=OFF), 1 history shard'
            : 'PostgreSQL (fsync off), 4 history shards, SQL visibility',
      },
      date: new Date().toISOString(),
      seconds: Math.round((Date.now() - started) / 1000),
      sizes: SIZES,
      notes,
      latency,
      accept,
      burst: burstResult,
      bare,
      ratio: Math.round((burstResult.emailsPerSecond / bare.workflowsPerSecond) * 1000) / 1000,
      api,
      parking: { ...parked, workerRssMiB: workerRss, serverRssMiB: serverRss, latency: parkedLatency },
      environment: {
        ...facts,
        'load average at end (1/5/15 min)': os
          .loadavg()
          .map((value) => value.toFixed(2))
          .join(' / '),
      },
    };
    if (BACKEND === 'postgres' && process.env.BENCH_SINGLES === undefined) {
      notes.push(`${SIZES.singles} single emails instead of 1,000 on this backend, so both runs fit in 15 minutes on 2 cores`);
    }
    if (BACKEND === 'postgres' && process.env.BENCH_BURST === undefined) {
      notes.push(`a burst of ${SIZES.burst} emails instead of 1,000 on this backend, for the same reason`);
    }
    mkdirSync(path.dirname(OUT), { recursive: true });
    writeFileSync(OUT, `${JSON.stringify(result, null, 2)}\n`);
    log(`wrote ${path.relative(process.cwd(), OUT)}`);
  } finally {
    await stopAll();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
