/**
 * One backend's share of `npm run bench` (bench/run.ts runs it once per Temporal backend, each in its own process):
 *   tsx bench/suite.ts --backend dev|postgres --out bench/results/<backend>.json
 *
 * The platform is the one the tests use (tests/support: PostgreSQL, Dovecot, the worker as a child process, the API
 * in this process), on the Temporal dev server (SQLite file) or on a Temporal server persisted in PostgreSQL
 * (bench/support/temporal-postgres.ts). Sizes come from the environment (BENCH_*, see suite/result.ts) so a slower machine can
 * scale them; the JSON records the sizes used. The measurements are in bench/suite/.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TEMPORAL_CLI_VERSION } from '../scripts/services/temporal';
import globalSetup from '../tests/support/global-setup';
import globalTeardown from '../tests/support/global-teardown';
import { openLiveEvents } from '../tests/support/live-events';
import { startTestPlatform } from '../tests/support/platform';
import { testEnvironment } from '../tests/support/test-environment';
import { createDesk, startAgents } from './support/desk';
import { stopOnInterrupt } from './support/interrupt';
import { residentBytes, round, sleep, summarize } from './support/stats';
import { startTemporalWithPostgres, TEMPORAL_SERVER_VERSION, type TemporalPostgresHandle } from './support/temporal-postgres';
import { apiLoad } from './suite/api-load';
import { environmentFacts } from './suite/environment';
import { burst, emailToOffer, offerClock } from './suite/offers';
import { park } from './suite/parking';
import { benchSizes, type Backend, type BackendResult } from './suite/result';
import { bareTemporalRate, serverVersion } from './suite/temporal';

const args = process.argv.slice(2);
const BACKEND = (args[args.indexOf('--backend') + 1] ?? 'dev') as Backend;
const OUT = args.includes('--out') ? args[args.indexOf('--out') + 1]! : path.resolve(__dirname, `results/${BACKEND}.json`);
const sizes = benchSizes(BACKEND);

const started = Date.now();
const log = (message: string) => console.log(`[bench ${BACKEND} ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${message}`);

function mib(bytes: number | null): number | null {
  return bytes === null ? null : round(bytes / 1024 / 1024);
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
        agents: sizes.agents,
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
    await emailToOffer(platform, desk, clock, 10, sizes.singleIntervalMs, 'warm-up');
    log(`email → offer: ${sizes.singles} emails, one APPEND every ${sizes.singleIntervalMs} ms`);
    const latency = await emailToOffer(platform, desk, clock, sizes.singles, sizes.singleIntervalMs, 'single');
    log(
      `email → offer p50 ${latency.summary.p50} ms p95 ${latency.summary.p95} ms p99 ${latency.summary.p99} ms (${latency.missing} missing)`,
    );

    // Accept round trip: the 50 agents work through those pending offers at once (accept, then close).
    const acceptSamples: number[] = [];
    const agents = startAgents(desk.agents, { reply: false, close: true, pollMs: 100, onAccepted: ({ ms }) => acceptSamples.push(ms) });
    const acceptDeadline = Date.now() + 90_000;
    while (acceptSamples.length < sizes.accepts && Date.now() < acceptDeadline) await sleep(100);
    await agents.stop();
    const accept = summarize(acceptSamples);
    log(`accept p50 ${accept.p50} ms p95 ${accept.p95} ms (n=${accept.n}, ${sizes.agents} agents at once)`);

    log(`bare Temporal: ${sizes.bareWorkflows} trivial workflows from the API's client`);
    const bare = await bareTemporalRate(platform, address, sizes.bareWorkflows);
    log(`bare Temporal: ${bare.workflowsPerSecond} workflows/s`);

    // Burst: room for 1,000 offers (capacity 20 × 50 agents).
    const burstDesk = await roomyDesk(20);
    const burstClock = offerClock();
    const adminStream = await openLiveEvents(platform.apiUrl, platform.adminToken, (event) => {
      if (Number(event.data.accountId) === burstDesk.account.id) burstClock.onEvent(event);
    });
    log(`burst: ${sizes.burst} emails appended at once`);
    const burstResult = await burst(burstDesk, burstClock, sizes.burst);
    adminStream.close();
    log(
      `burst: ${burstResult.offered}/${burstResult.emails} offered in ${burstResult.seconds} s = ${burstResult.emailsPerSecond} emails/s`,
    );
    if (burstResult.offered < burstResult.emails)
      notes.push(`burst: only ${burstResult.offered} of ${burstResult.emails} offered before the wait ended`);

    log(`API: ${sizes.apiRatePerSecond} requests/s per kind for ${sizes.apiSeconds} s`);
    const api = await apiLoad(platform, desk, sizes);
    for (const [name, figures] of Object.entries(api)) {
      log(
        `API ${name}: p50 ${figures.summary.p50} ms p99 ${figures.summary.p99} ms, ${figures.errors} errors ${JSON.stringify(figures.errorStatuses)}`,
      );
    }

    log(`parking: up to ${sizes.parked} interactions waiting for agents (budget ${sizes.parkBudgetSeconds} s)`);
    const parked = await park(platform, sizes.parked, sizes.parkBudgetSeconds);
    const workerRss = mib(await residentBytes(platform.worker.pid));
    const serverRss = mib(await residentBytes(serverPid));
    log(
      `parking: ${parked.parked} waiting (${parked.started} started in ${parked.parkSeconds} s); worker RSS ${workerRss} MiB, Temporal server RSS ${serverRss} MiB`,
    );
    if (parked.parked < parked.target)
      notes.push(
        `parking: ${parked.parked} of ${parked.target} interactions were waiting when the ${sizes.parkBudgetSeconds} s budget ended`,
      );
    const parkedLatency = await emailToOffer(
      platform,
      desk,
      clock,
      sizes.parkedSingles,
      sizes.singleIntervalMs * 2,
      'under load',
      sizes.parkedWaitSeconds,
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
      sizes: sizes,
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
      notes.push(`${sizes.singles} single emails instead of 1,000 on this backend, so both runs fit in 15 minutes on 2 cores`);
    }
    if (BACKEND === 'postgres' && process.env.BENCH_BURST === undefined) {
      notes.push(`a burst of ${sizes.burst} emails instead of 1,000 on this backend, for the same reason`);
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
