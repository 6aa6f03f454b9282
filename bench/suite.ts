/**
 * One backend's share of `npm run bench` (bench/run.ts runs it once per Temporal backend, each in its own process):
 *   tsx bench/suite.ts --backend dev|postgres --out bench/results/<backend>.json
 *
 * The platform runs as production runs it (bench/support/platform.ts: the API and the worker in processes of their
 * own, production pool sizes) on the Temporal dev server (SQLite) or on a Temporal server persisted in PostgreSQL
 * (bench/support/temporal-postgres.ts), both with the same eager settings. Sizes come from BENCH_* variables
 * (suite/result.ts); the JSON records them. The measurements are in bench/suite/.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openLiveEvents } from '../tests/support/live-events';
import { testEnvironment } from '../tests/support/test-environment';
import { createDesk } from './support/desk';
import { stopOnInterrupt } from './support/interrupt';
import { startBenchPlatform } from './support/platform';
import { buildPollingBundle } from './support/polling-bundle';
import { postmasterPid, rssMiB, type MeasuredProcess } from './support/proc';
import { startTemporalDev } from './support/temporal-dev';
import { startTemporalWithPostgres, TEMPORAL_SERVER_VERSION, type TemporalPostgresHandle } from './support/temporal-postgres';
import { acceptFigures } from './suite/accept';
import { bareEngineRate } from './suite/bare';
import { burst } from './suite/burst';
import { fullScenarioCost } from './suite/cost';
import { eagerStartShare } from './suite/eager';
import { environmentFacts } from './suite/environment';
import { offerClock, singles } from './suite/offers';
import { parking } from './suite/parking';
import { offerStages } from './suite/stages';
import { benchSizes, type Backend, type BackendResult } from './suite/result';
import { serverVersion } from './suite/temporal';

const args = process.argv.slice(2);
const BACKEND = (args[args.indexOf('--backend') + 1] ?? 'dev') as Backend;
const OUT = args.includes('--out') ? args[args.indexOf('--out') + 1]! : path.resolve(__dirname, `results/${BACKEND}.json`);
const sizes = benchSizes();
const ROOT = path.resolve(__dirname, '..');

const started = Date.now();
const log = (message: string) => console.log(`[bench ${BACKEND} ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${message}`);
const loadAverage = () =>
  os
    .loadavg()
    .map((value) => value.toFixed(2))
    .join(' / ');

async function main(): Promise<void> {
  const notes: string[] = [];
  const temporal =
    BACKEND === 'postgres' ? await startTemporalWithPostgres(log) : await startTemporalDev(path.join(ROOT, '.data/bench-temporal-dev'));
  process.env.TEMPORAL_ADDRESS = temporal.address;
  const { platform, stop } = await startBenchPlatform(log).catch(async (error: Error) => {
    await temporal.stop();
    throw error;
  });
  const stopAll = stopOnInterrupt(async () => {
    await stop();
    await temporal.stop();
  });
  try {
    const facts = await environmentFacts(temporal.address);
    const version = await serverVersion(temporal.address);
    log(`Temporal ${version} at ${temporal.address}; ${facts.machine}; load ${loadAverage()}`);
    const temporalDb = BACKEND === 'postgres' ? postmasterPid((temporal as TemporalPostgresHandle).postgres.dataDir) : undefined;
    const server: MeasuredProcess[] = [
      { name: 'temporal', pid: temporal.pid },
      ...(temporalDb ? [{ name: 'temporal-postgres', pid: temporalDb, tree: true }] : []),
    ];
    // The worker is replaced for the polling path's cost: its pid is read when a measurement starts.
    const measured = (): MeasuredProcess[] => [
      { name: 'worker', pid: platform.worker.pid },
      { name: 'api', pid: platform.api.pid },
      { name: 'postgres', pid: platform.postgresPid, tree: true },
      ...server,
      // The load generator itself (this process: IMAP clients, agents over HTTP, live-event streams).
      { name: 'bench', pid: process.pid },
    ];

    // Memory of the processes as they start, before any work (the worker has loaded its workflow bundle).
    const memoryAtStart = { worker: rssMiB(platform.worker.pid), api: rssMiB(platform.api.pid), temporal: rssMiB(temporal.pid) };

    log(`bare engine: ${sizes.bareWorkflows} trivial workflows, up to ${sizes.bareInFlight} in flight, eager starts from a worker process`);
    const bare = await bareEngineRate(temporal.address, sizes.bareWorkflows, sizes.bareInFlight, server);
    log(`bare engine: ${bare.workflowsPerSecond} workflows/s (${bare.eagerlyStarted} of ${bare.workflows} started eagerly)`);

    // Cost per email on both routing paths, before anything else waits in the platform (the polling path runs on a
    // worker whose bundle routes by polling; the usual worker comes back after).
    const costOptions = { emails: sizes.costEmails, intervalMs: sizes.costIntervalMs };
    log(`cost: ${sizes.costEmails} emails through queue, accept, reply, close with a disposition (database placement)`);
    const placementCost = await fullScenarioCost(platform, measured(), costOptions, log);
    await platform.replaceWorker(await buildPollingBundle(testEnvironment().runDir));
    log(`cost: the same on the polling path`);
    const pollingCost = await fullScenarioCost(platform, measured(), costOptions, log);
    await platform.replaceWorker();
    for (const [path_, cost] of [
      ['placement', placementCost],
      ['polling', pollingCost],
    ] as const) {
      log(
        `cost (${path_}): ${cost.perEmail.statementsPerEmail.total} statements/email, ${cost.temporalActionsPerEmail} actions/email, ` +
          `CPU ms/email ${JSON.stringify(cost.perEmail.cpuMsPerEmail)}`,
      );
    }
    const processes = measured();

    log(`burst: ${sizes.burst} emails, ${sizes.burstAgents} agents with room for all`);
    const burstResult = await burst(platform, processes, { emails: sizes.burst, agents: sizes.burstAgents }, log);
    log(
      `burst: ${burstResult.offered}/${burstResult.emails} offered in ${burstResult.seconds} s = ${burstResult.emailsPerSecond}/s; ` +
        `ratio ${Math.round((burstResult.emailsPerSecond / bare.workflowsPerSecond) * 1000) / 1000}`,
    );
    if (burstResult.offered < burstResult.emails) notes.push(`burst: only ${burstResult.offered} of ${burstResult.emails} offered`);
    const sampleIds = await platform.db.message.findMany({
      where: { direction: 'inbound', subject: { startsWith: 'burst ' }, workflowId: { not: null } },
      select: { workflowId: true },
      orderBy: { id: 'asc' },
    });
    const step = Math.max(1, Math.floor(sampleIds.length / 40));
    const eagerStart = await eagerStartShare(
      platform,
      sampleIds.filter((_, index) => index % step === 0).map((row) => row.workflowId!),
    );
    log(`eager start: ${eagerStart.eager} of ${eagerStart.sampled} sampled burst workflows`);

    // Notification → offer: a desk of idle agents with room, each watching its own live stream.
    const idleDesk = await createDesk(platform, {
      dovecot: testEnvironment().dovecot,
      agents: 10,
      capacity: 100,
      offerTimeoutSeconds: 3600,
      strategy: 'rrmemory',
      online: true,
    });
    const idleClock = offerClock();
    const idleStreams = await Promise.all(
      idleDesk.agents.map((agent) => openLiveEvents(platform.apiUrl, agent.api.token!, (event) => idleClock.onEvent(event))),
    );
    await singles(platform, idleDesk, idleClock, { count: 10, intervalMs: sizes.singleIntervalMs, label: 'warm-up' });
    log(`latency: ${sizes.singles} single emails, one every ${sizes.singleIntervalMs} ms`);
    const latency = await singles(platform, idleDesk, idleClock, {
      count: sizes.singles,
      intervalMs: sizes.singleIntervalMs,
      label: 'single',
    });
    log(
      `notification → offer p50 ${latency.noticeToOffer.p50} p95 ${latency.noticeToOffer.p95} p99 ${latency.noticeToOffer.p99} ms; ` +
        `append → offer p50 ${latency.appendToOffer.p50} p95 ${latency.appendToOffer.p95} ms (${latency.missing} missing)`,
    );

    const latencyStages = await offerStages(platform, idleClock, idleDesk.account.id, 'single ');
    for (const [stage, summary] of Object.entries(latencyStages)) log(`  ${stage}: p50 ${summary.p50} p95 ${summary.p95} ms`);

    log(`accept: ${sizes.acceptAgents} agents at once × ${sizes.acceptRounds} rounds, ${sizes.races} ring-all races`);
    const accept = await acceptFigures(platform, { agents: sizes.acceptAgents, rounds: sizes.acceptRounds, races: sizes.races });
    log(
      `accept p50 ${accept.atOnce.p50} p95 ${accept.atOnce.p95} ms; races: winners ${accept.races.winners.join(',')}, ` +
        `409s ${accept.races.refused.join(',')}`,
    );

    const parked = await parking({
      platform,
      measured,
      memory: () => [{ name: 'worker', pid: platform.worker.pid }, ...server.filter((p) => p.name === 'temporal')],
      idleDesk,
      idleClock,
      sizes,
      log,
    });
    for (const stream of idleStreams) stream.close();
    if (parked.parked < parked.target) notes.push(`parking: ${parked.parked} of ${parked.target} waiting when the budget ended`);
    if (parked.drain.closed < parked.parked) notes.push(`drain: ${parked.drain.closed} of ${parked.parked} closed when the budget ended`);

    const result: BackendResult = {
      backend: BACKEND,
      temporal: {
        kind: BACKEND === 'dev' ? 'Temporal dev server' : `Temporal server ${TEMPORAL_SERVER_VERSION} (go install) on PostgreSQL`,
        serverVersion: version,
        persistence: BACKEND === 'dev' ? 'SQLite file' : 'PostgreSQL',
        settings: temporal.settings,
      },
      date: new Date().toISOString(),
      seconds: Math.round((Date.now() - started) / 1000),
      sizes,
      notes,
      environment: { ...facts, 'load average at end (1/5/15 min)': loadAverage() },
      eagerStart,
      memoryAtStart,
      bare,
      burst: burstResult,
      burstRatio: Math.round((burstResult.emailsPerSecond / bare.workflowsPerSecond) * 1000) / 1000,
      latency,
      latencyStages,
      accept,
      parking: parked,
      cost: { placement: placementCost, polling: pollingCost },
    };
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
