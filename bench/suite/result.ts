/** What one backend's run of the benchmark set measures and records (bench/results/<backend>.json). */
import type { LatencySummary } from '../support/stats';

export type Backend = 'dev' | 'postgres';

/** Sizes from BENCH_* variables, so a slower machine can scale them; the JSON records the sizes used. */
export function benchSizes(backend: Backend, env: NodeJS.ProcessEnv = process.env) {
  const size = (name: string, fallback: number) => Number(env[`BENCH_${name}`] ?? fallback);
  // On PostgreSQL the set runs with fewer single emails by default, so both backends fit in 15 minutes on 2 cores.
  return {
    singles: size('SINGLES', backend === 'postgres' ? 400 : 1000),
    /** Singles are appended one at a time, one APPEND every this many ms (open loop, so a slow offer does not slow the next email). */
    singleIntervalMs: size('SINGLE_INTERVAL_MS', 200),
    burst: size('BURST', backend === 'postgres' ? 500 : 1000),
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
}

export type BenchSizes = ReturnType<typeof benchSizes>;

export interface BackendResult {
  backend: Backend;
  temporal: { kind: string; serverVersion: string; persistence: string };
  date: string;
  seconds: number;
  sizes: BenchSizes;
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
