/** The Temporal server under the platform: its version, and how fast it runs trivial workflows from the API's client. */
import { Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import type { TestPlatform } from '../../tests/support/platform';
import { round } from '../support/stats';

export async function bareTemporalRate(platform: TestPlatform, address: string, count: number) {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const taskQueue = `bench-bare-${Date.now()}`;
  const connection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection,
    taskQueue,
    workflowsPath: require.resolve('../support/trivial-workflow'),
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

export async function serverVersion(address: string): Promise<string> {
  const connection = await Connection.connect({ address });
  try {
    return (await connection.workflowService.getSystemInfo({})).serverVersion ?? 'unknown';
  } finally {
    await connection.close();
  }
}
