/**
 * Dovecot's processes as /proc shows them: the master (daemonized, re-parented to pid 1) and its children, told
 * apart from later processes that reuse their pids by their start time.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { dovecotRuntimeDir, type DovecotHandle } from './instance';
import { isErrnoException, pathExists, sleep } from './system';

export interface ProcessInfo {
  pid: number;
  ppid: number;
  /** Executable name (at most 15 characters), e.g. "dovecot", "imap", "imap-login". */
  comm: string;
  /** R, S, D, Z (zombie), … */
  state: string;
  /** Clock ticks since boot: tells a process apart from a later one that reuses its pid. */
  startTime: string;
}

/** True while the instance's master process is alive. */
export async function isDovecotRunning(h: DovecotHandle): Promise<boolean> {
  const pid = await readMasterPid(dovecotRuntimeDir(h.baseDir));
  return pid !== undefined && (await isDovecotProcess(pid));
}

export async function readMasterPid(runtimeDir: string): Promise<number | undefined> {
  try {
    const pid = Number.parseInt((await fs.readFile(path.join(runtimeDir, 'master.pid'), 'utf8')).trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** From /proc/<pid>/stat; undefined when the process is gone (or there is no procfs). */
export async function readProcessInfo(pid: number): Promise<ProcessInfo | undefined> {
  let stat: string;
  try {
    stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // "pid (comm) state ppid …": comm may contain spaces and parentheses, so split at the last ')'.
  const close = stat.lastIndexOf(')');
  const comm = stat.slice(stat.indexOf('(') + 1, close);
  const fields = stat.slice(close + 2).split(' ');
  // fields[0] is the state (stat field 3), so stat field n is fields[n - 3].
  return { pid, ppid: Number(fields[1]), comm, state: fields[0] ?? '?', startTime: fields[19] ?? '' };
}

function isLive(info: ProcessInfo): boolean {
  // A daemonized master is re-parented to pid 1, which may never reap it: zombies count as gone.
  return info.state !== 'Z' && info.state !== 'X';
}

export function isLiveDovecotMaster(info: ProcessInfo): boolean {
  return isLive(info) && info.comm === 'dovecot';
}

/** Alive, not a zombie, and really a dovecot master (not a process that reused the pid). */
async function isDovecotProcess(pid: number): Promise<boolean> {
  const info = await readProcessInfo(pid);
  if (info) return isLiveDovecotMaster(info);
  return isProcessAlive(pid) && !(await pathExists('/proc/self/stat')); // no procfs: trust kill(pid, 0)
}

export async function childProcesses(parentPid: number): Promise<ProcessInfo[]> {
  const children: ProcessInfo[] = [];
  for (const entry of await fs.readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry)) continue;
    const info = await readProcessInfo(Number(entry));
    if (info && info.ppid === parentPid && isLive(info)) children.push(info);
  }
  return children;
}

/** The processes from `processes` that still run (same pid *and* start time). */
export async function stillRunning(processes: readonly ProcessInfo[]): Promise<ProcessInfo[]> {
  const running: ProcessInfo[] = [];
  for (const proc of processes) {
    const now = await readProcessInfo(proc.pid);
    if (now && isLive(now) && now.startTime === proc.startTime) running.push(proc);
  }
  return running;
}

export async function waitUntilGone(processes: readonly ProcessInfo[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await stillRunning(processes)).length > 0 && Date.now() < deadline) await sleep(25);
}

/** kill(pid, 0): a process another user owns (EPERM) is alive too. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return isErrnoException(error) && error.code === 'EPERM';
  }
}

export function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    if (!(isErrnoException(error) && error.code === 'ESRCH')) throw error;
  }
}
