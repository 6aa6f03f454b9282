/**
 * `npm run bench [-- --backend dev|postgres] [-- --render]`: the benchmark on the Temporal dev server (SQLite) and on a
 * Temporal server persisted in PostgreSQL, each in its own process (bench/suite.ts), then the Temporal actions of the
 * committed histories (bench/actions.ts), the report, the plot and the summary:
 *   bench/results/{dev,postgres,actions,summary}.json, bench/results/bench.md, bench/results/latency.svg
 * Waits (up to 20 minutes) for a quiet machine before each backend: the 1-minute load average below 1.0.
 * Not part of `npm test`. The first run builds the Temporal server with Go (cached in .data/tools/).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { actionsReport } from './actions';
import type { BackendResult } from './suite/result';
import { latencySvg } from './support/plot';
import { markdownReport, summary } from './support/report';

const RESULTS = path.resolve(__dirname, 'results');
const args = process.argv.slice(2);
const only = args.includes('--backend') ? [args[args.indexOf('--backend') + 1] as BackendResult['backend']] : undefined;
/** `--render`: only redraw the table and the plot from the JSON results. */
const backends: BackendResult['backend'][] = args.includes('--render') ? [] : (only ?? ['dev', 'postgres']);

let interrupted = false;

/** The figures mean something only on a quiet machine: wait for it, then run anyway (the results record the load). */
async function quietMachine(): Promise<void> {
  const deadline = Date.now() + Number(process.env.BENCH_QUIET_WAIT_SECONDS ?? 1200) * 1000;
  while (os.loadavg()[0]! >= 1 && Date.now() < deadline && !interrupted) {
    console.log(`bench: load average ${os.loadavg()[0]!.toFixed(2)}; waiting for it to fall below 1.0`);
    await new Promise((resolve) => setTimeout(resolve, 30_000));
  }
}

function runSuite(backend: BackendResult['backend']): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(__dirname, 'suite.ts'), '--backend', backend, '--out', path.join(RESULTS, `${backend}.json`)],
      {
        stdio: 'inherit',
      },
    );
    // A stop of this command stops the suite, which stops what it started.
    const forward = (signal: NodeJS.Signals) => {
      interrupted = true;
      child.kill(signal);
    };
    process.on('SIGINT', forward).on('SIGTERM', forward);
    child.once('exit', (code) => {
      process.off('SIGINT', forward).off('SIGTERM', forward);
      resolve(code ?? 1);
    });
  });
}

async function main(): Promise<void> {
  const started = Date.now();
  let failed = false;
  for (const backend of backends) {
    if (interrupted) process.exit(130);
    await quietMachine();
    const code = await runSuite(backend);
    if (code !== 0) {
      console.error(`bench: the ${backend} suite exited with ${code}`);
      failed = true;
    }
  }
  if (interrupted) process.exit(130);
  // The table shows both backends: a run limited to one keeps the other's latest result.
  const results = (['dev', 'postgres'] as const)
    .map((backend) => path.join(RESULTS, `${backend}.json`))
    .filter((file) => existsSync(file))
    .map((file) => JSON.parse(readFileSync(file, 'utf8')) as BackendResult)
    // A result written by an earlier version of the bench measured other things: left out of the table.
    .filter((result) => result.cost?.placement !== undefined && result.latencyStages !== undefined);
  const totalSeconds = (Date.now() - started) / 1000;
  const actions = actionsReport();
  writeFileSync(path.join(RESULTS, 'actions.json'), `${JSON.stringify(actions, null, 2)}\n`);
  writeFileSync(path.join(RESULTS, 'summary.json'), `${JSON.stringify(summary(results), null, 2)}\n`);
  writeFileSync(path.join(RESULTS, 'latency.svg'), latencySvg(results));
  const report = markdownReport(results, actions, { svgFile: 'latency.svg' });
  writeFileSync(path.join(RESULTS, 'bench.md'), report);
  console.log(`\n${report}`);
  console.log(`bench finished in ${Math.round(totalSeconds)} s; results in ${path.relative(process.cwd(), RESULTS)}/`);
  process.exit(failed ? 1 : 0);
}

void main();
