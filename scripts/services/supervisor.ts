/**
 * Keeps one child process running, as a process supervisor would: it is started, awaited until it serves, restarted
 * with backoff when it dies, and stopped on request (SIGTERM, then SIGKILL when it does not exit in time).
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface Backoff {
  /** The first restart waits this long. */
  initialMs: number;
  /** Each quick death doubles the wait, up to this. */
  maxMs: number;
  /** A child that ran this long was healthy: its death restarts it after `initialMs` again. */
  healthyAfterMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { initialMs: 1_000, maxMs: 30_000, healthyAfterMs: 60_000 };

/** How long to wait before the next start of a child that ran for `ranForMs` after a wait of `previousMs`. */
export function nextRestartDelay(previousMs: number | undefined, ranForMs: number, backoff: Backoff = DEFAULT_BACKOFF): number {
  if (previousMs === undefined || ranForMs >= backoff.healthyAfterMs) return backoff.initialMs;
  return Math.min(previousMs * 2, backoff.maxMs);
}

export function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `signal ${signal}` : `code ${code}`;
}

function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/** Resolves when `child` has exited (at once if it has). */
export function exitOf(child: ChildProcess): Promise<void> {
  if (!isRunning(child)) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** SIGTERM, and SIGKILL after `timeoutMs`: a child that ignores or hangs on the signal still ends. */
export async function stopChild(child: ChildProcess, timeoutMs: number, log?: (line: string) => void): Promise<void> {
  if (!isRunning(child)) return;
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(true), timeoutMs);
  });
  const exited = exitOf(child).then(() => false);
  if (await Promise.race([exited, timedOut])) {
    log?.(`pid ${child.pid} did not stop within ${timeoutMs / 1000} s of SIGTERM: SIGKILL`);
    child.kill('SIGKILL');
    await exited;
  }
  clearTimeout(timer);
}

export interface SupervisedProcess<T> {
  /** The first start: what `ready` gave, or the reason the child died or never became ready. */
  readonly ready: Promise<T>;
  readonly pid: number | undefined;
  /** Stops the child and any restart to come; resolves once it has exited. */
  stop(): Promise<void>;
}

export interface SuperviseOptions<T> {
  name: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd?: string;
  log: (line: string) => void;
  /** Resolves once a freshly started child serves; the first start fails when the child exits before. */
  ready: (child: ChildProcess) => Promise<T>;
  backoff?: Backoff;
  /** How long the child may take to stop on SIGTERM. */
  stopTimeoutMs: number;
}

/**
 * Starts the child and keeps it running. Its output goes to ours; an IPC channel lets it talk to us (and, with
 * scripts/services/exit-with-parent.js preloaded, die with us). Restarts are logged with the exit and the wait.
 */
export function supervise<T>(options: SuperviseOptions<T>): SupervisedProcess<T> {
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  let child: ChildProcess | undefined;
  let stopping = false;
  let restartTimer: NodeJS.Timeout | undefined;
  let lastDelay: number | undefined;
  let startedAt = 0;

  const launch = (): ChildProcess => {
    startedAt = Date.now();
    const current = spawn(options.command, options.args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    });
    child = current;
    options.log(`${options.name} started (pid ${current.pid})`);
    return current;
  };

  const keepRunning = (current: ChildProcess) => {
    current.once('exit', (code, signal) => {
      if (stopping) {
        options.log(`${options.name} exited with ${describeExit(code, signal)}`);
        return;
      }
      const ranForMs = Date.now() - startedAt;
      lastDelay = nextRestartDelay(lastDelay, ranForMs, backoff);
      options.log(
        `${options.name} exited with ${describeExit(code, signal)} after ${(ranForMs / 1000).toFixed(1)} s; restarting in ${(lastDelay / 1000).toFixed(0)} s`,
      );
      restartTimer = setTimeout(() => {
        restartTimer = undefined;
        if (!stopping) keepRunning(launch());
      }, lastDelay);
    });
  };

  const first = launch();
  const ready = (async () => {
    let exitedEarly: ((reason: Error) => void) | undefined;
    const earlyExit = new Promise<never>((_, reject) => (exitedEarly = reject));
    const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
      exitedEarly?.(new Error(`${options.name} exited with ${describeExit(code, signal)} before it was ready`));
    first.once('exit', onExit);
    try {
      const value = await Promise.race([options.ready(first), earlyExit]);
      if (!stopping) keepRunning(first);
      return value;
    } finally {
      first.off('exit', onExit);
    }
  })();
  // The caller awaits `ready`; a rejection noticed only later must not crash the process meanwhile.
  ready.catch(() => undefined);

  return {
    ready,
    get pid() {
      return child?.pid;
    },
    async stop() {
      stopping = true;
      if (restartTimer) clearTimeout(restartTimer);
      if (child) await stopChild(child, options.stopTimeoutMs, options.log);
    },
  };
}
