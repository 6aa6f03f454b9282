/**
 * The chaos run's faults: SIGKILL of a worker process, a Dovecot restart, a SIGKILL and restart of the Temporal dev
 * server (same SQLite file and port), and every PostgreSQL connection of the mailroute database terminated. Their
 * order, victims and pauses come from a seeded generator, so a failing run can be repeated with --seed.
 *
 * They are spread over the burst by its progress, not by the clock: the k-th of n faults waits until k/(n+1) of the
 * emails are stored. So on a fast or a slow machine alike they hit ingestion, routing and the agents' work, and
 * the same share of the burst is left to arrive after the last one.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client as PgClient } from 'pg';
import { restartDovecot } from '../../scripts/services/dovecot';
import { isProcessAlive, waitFor } from '../../scripts/services/process-tools';
import { startTemporalDevServer } from '../../scripts/services/temporal';
import type { TestPlatform, WorkerProcess } from '../../tests/support/platform';
import { testEnvironment, testEnvironmentFile } from '../../tests/support/test-environment';
import { sleep } from '../support/stats';
import type { Counts } from './workload';

export interface Faults {
  workers: WorkerProcess[];
  platform: TestPlatform;
  counts: Counts;
  intentionallyDown: Set<WorkerProcess>;
  /** The run's seeded generator ({@link seededRandom}). */
  random: () => number;
  log: (message: string) => void;
}

export interface FaultPlan {
  workerKills: number;
  connectionDrops: number;
  /** The burst's size, and how many of its emails are stored so far. */
  emails: number;
  stored: () => Promise<number>;
  /** A pause before each fault once its share of the burst is stored, at random between these bounds. */
  pauseMs: [low: number, high: number];
  /** A share that does not arrive (nothing stored for this long) no longer holds the faults back. */
  standstillMs: number;
}

/** mulberry32: a small seeded generator, so a failing run can be repeated with --seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function between(random: () => number, low: number, high: number): number {
  return low + random() * (high - low);
}

async function killWorker({ workers, counts, intentionallyDown, random, log }: Faults): Promise<void> {
  const running = workers.filter((worker) => worker.pid !== undefined);
  const victim = running[Math.floor(random() * running.length)];
  if (!victim) return;
  intentionallyDown.add(victim);
  const pid = victim.pid;
  await victim.kill();
  const downMs = between(random, 500, 3000);
  log(`SIGKILL worker ${pid}; back in ${(downMs / 1000).toFixed(1)} s`);
  counts.faults.push('worker SIGKILL');
  await sleep(downMs);
  await victim.start();
  intentionallyDown.delete(victim);
}

async function restartTemporal({ counts, random, log }: Faults): Promise<void> {
  const environment = testEnvironment();
  const pid = environment.started.temporalPid!;
  log(`SIGKILL Temporal dev server ${pid}, restart on the same SQLite file and port`);
  process.kill(pid, 'SIGKILL');
  await waitFor('the Temporal dev server to die', async () => !isProcessAlive(pid), { timeoutMs: 10_000, intervalMs: 50 });
  await sleep(between(random, 500, 2000));
  const port = Number(environment.temporalAddress.split(':')[1]);
  const handle = await startTemporalDevServer({ dbFile: path.join(environment.runDir, 'temporal', 'temporal.db'), port, headless: true });
  // Global teardown stops the server named in the environment file: name the new one.
  writeFileSync(
    testEnvironmentFile(),
    JSON.stringify({ ...environment, started: { ...environment.started, temporalPid: handle.pid } }, null, 2),
  );
  counts.faults.push('Temporal restart');
  log(`Temporal dev server back (pid ${handle.pid})`);
}

async function restartImap({ counts, log }: Faults): Promise<void> {
  log('restart Dovecot');
  await restartDovecot(testEnvironment().dovecot);
  counts.faults.push('Dovecot restart');
}

async function dropConnections({ counts, log }: Faults): Promise<void> {
  const sql = new PgClient({ connectionString: testEnvironment().databaseUrl });
  await sql.connect();
  try {
    const result = await sql.query<{ dropped: string }>(
      'SELECT count(pg_terminate_backend(pid)) AS dropped FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
    );
    log(`pg_terminate_backend: ${result.rows[0]!.dropped} PostgreSQL connections dropped`);
  } finally {
    await sql.end();
  }
  counts.faults.push('PostgreSQL connections dropped');
}

/**
 * The faults in a random order, a few random seconds apart, while the burst and the agents run. Resolves with the
 * moment the last one was over (the killed or restarted process serving again): liveness is measured from there.
 */
export async function runFaults(faults: Faults, plan: FaultPlan): Promise<number> {
  const steps: Array<(faults: Faults) => Promise<void>> = [
    ...Array<typeof killWorker>(plan.workerKills).fill(killWorker),
    ...Array<typeof dropConnections>(plan.connectionDrops).fill(dropConnections),
    restartImap,
    restartTemporal,
  ];
  for (let index = steps.length - 1; index > 0; index--) {
    const other = Math.floor(faults.random() * (index + 1));
    [steps[index], steps[other]] = [steps[other]!, steps[index]!];
  }
  for (const [index, fault] of steps.entries()) {
    await storedAtLeast(faults, plan, Math.ceil(((index + 1) * plan.emails) / (steps.length + 1)));
    await sleep(between(faults.random, ...plan.pauseMs));
    await fault(faults);
  }
  return Date.now();
}

async function storedAtLeast({ log }: Faults, plan: FaultPlan, share: number): Promise<void> {
  let last = -1;
  let movedAt = Date.now();
  for (;;) {
    const stored = await plan.stored().catch(() => last);
    if (stored >= share) return;
    if (stored !== last) [last, movedAt] = [stored, Date.now()];
    if (Date.now() - movedAt > plan.standstillMs) {
      log(`${stored} emails stored and nothing more for ${plan.standstillMs / 1000} s: the next fault goes ahead`);
      return;
    }
    await sleep(250);
  }
}
