/**
 * `npm start` as a test runs it: in a process group of its own (so a test can Ctrl-C the group as a terminal would),
 * on a scratch data directory and free ports, and the processes it started found by what they carry (the data
 * directory in their environment or command line, or descent from npm or the PostgreSQL postmaster).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { freePort } from '../../scripts/services/process-tools';

const ROOT = path.resolve(__dirname, '../..');

export interface StartPorts {
  api: number;
  health: number;
  postgres: number;
  temporal: number;
  temporalUi: number;
}

export async function freeStartPorts(): Promise<StartPorts> {
  return {
    api: await freePort(),
    health: await freePort(),
    postgres: await freePort(),
    temporal: await freePort(),
    temporalUi: await freePort(),
  };
}

/** The environment of a user who runs `npm start` on this data directory: no external servers given. */
export function startEnvironment(dataDir: string, ports: StartPorts, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    MAILROUTE_DATA_DIR: dataDir,
    PORT: String(ports.api),
    HEALTH_PORT: String(ports.health),
    MAILROUTE_PG_PORT: String(ports.postgres),
    MAILROUTE_TEMPORAL_PORT: String(ports.temporal),
    MAILROUTE_TEMPORAL_UI_PORT: String(ports.temporalUi),
    LOG_LEVEL: 'warn',
    // The demo mailbox is tested on its own (tests/browser/demo-first-minutes.test.ts): the supervisor's tests run without it.
    MAILROUTE_DEMO: 'off',
    ...extra,
  };
  for (const name of ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'MAILROUTE_SECRET_KEY', 'MAILROUTE_ADMIN_PASSWORD', 'JEST_WORKER_ID']) {
    if (!(name in extra)) delete env[name];
  }
  return env;
}

export class NpmStart {
  readonly child: ChildProcess;
  output = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  /** `cwd`: the checkout to start (this one by default; a clean clone in the first-minutes test). */
  constructor(env: NodeJS.ProcessEnv, cwd = ROOT) {
    this.child = spawn('npm', ['start'], { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const collect = (chunk: Buffer) => (this.output += chunk.toString());
    this.child.stdout?.on('data', collect);
    this.child.stderr?.on('data', collect);
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error('npm start did not start');
    return this.child.pid;
  }

  /** Waits until the output matches; fails with the output when npm exits first or time runs out. */
  async waitForOutput(pattern: RegExp, timeoutMs: number, from = 0): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = this.output.slice(from).match(pattern);
      if (match) return match;
      if (this.child.exitCode !== null || this.child.signalCode !== null) {
        throw new Error(`npm start exited (${this.child.exitCode ?? this.child.signalCode}) before ${pattern}:\n${this.output}`);
      }
      if (Date.now() > deadline) throw new Error(`no ${pattern} within ${timeoutMs} ms:\n${this.output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Resolves with how npm ended, or fails with the output after `timeoutMs`. */
  async waitForExit(timeoutMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`npm start still running ${timeoutMs} ms after the signal:\n${this.output}`)), timeoutMs);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Last resort for a failed test: nothing of this run may outlive it. */
  killAll(dataDir: string): void {
    for (const proc of findProcesses({ dataDir, roots: [this.pid] })) {
      try {
        process.kill(proc.pid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
  }
}

export interface ProcessInfo {
  pid: number;
  /** pid and start time: a pid reused by another process later is another process. */
  key: string;
  command: string;
}

function readProc(pid: number): { ppid: number; state: string; startTime: string; command: string; environ: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may contain spaces: fields are counted after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
    let environ = '';
    try {
      environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
    } catch {
      // another user's process: its command line and parent still tell
    }
    return { ppid: Number(fields[1]), state: fields[0] ?? '', startTime: fields[19] ?? '', command, environ };
  } catch {
    return undefined;
  }
}

function postmasterPid(dataDir: string): number | undefined {
  const candidates = [path.join(dataDir, 'postgres', 'postmaster.pid')];
  for (const file of candidates) {
    if (existsSync(file)) return Number(readFileSync(file, 'utf8').split('\n')[0]);
  }
  return undefined;
}

/**
 * Live (not zombie) processes of one `npm start`: descendants of `roots` (npm, the postmaster), and any process
 * whose environment or command line names the data directory (the detached Temporal dev server, PostgreSQL).
 */
export function findProcesses({ dataDir, roots = [] }: { dataDir: string; roots?: number[] }): ProcessInfo[] {
  const all = new Map<number, NonNullable<ReturnType<typeof readProc>>>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    const info = readProc(pid);
    if (info && info.state !== 'Z') all.set(pid, info);
  }
  const postmaster = postmasterPid(dataDir);
  const selected = new Set<number>();
  for (const [pid, info] of all) {
    if (info.environ.split('\0').includes(`MAILROUTE_DATA_DIR=${dataDir}`) || info.command.includes(dataDir)) selected.add(pid);
  }
  for (const root of [...roots, ...(postmaster ? [postmaster] : [])]) if (all.has(root)) selected.add(root);
  // Descendants, to a fixed point.
  for (let grew = true; grew;) {
    grew = false;
    for (const [pid, info] of all) {
      if (!selected.has(pid) && selected.has(info.ppid)) {
        selected.add(pid);
        grew = true;
      }
    }
  }
  return [...selected].map((pid) => {
    const info = all.get(pid)!;
    return { pid, key: `${pid}@${info.startTime}`, command: info.command };
  });
}

/** Which of `processes` still run (same pid, same start time, not a zombie). */
export function stillRunning(processes: ProcessInfo[]): ProcessInfo[] {
  return processes.filter((proc) => {
    const info = readProc(proc.pid);
    return info !== undefined && info.state !== 'Z' && `${proc.pid}@${info.startTime}` === proc.key;
  });
}

/**
 * What in the data directory group or others may read, write or list (sockets aside; the directory itself may
 * let others pass through, as PostgreSQL's user must when we are root).
 */
export function readableByOthers(dataDir: string): string[] {
  const found: string[] = [];
  const visit = (target: string) => {
    const stats = lstatSync(target);
    if (stats.isSymbolicLink() || stats.isSocket()) return;
    const allowed = target === dataDir ? 0o011 : 0;
    if ((stats.mode & 0o077 & ~allowed) !== 0) found.push(`${path.relative(dataDir, target) || '.'} ${(stats.mode & 0o777).toString(8)}`);
    if (stats.isDirectory()) for (const entry of readdirSync(target)) visit(path.join(target, entry));
  };
  visit(dataDir);
  return found;
}
