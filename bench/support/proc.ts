/**
 * CPU time and memory of the processes under measurement, read from Linux /proc: the worker, the API, the Temporal
 * server and the PostgreSQL clusters (a postmaster and its backends, counted as one).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

interface Stat {
  ppid: number;
  /** utime + stime, seconds. */
  own: number;
  /** cutime + cstime: children that exited and were waited for, seconds. */
  reaped: number;
}

function readStat(pid: number): Stat | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name may hold spaces and parentheses: fields are counted after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const field = (n: number) => Number(fields[n - 3]);
  return { ppid: field(4), own: (field(14) + field(15)) / CLOCK_TICKS, reaped: (field(16) + field(17)) / CLOCK_TICKS };
}

/** Every live process whose parent chain reaches `root` (root excluded). */
function descendants(root: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const stat = readStat(pid);
    if (stat) parents.set(pid, stat.ppid);
  }
  const found: number[] = [];
  const frontier = [root];
  while (frontier.length > 0) {
    const parent = frontier.pop()!;
    for (const [pid, ppid] of parents) {
      if (ppid === parent) {
        found.push(pid);
        frontier.push(pid);
      }
    }
  }
  return found;
}

/**
 * CPU seconds a process has used. With `tree`, its live descendants and the ones it reaped are included (a
 * PostgreSQL cluster: backends come and go, their time lands in the postmaster's cutime when they exit).
 */
export function cpuSeconds(pid: number | undefined, options: { tree?: boolean } = {}): number | null {
  if (!pid) return null;
  const stat = readStat(pid);
  if (!stat) return null;
  if (!options.tree) return stat.own;
  let total = stat.own + stat.reaped;
  for (const child of descendants(pid)) {
    const childStat = readStat(child);
    if (childStat) total += childStat.own + childStat.reaped;
  }
  return total;
}

/** Resident set size in MiB (VmRSS), or null when the process is gone. */
export function rssMiB(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Math.round((Number(kb) / 1024) * 10) / 10 : null;
  } catch {
    return null;
  }
}

/** The postmaster of a PostgreSQL data directory (first line of postmaster.pid). */
export function postmasterPid(dataDir: string): number | undefined {
  const file = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

export interface MeasuredProcess {
  name: string;
  pid: number | undefined;
  /** Count the descendants too (a PostgreSQL cluster). */
  tree?: boolean;
}

export interface CpuWindow {
  seconds: number;
  /** CPU seconds per process over the window. */
  cpuSeconds: Record<string, number | null>;
  /** CPU time as a percentage of one core, per process. */
  percentOfOneCore: Record<string, number | null>;
}

/** Starts a CPU window over the processes; `end()` answers what each used meanwhile. */
export function startCpuWindow(processes: MeasuredProcess[]): { end(): CpuWindow } {
  const started = performance.now();
  const before = new Map(processes.map((p) => [p.name, cpuSeconds(p.pid, { tree: p.tree })]));
  return {
    end() {
      const seconds = (performance.now() - started) / 1000;
      const used: Record<string, number | null> = {};
      const percent: Record<string, number | null> = {};
      for (const p of processes) {
        const start = before.get(p.name);
        const end = cpuSeconds(p.pid, { tree: p.tree });
        const delta = start === null || start === undefined || end === null ? null : end - start;
        used[p.name] = delta === null ? null : Math.round(delta * 1000) / 1000;
        percent[p.name] = delta === null ? null : Math.round((delta / seconds) * 1000) / 10;
      }
      return { seconds: Math.round(seconds * 10) / 10, cpuSeconds: used, percentOfOneCore: percent };
    },
  };
}
