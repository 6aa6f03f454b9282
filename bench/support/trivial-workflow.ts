/**
 * The bare engine's unit of work for the benchmark: a workflow that starts and completes in its first task. It tells
 * its worker process it is done through a sink (called as the task's completion is handed to the SDK's core, a few ms
 * before the server records it), so completions are counted without polling the server.
 */
import { proxySinks, type Sinks } from '@temporalio/workflow';

export interface BenchSinks extends Sinks {
  bench: { completed(): void };
}

const { bench } = proxySinks<BenchSinks>();

export async function trivial(): Promise<string> {
  bench.completed();
  return 'done';
}
