/** What one backend's run of the benchmark measures and records (bench/results/<backend>.json). */
import type { CpuWindow } from '../support/proc';
import type { LatencySummary } from '../support/stats';
import type { BareResult } from './bare';

export type Backend = 'dev' | 'postgres';

/** Sizes from BENCH_* variables, so a slower machine can scale them; the JSON records the sizes used. */
export function benchSizes(env: NodeJS.ProcessEnv = process.env) {
  const size = (name: string, fallback: number) => Number(env[`BENCH_${name}`] ?? fallback);
  return {
    /** Trivial workflows of the bare engine, and how many may be started and not yet completed. */
    bareWorkflows: size('BARE_WORKFLOWS', 1000),
    bareInFlight: size('BARE_IN_FLIGHT', 200),
    /** Emails in the mailbox before the clock starts; agents with room for all of them. */
    burst: size('BURST', 1000),
    burstAgents: size('BURST_AGENTS', 50),
    /** Single emails, one APPEND every interval (open loop), for notification → offer and append → offer. */
    singles: size('SINGLES', 300),
    singleIntervalMs: size('SINGLE_INTERVAL_MS', 200),
    /** Agents accepting at once, and how many rounds of one offer each. */
    acceptAgents: size('ACCEPT_AGENTS', 50),
    acceptRounds: size('ACCEPT_ROUNDS', 4),
    /** Ring-all offers raced by every agent of the accept desk. */
    races: size('RACES', 5),
    /** Emails parked on a queue with nobody online, and how long parking may take. */
    parked: size('PARKED', 10_000),
    parkBudgetSeconds: size('PARK_BUDGET_SECONDS', 1200),
    /** CPU and memory while parked are measured over this window (and the same before parking). */
    parkedCpuSeconds: size('PARKED_CPU_SECONDS', 60),
    /** Single emails to another queue's idle agents while the backlog waits. */
    parkedSingles: size('PARKED_SINGLES', 50),
    /** Agents who come online in the parked queue and work the backlog off, and how long they may take. */
    drainAgents: size('DRAIN_AGENTS', 100),
    drainBudgetSeconds: size('DRAIN_BUDGET_SECONDS', 1200),
    /** Emails through the full scenario (accept, reply, close with a disposition) for the cost per email. */
    costEmails: size('COST_EMAILS', 100),
    costIntervalMs: size('COST_INTERVAL_MS', 200),
  };
}

export type BenchSizes = ReturnType<typeof benchSizes>;

/** Per process: CPU ms per email, and database statements per email by who sent them. */
export interface CostPerEmail {
  emails: number;
  seconds: number;
  cpu: CpuWindow;
  cpuMsPerEmail: Record<string, number | null>;
  /** pg_stat_statements calls (each a round trip) per email, by database role: the worker, the API. */
  statementsPerEmail: { worker: number; api: number; total: number };
  /** The statements behind the figure, most frequent first (calls per email). */
  topStatements: Array<{ role: string; callsPerEmail: number; query: string }>;
}

export interface OfferLatency {
  /** APPEND completed → offer event on the agent's live stream. */
  appendToOffer: LatencySummary;
  /** Message.noticedAt (the watcher received the server's EXISTS) → offer event on the agent's live stream. */
  noticeToOffer: LatencySummary;
  /** APPEND completed → noticedAt: the IMAP server's own notification delay. */
  appendToNotice: LatencySummary;
  missing: number;
  samples: { appendToOffer: number[]; noticeToOffer: number[] };
}

export interface BackendResult {
  backend: Backend;
  temporal: { kind: string; serverVersion: string; persistence: string; settings: string[] };
  date: string;
  seconds: number;
  sizes: BenchSizes;
  notes: string[];
  environment: Record<string, string | number>;
  /** Whether routing workflows of the platform were started eagerly (their first task in the start's answer). */
  eagerStart: { sampled: number; eager: number; how: string };
  /** RSS (MiB) of the processes when the platform has started, before any work. */
  memoryAtStart: Record<string, number | null>;
  bare: BareResult;
  burst: {
    emails: number;
    offered: number;
    /** Account activated (watcher started) → every email offered. */
    seconds: number;
    emailsPerSecond: number;
    /** Activation → first offer: the watch's start-up (workflow, activity, IMAP login, SELECT). */
    firstOfferSeconds: number;
    cost: CostPerEmail;
  };
  burstRatio: number;
  latency: OfferLatency;
  /** notification → offer of the same single emails, stage by stage (suite/stages.ts). */
  latencyStages: Record<string, LatencySummary>;
  accept: {
    /** Every agent of the desk accepting its own offer at the same moment, rounds of `acceptAgents`. */
    atOnce: LatencySummary;
    /** Ring-all: every agent accepting the same offer at once. */
    races: {
      rounds: number;
      agents: number;
      /** Per race: answers 200, 409, anything else, and accepted offer rows in the database. */
      winners: number[];
      refused: number[];
      other: number[];
      acceptedOffersInDatabase: number[];
      latency: LatencySummary;
    };
  };
  parking: {
    target: number;
    appended: number;
    appendSeconds: number;
    parked: number;
    /** Account activated → every email waiting for agents. */
    parkSeconds: number;
    before: { cpu: CpuWindow; rssMiB: Record<string, number | null> };
    during: { cpu: CpuWindow; rssMiB: Record<string, number | null>; maxRssMiB: Record<string, number | null> };
    /** A new worker process with the same backlog waiting (nothing in its workflow cache yet), 10 s after its start. */
    freshWorkerRssMiB: number | null;
    /** A new email to another queue's idle agents while the backlog waits, beside the same without a backlog. */
    newEmail: OfferLatency;
    drain: {
      agents: number;
      closed: number;
      seconds: number;
      perSecond: number;
      /** Offers in the order of the line: how many waiting behind an interaction were offered before it. */
      order: { offers: number; inOrder: number; maxOvertaken: number; p99Overtaken: number; overtakenBeyondAgents: number };
      doubleAccepted: number;
      concurrentOffers: number;
      agentErrors: Record<string, number>;
      cpu: CpuWindow;
    };
  };
  /** The full scenario on each routing path: database placement (new runs) and polling (runs started before it). */
  cost: { placement: ScenarioCost; polling: ScenarioCost };
}

export interface ScenarioCost {
  scenario: string;
  perEmail: CostPerEmail;
  /** Temporal actions counted in the histories of the runs just measured (same rules as bench/actions.ts). */
  temporalActionsPerEmail: number;
  actionBreakdown: Record<string, number>;
}
