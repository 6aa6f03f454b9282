/**
 * `npm run chaos [-- --short] [-- --seed N]`: faults while a burst of emails is ingested, offered, accepted,
 * answered and closed by agents working over REST, then the invariants. Loopback only, bounded in time.
 *
 * Faults (at random moments, from a seeded generator): SIGKILL of a worker process (two workers run), a Dovecot
 * restart, a SIGKILL and restart of the Temporal dev server (SQLite file, same port), and every PostgreSQL
 * connection of the mailroute database terminated (pg_terminate_backend).
 *
 * Invariants: every email in the mailbox is exactly one inbound interaction message; every accepted interaction
 * has exactly one owner; every reply is sent exactly once (counted at the SMTP capture); every routing workflow
 * completed, or runs waiting with a reason (its routing state); no pending offer outside a workflow's pending
 * offers. Prints the counts; exits 1 on any violation.
 *
 * Beside this file: chaos/workload.ts (the burst and the counts), chaos/faults.ts, chaos/invariants.ts.
 *
 * Full: 1,000 emails, 4 worker kills, 2 connection drops, 1 Dovecot and 1 Temporal restart (under 15 minutes).
 * Short (CI): 200 emails, 2 worker kills, 1 of each other fault (under 3 minutes).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import globalSetup from '../tests/support/global-setup';
import globalTeardown from '../tests/support/global-teardown';
import { extraWorker } from '../tests/support/ingestion';
import { startTestPlatform, type WorkerProcess } from '../tests/support/platform';
import { startSmtpSink } from '../tests/support/smtp-sink';
import { testEnvironment } from '../tests/support/test-environment';
import { runFaults, seededRandom } from './chaos/faults';
import { checkInvariants, INVARIANTS, type Violation } from './chaos/invariants';
import { appendBurst, newCounts, type Counts } from './chaos/workload';
import { createDesk, startAgents } from './support/desk';
import { stopOnInterrupt } from './support/interrupt';
import { sleep } from './support/stats';

const args = process.argv.slice(2);
const SHORT = args.includes('--short') || process.env.CHAOS_SHORT === '1';
const SEED = Number(args[args.indexOf('--seed') + 1] ?? NaN) || Date.now() % 100_000;
const EMAILS = SHORT ? 200 : 1000;
const WORKER_KILLS = SHORT ? 2 : 4;
const CONNECTION_DROPS = SHORT ? 1 : 2;
/** Whole run, set-up included; the drain stops early enough to check invariants inside it. */
const TIME_LIMIT_MS = (SHORT ? 170 : 840) * 1000;
const AGENTS = 10;

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s`;
const log = (message: string) => console.log(`[chaos ${elapsed()}] ${message}`);

async function main(): Promise<void> {
  log(
    `${SHORT ? 'short' : 'full'} mode, seed ${SEED}: ${EMAILS} emails, ${WORKER_KILLS} worker kills, ${CONNECTION_DROPS} connection drops, 1 Dovecot restart, 1 Temporal restart`,
  );
  await globalSetup();
  const smtp = await startSmtpSink();
  const platform = await startTestPlatform({ watcherHeartbeatSeconds: 5 });
  const second = extraWorker(platform, 5);
  await second.start();
  const workers = [platform.worker, second];
  const counts: Counts = newCounts();
  const intentionallyDown = new Set<WorkerProcess>();
  let watchdogRunning = true;
  const stopAll = stopOnInterrupt(async () => {
    watchdogRunning = false;
    await second.stop().catch(() => undefined);
    await platform.close().catch((error: Error) => log(`platform close: ${error.message}`));
    await smtp.close();
    await globalTeardown();
  });
  // Like a process supervisor: a worker that dies on its own (not one we killed) is counted and started again.
  const watchdog = (async () => {
    while (watchdogRunning) {
      for (const worker of workers) {
        if (worker.pid === undefined && !intentionallyDown.has(worker)) {
          counts.unexpectedWorkerExits += 1;
          const crash = worker.log
            .split('\n')
            .filter((line) => !line.startsWith('{'))
            .slice(-60)
            .join('\n');
          log(`a worker exited on its own:\n${crash}`);
          intentionallyDown.add(worker);
          await worker.start().catch((error: Error) => log(`restart failed: ${error.message}`));
          intentionallyDown.delete(worker);
        }
      }
      await sleep(500);
    }
  })();

  let exitCode = 1;
  try {
    // Room for every email at once (capacity × agents ≥ emails; offers outlast the run): the run measures the faults,
    // not a queue of interactions waiting for agents.
    const desk = await createDesk(platform, {
      dovecot: testEnvironment().dovecot,
      agents: AGENTS,
      capacity: Math.min(100, Math.ceil(EMAILS / AGENTS)),
      // Ring-all races for the one accept that wins in the short mode (CI); in the full mode ring-all would take one
      // slot of every agent per email, so 1,000 emails could not all be offered at once: one agent per offer there.
      strategy: SHORT ? 'beepall' : 'rrmemory',
      offerTimeoutSeconds: 900,
      smtpPort: smtp.port,
      online: true,
    });
    log(
      `account ${desk.account.key}: ${AGENTS} online agents (capacity ${Math.min(100, Math.ceil(EMAILS / AGENTS))}) on one ${SHORT ? 'ring-all' : 'round-robin'} queue, replies to the SMTP capture on :${smtp.port}`,
    );
    const replied = new Map<number, string>();
    const agents = startAgents(desk.agents, {
      reply: true,
      close: true,
      pollMs: 250,
      acceptsPerTick: 2,
      onAccepted: () => (counts.accepts += 1),
      onReplied: ({ interactionId, messageIdHeader }) => {
        counts.replies += 1;
        replied.set(interactionId, messageIdHeader);
      },
      onClosed: () => (counts.closes += 1),
      onError: ({ action, status }) => {
        if (action === 'accept' && status === 409) counts.acceptConflicts += 1;
        else
          counts.apiErrors[`${action} ${typeof status === 'number' ? status : 'network'}`] =
            (counts.apiErrors[`${action} ${typeof status === 'number' ? status : 'network'}`] ?? 0) + 1;
      },
      heldInteractions: async (agentId) =>
        (
          await platform.db.interaction.findMany({ where: { agentId, status: 'open', routingState: 'accepted' }, select: { id: true } })
        ).map(({ id }) => id),
    });

    const burst = appendBurst(desk, EMAILS, counts);
    await runFaults(
      { workers, platform, counts, intentionallyDown, random: seededRandom(SEED), log },
      { workerKills: WORKER_KILLS, connectionDrops: CONNECTION_DROPS, pauseMs: SHORT ? [1500, 4000] : [4000, 12_000] },
    );
    await burst;
    log(
      `burst appended: ${counts.appendsConfirmed} confirmed, ${counts.appendsUncertain} cut by a fault; faults done: ${counts.faults.length}`,
    );

    // Drain: agents keep working until every email is in and every interaction closed, or time runs out.
    const drainDeadline = started + TIME_LIMIT_MS - (SHORT ? 25_000 : 60_000);
    let last = '';
    while (Date.now() < drainDeadline) {
      const [inbound, open] = await Promise.all([
        platform.db.message.count({ where: { accountId: desk.account.id, direction: 'inbound' } }),
        platform.db.interaction.count({ where: { accountId: desk.account.id, status: 'open' } }),
      ]).catch(() => [-1, -1]);
      const progress = `${inbound} ingested, ${open} open`;
      if (progress !== last) log(progress);
      last = progress;
      if (inbound >= counts.appendsConfirmed && open === 0) break;
      await sleep(2000);
    }
    await agents.stop();
    watchdogRunning = false;
    await watchdog;
    await sleep(3000); // a late duplicate (a second send, a second message) gets time to show itself
    log('checking invariants');
    const result = await checkInvariants(platform, desk, smtp.messages, replied);

    const report = {
      mode: SHORT ? 'short' : 'full',
      seed: SEED,
      seconds: Math.round((Date.now() - started) / 1000),
      faults: counts.faults,
      'unexpected worker exits (restarted as a supervisor would)': counts.unexpectedWorkerExits,
      'appends confirmed': counts.appendsConfirmed,
      'appends cut by a fault': counts.appendsUncertain,
      'accepts answered 200': counts.accepts,
      'accepts refused 409 (ring-all races)': counts.acceptConflicts,
      'replies answered 200': counts.replies,
      'closes answered': counts.closes,
      'other API errors (retried)': counts.apiErrors,
      ...result.counts,
    };
    console.log('\n== chaos: what happened');
    console.log(JSON.stringify(report, null, 2));
    const byInvariant = new Map<string, Violation[]>();
    for (const violation of result.violations)
      byInvariant.set(violation.invariant, [...(byInvariant.get(violation.invariant) ?? []), violation]);
    console.log('\n== chaos: invariants');
    for (const invariant of INVARIANTS) {
      const found = byInvariant.get(invariant) ?? [];
      console.log(`${found.length === 0 ? 'ok  ' : 'FAIL'}  ${invariant}${found.length ? `: ${found.length} violations` : ''}`);
      for (const violation of found.slice(0, 10)) console.log(`        ${violation.detail}`);
    }
    exitCode = result.violations.length === 0 ? 0 : 1;
    const invariants = Object.fromEntries(INVARIANTS.map((invariant) => [invariant, (byInvariant.get(invariant) ?? []).length]));
    writeFileSync(
      path.resolve(__dirname, `results/chaos-${SHORT ? 'short' : 'full'}.json`),
      `${JSON.stringify({ date: new Date().toISOString(), ...report, violationsByInvariant: invariants, passed: exitCode === 0 }, null, 2)}\n`,
    );
    console.log(`\nchaos ${exitCode === 0 ? 'passed' : 'FAILED'} in ${Math.round((Date.now() - started) / 1000)} s (seed ${SEED})`);
  } finally {
    await stopAll();
  }
  process.exit(exitCode);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
