/**
 * Readiness, for the API's /health and the worker's health server: every dependency is checked at once, each with a
 * short timeout, and each one that fails says why in a plain sentence. A check that fails makes the process unready
 * (503); a check that warns is shown but leaves it ready.
 */
import { Connection, type Client } from '@temporalio/client';
import type { Store } from '../store';

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface CheckResult {
  status: CheckStatus;
  /** Why it is not ok, for the operator reading the answer. */
  reason?: string;
  [detail: string]: unknown;
}

export interface Check {
  /** Names the dependency in reasons: "the database", "Temporal at 127.0.0.1:7233". */
  what: string;
  /** Resolves ok (or to its own result); a throw or a timeout fails the check with its reason. */
  run(): Promise<CheckResult | void>;
  /** What a throw or a timeout counts as (default fail): 'warn' for checks that never make the process unready. */
  failsAs?: 'fail' | 'warn';
}

export interface Readiness {
  status: 'ready' | 'unready';
  checks: Record<string, CheckResult>;
}

/** Long enough for a loaded machine to answer a `select 1`, short enough for a probe that runs every few seconds. */
export const CHECK_TIMEOUT_MS = 2_000;

export async function checkReadiness(checks: Record<string, Check>, timeoutMs = CHECK_TIMEOUT_MS): Promise<Readiness> {
  const results = await Promise.all(Object.entries(checks).map(async ([name, check]) => [name, await settle(check, timeoutMs)] as const));
  return {
    status: results.some(([, result]) => result.status === 'fail') ? 'unready' : 'ready',
    checks: Object.fromEntries(results),
  };
}

async function settle(check: Check, timeoutMs: number): Promise<CheckResult> {
  const failed = check.failsAs ?? 'fail';
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(() => resolve({ status: failed, reason: `${check.what} did not answer within ${timeoutMs / 1000} s` }), timeoutMs);
  });
  try {
    return (await Promise.race([check.run(), timedOut])) ?? { status: 'ok' };
  } catch (error) {
    return { status: failed, reason: `${check.what} failed: ${plainReason(error)}` };
  } finally {
    clearTimeout(timer);
  }
}

/** The last meaningful line of an error (Prisma's messages open with the call site), kept short. */
function plainReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const lines = message
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const line = lines.at(-1) ?? (error instanceof Error ? error.name : 'unknown error');
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}

export function databaseCheck(store: Pick<Store, 'ping'>): Check {
  return { what: 'the database', run: () => store.ping() };
}

/** Temporal answers for our namespace (describeNamespace also says when the namespace is missing). */
export function temporalCheck(temporal: Client): Check {
  const connection = temporal.connection;
  const address = connection instanceof Connection ? ` at ${connection.options.address}` : '';
  const namespace = temporal.options.namespace;
  return {
    what: `Temporal${address}`,
    run: async () => {
      // gRPC's own deadline, inside the check's: its retries end with the call, and the error says what it met.
      const deadline = Date.now() + CHECK_TIMEOUT_MS - 500;
      await connection.withDeadline(deadline, () => connection.workflowService.describeNamespace({ namespace }));
    },
  };
}

/**
 * Active accounts whose watcher is not connected: a warning, never unready. Readiness decides whether this process
 * gets traffic; agents can work on the desk while a mailbox server is down, and sending this API's traffic elsewhere
 * would reconnect no watcher (the worker runs them). The operator reads here which accounts and why.
 */
export function watchersCheck(store: Pick<Store, 'mailboxes'>, listed = 20): Check {
  return {
    what: "reading the watchers' state",
    failsAs: 'warn',
    run: async () => {
      const { active, disconnected, accounts } = await store.mailboxes.disconnectedWatchers(listed);
      if (disconnected === 0) return { status: 'ok', active };
      const keys = accounts.map((account) => account.key).join(', ');
      const more = disconnected > accounts.length ? ` and ${disconnected - accounts.length} more` : '';
      return {
        status: 'warn',
        reason: `${disconnected} of ${active} active accounts have no connected mailbox watcher: ${keys}${more}`,
        accounts,
      };
    },
  };
}

/** The worker's Temporal workers, by task queue: unready unless every one is RUNNING. */
export function workersCheck(workers: Record<string, { getState(): string }>): Check {
  return {
    what: 'the workers',
    run: async () => {
      const states = Object.fromEntries(Object.entries(workers).map(([queue, worker]) => [queue, worker.getState()]));
      const stopped = Object.entries(states).filter(([, state]) => state !== 'RUNNING');
      if (stopped.length === 0) return { status: 'ok', states };
      const reason = stopped.map(([queue, state]) => `the worker on ${queue} is ${state}`).join('; ');
      return { status: 'fail', reason, states };
    },
  };
}
