/**
 * The bare engine's rate, measured the way the platform starts routing workflows: one process runs a worker for the
 * trivial workflow and starts the workflows itself through a Client on the worker's NativeConnection with
 * `requestEagerStart` (as worker.ts's mailbox watch does), so the server can hand each first task straight back.
 *
 *   node --import tsx bench/support/bare-engine.ts <address> <count> <inFlight>
 *
 * Starts `count` workflows open-loop (each start issued without waiting for earlier ones, at most `inFlight` started
 * and not yet completed), times from the first start to the last completion, and prints one JSON line.
 */
import { randomBytes } from 'node:crypto';
import { Client } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker, type InjectedSinks } from '@temporalio/worker';
import type { BenchSinks } from './trivial-workflow';

export interface BareEngineResult {
  workflows: number;
  inFlight: number;
  seconds: number;
  workflowsPerSecond: number;
  /** Starts whose answer carried the first workflow task (the server started them eagerly). */
  eagerlyStarted: number;
  /** All completions confirmed by the server's visibility (count of completed runs of the task queue). */
  completedOnServer: number;
  /** CPU time of this process (worker and starter) per workflow, ms. */
  processCpuMsPerWorkflow: number;
}

/** Printed when the timed part begins, so the parent can measure the server over the same window. */
export const MEASURING_LINE = '{"phase":"measuring"}';

async function main(): Promise<void> {
  const [address = '127.0.0.1:7233', countText = '1000', inFlightText = '200'] = process.argv.slice(2);
  const count = Number(countText);
  const inFlight = Number(inFlightText);
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const taskQueue = `bench-bare-${randomBytes(4).toString('hex')}`;
  const connection = await NativeConnection.connect({ address });
  const waiting = new Map<string, () => void>();
  const sinks: InjectedSinks<BenchSinks> = {
    bench: { completed: { fn: (info) => waiting.get(info.workflowId)?.(), callDuringReplay: false } },
  };
  const worker = await Worker.create({ connection, taskQueue, workflowsPath: require.resolve('./trivial-workflow'), sinks });
  const client = new Client({ connection });
  const running = worker.run();

  let eagerlyStarted = 0;
  const runOne = (workflowId: string) =>
    new Promise<void>((resolve, reject) => {
      waiting.set(workflowId, () => {
        waiting.delete(workflowId);
        resolve();
      });
      client.workflow
        .start('trivial', { taskQueue, workflowId, requestEagerStart: true })
        .then((handle) => {
          if (handle.eagerlyStarted) eagerlyStarted += 1;
        })
        .catch(reject);
    });
  const runMany = async (prefix: string, total: number) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(inFlight, total) }, async () => {
        while (next < total) await runOne(`${prefix}-${next++}`);
      }),
    );
  };

  // Warm-up: the worker's first polls, the bundle's first activations, the connection's first streams.
  await runMany(`${taskQueue}-warm`, 50);
  eagerlyStarted = 0;
  process.stdout.write(`${MEASURING_LINE}\n`);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await runMany(taskQueue, count);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  process.stdout.write('{"phase":"done"}\n');

  let completedOnServer = 0;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    completedOnServer = (await client.workflow.count(`TaskQueue = '${taskQueue}' AND ExecutionStatus = 'Completed'`)).count - 50;
    if (completedOnServer >= count) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  worker.shutdown();
  await running;
  await connection.close();
  const result: BareEngineResult = {
    workflows: count,
    inFlight,
    seconds: Math.round(seconds * 100) / 100,
    workflowsPerSecond: Math.round((count / seconds) * 10) / 10,
    eagerlyStarted,
    completedOnServer,
    processCpuMsPerWorkflow: Math.round(((cpu.user + cpu.system) / 1000 / count) * 100) / 100,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
