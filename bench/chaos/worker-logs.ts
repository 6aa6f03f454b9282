/**
 * The workers' output, kept whole in a file for the length of the run: a worker process keeps only its last 20 kB, and
 * a violation is traced through what the workers said around it (a watch interrupted, an activity failing).
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { WorkerProcess } from '../../tests/support/platform';

/** Enough of the last copy to find where it ends in the next one (log lines carry their time). */
const ANCHOR_CHARS = 300;

export function keepWorkerLogs(workers: WorkerProcess[], file: string): { stop(): void } {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, '');
  const seen = workers.map(() => '');
  const copy = () => {
    workers.forEach((worker, index) => {
      const now = worker.log;
      const before = seen[index]!;
      if (now === before) return;
      const anchor = before.slice(-ANCHOR_CHARS);
      const at = anchor === '' ? -1 : now.lastIndexOf(anchor);
      const fresh = at >= 0 ? now.slice(at + anchor.length) : `${before === '' ? '' : '[… output lost between two copies]\n'}${now}`;
      seen[index] = now;
      const lines = fresh.split('\n').filter((line) => line !== '');
      if (lines.length > 0) appendFileSync(file, lines.map((line) => `worker ${index + 1} | ${line}\n`).join(''));
    });
  };
  const timer = setInterval(copy, 200);
  return {
    stop() {
      clearInterval(timer);
      copy();
    },
  };
}
