/**
 * Starting, stopping and restarting a test instance. The master daemonizes, so an instance started in one process
 * (jest globalSetup) can be restarted and stopped from any other that holds its handle.
 */
import { promises as fs } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { freePort } from '../process-tools';
import { findExecutable, runDetached } from './commands';
import { renderDovecotConfig } from './config';
import {
  assertSafePath,
  dovecotLogPath,
  dovecotRuntimeDir,
  IMAP_HOST,
  instancePaths,
  readDovecotLogTail,
  type DovecotHandle,
  type StartDovecotOptions,
} from './instance';
import { renderOAuth2Config } from './oauth2';
import { withPasswdLock, writePasswdFileAtomically } from './passwd-file';
import {
  childProcesses,
  isDovecotRunning,
  isLiveDovecotMaster,
  readMasterPid,
  readProcessInfo,
  signal,
  stillRunning,
  waitUntilGone,
  type ProcessInfo,
} from './processes';
import { assertRunningAsRoot, assertTraversableByServiceUsers, lookupSystemId, pathExists, sleep, waitUntilPortIsFree } from './system';

const DEFAULT_START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 15_000;

/**
 * Writes a fresh dovecot.conf into `baseDir` and starts Dovecot on a loopback port. If a Dovecot of
 * this baseDir is already running it is stopped first. Existing mail and users are kept.
 */
export async function startDovecot(options: StartDovecotOptions): Promise<DovecotHandle> {
  assertRunningAsRoot();
  const dovecotBin = await findExecutable('dovecot');
  await findExecutable('doveadm');

  const baseDir = path.resolve(options.baseDir);
  assertSafePath(baseDir, 'baseDir');
  const paths = instancePaths(baseDir);
  const runtimeDir = dovecotRuntimeDir(baseDir);
  const timeoutMs = options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;

  await assertTraversableByServiceUsers(baseDir); // before creating anything
  await fs.mkdir(baseDir, { recursive: true });
  await fs.chmod(baseDir, 0o755);
  await assertTraversableByServiceUsers(baseDir); // parents just created under a strict umask

  const previous: DovecotHandle = {
    host: IMAP_HOST,
    port: 0,
    baseDir,
    configPath: paths.configPath,
    passwdFile: paths.passwdFile,
    mailDir: paths.mailDir,
  };
  // "Idempotent-ish": whatever runs from this baseDir is stopped first, with or without pid file.
  await stopDovecot(previous);
  for (const orphan of await mastersUsingConfig(paths.configPath)) await terminateMaster(orphan);

  const mailUid = await lookupSystemId('-u', 'mail');
  const mailGid = await lookupSystemId('-g', 'mail');
  await fs.mkdir(paths.stateDir, { recursive: true, mode: 0o755 });
  await fs.mkdir(paths.mailDir, { recursive: true, mode: 0o755 });
  await fs.chown(paths.mailDir, mailUid, mailGid);
  await fs.chmod(paths.mailDir, 0o755);
  await withPasswdLock(paths.passwdLock, async () => {
    if (!(await pathExists(paths.passwdFile))) await writePasswdFileAtomically(paths.passwdFile, []);
  });

  const attempts = options.port === undefined ? 3 : 1;
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const port = options.port ?? (await freePort());
    const handle: DovecotHandle = { ...previous, port, ...(options.lmtp ? { lmtpPort: await freePort() } : {}) };
    const config = renderDovecotConfig({
      instanceName: `mailroute-test-${port}`,
      port,
      runtimeDir,
      stateDir: paths.stateDir,
      logPath: paths.logPath,
      passwdFile: paths.passwdFile,
      mailDir: paths.mailDir,
      mailUid,
      mailGid,
      ...(options.oauth2IntrospectionUrl ? { oauth2ConfigPath: paths.oauth2ConfigPath } : {}),
      ...(options.withoutIdle ? { withoutIdle: true } : {}),
      ...(handle.lmtpPort ? { lmtpPort: handle.lmtpPort } : {}),
    });
    if (options.oauth2IntrospectionUrl) {
      await fs.writeFile(paths.oauth2ConfigPath, renderOAuth2Config(options.oauth2IntrospectionUrl), { mode: 0o644 });
    }
    await fs.writeFile(paths.configPath, config, { mode: 0o644 });
    try {
      await launchDovecot(dovecotBin, handle, timeoutMs);
      return handle;
    } catch (error) {
      lastError = error;
      // Only an auto-picked port can lose a race with another process; retry with a new one.
      if (!/address already in use/i.test(String((error as { message?: unknown })?.message))) throw error;
      await stopDovecot(handle).catch(() => undefined);
    }
  }
  throw lastError;
}

/**
 * Stops the instance and disconnects its clients. No-op when not running.
 *
 * SIGTERM to the master alone is not enough: an imap process serving a client outlives its
 * master by about ten seconds, still answering from the old instance. So the master's children
 * are signalled too (by pid, checked against their start time), and SIGKILLed if they linger.
 */
export async function stopDovecot(h: DovecotHandle): Promise<void> {
  const runtimeDir = dovecotRuntimeDir(h.baseDir);
  const masterPid = await readMasterPid(runtimeDir);
  const master = masterPid === undefined ? undefined : await readProcessInfo(masterPid);
  if (master && isLiveDovecotMaster(master)) await terminateMaster(master);
  // Nothing of ours may still hold the listening socket when a restart binds it again.
  if (h.port > 0) await waitUntilPortIsFree(h.host, h.port, STOP_TIMEOUT_MS);
  // A runtime dir outside baseDir (long baseDir paths) would otherwise be left behind in /tmp.
  if (!isInside(runtimeDir, h.baseDir)) await fs.rm(runtimeDir, { recursive: true, force: true });
}

function isInside(candidate: string, dir: string): boolean {
  const relative = path.relative(dir, candidate);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

const CLIENT_PROCESS_NAMES = new Set(['imap', 'imap-login']);

async function terminateMaster(master: ProcessInfo): Promise<void> {
  const children = await childProcesses(master.pid);
  signal(master.pid, 'SIGTERM');
  // Client-facing processes at once, so connections drop now rather than when the master is gone.
  for (const child of children) if (CLIENT_PROCESS_NAMES.has(child.comm)) signal(child.pid, 'SIGTERM');

  await waitUntilGone([master], STOP_TIMEOUT_MS);
  const survivors = await stillRunning(children);
  for (const child of survivors) signal(child.pid, 'SIGTERM');
  await waitUntilGone(survivors, 5_000);
  for (const proc of await stillRunning([master, ...children])) signal(proc.pid, 'SIGKILL');
  await waitUntilGone([master, ...children], 5_000);
}

/**
 * Masters started with this config file whose pid file is gone (e.g. the instance directory was
 * deleted while Dovecot ran, or a test run was killed): found by their command line.
 */
async function mastersUsingConfig(configPath: string): Promise<ProcessInfo[]> {
  const masters: ProcessInfo[] = [];
  for (const entry of await fs.readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry)) continue;
    const info = await readProcessInfo(Number(entry));
    if (!info || !isLiveDovecotMaster(info)) continue;
    const argv = (await fs.readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '')).split('\0');
    const config = argv.indexOf('-c');
    if (config >= 0 && argv[config + 1] === configPath) masters.push(info);
  }
  return masters;
}

/**
 * Stops and starts the instance again with the same config file, port and data (tests restart the
 * IMAP server in the middle of a mail burst). Connected clients are disconnected.
 */
export async function restartDovecot(h: DovecotHandle, options: { startTimeoutMs?: number } = {}): Promise<DovecotHandle> {
  assertRunningAsRoot();
  const dovecotBin = await findExecutable('dovecot');
  await stopDovecot(h);
  await launchDovecot(dovecotBin, h, options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS);
  return h;
}

async function launchDovecot(dovecotBin: string, h: DovecotHandle, timeoutMs: number): Promise<void> {
  const runtimeDir = dovecotRuntimeDir(h.baseDir);
  // Stale sockets from a killed instance confuse the new one (e.g. a leftover anvil-auth-penalty
  // socket makes auth log connection errors), so start from an empty runtime directory.
  await fs.rm(runtimeDir, { recursive: true, force: true });
  await fs.mkdir(runtimeDir, { recursive: true, mode: 0o755 });
  await fs.chmod(runtimeDir, 0o755);

  // Without -F the master daemonizes; it exits non-zero when the config is invalid or it cannot
  // bind its listeners. The daemon keeps the stderr it was given open for good, so it gets a file
  // (never a pipe, which would keep a waiting parent from ever seeing it close).
  const startupLog = instancePaths(h.baseDir).startupLogPath;
  const exitCode = await runDetached(dovecotBin, ['-c', h.configPath], startupLog);
  if (exitCode !== 0) {
    const detail = (await fs.readFile(startupLog, 'utf8').catch(() => '')).trim();
    throw new Error(
      `dovecot failed to start (exit ${exitCode}, config ${h.configPath}): ${detail}\n` +
        `--- last lines of ${dovecotLogPath(h)} ---\n${await readDovecotLogTail(h)}`,
    );
  }

  const deadline = Date.now() + timeoutMs;
  let lastProblem = 'no answer yet';
  while (Date.now() < deadline) {
    const probe = await probeImapGreeting(h.host, h.port, Math.min(5_000, deadline - Date.now()));
    if (probe.ready) return;
    lastProblem = probe.problem;
    if (!(await isDovecotRunning(h))) {
      lastProblem = `the dovecot master exited (${lastProblem})`;
      break;
    }
    await sleep(100);
  }
  throw new Error(
    `Dovecot on ${h.host}:${h.port} did not send an IMAP greeting within ${timeoutMs} ms: ` +
      `${lastProblem}\n--- last lines of ${dovecotLogPath(h)} ---\n${await readDovecotLogTail(h)}`,
  );
}

type GreetingProbe = { ready: true } | { ready: false; problem: string };

/**
 * Connects and waits for a real greeting. While the auth process is still starting, Dovecot first
 * sends "* OK Waiting for authentication process to respond.." and only later the real one.
 */
function probeImapGreeting(host: string, port: number, timeoutMs: number): Promise<GreetingProbe> {
  return new Promise((resolve) => {
    let received = '';
    let settled = false;
    const socket = net.connect({ host, port });
    const finish = (result: GreetingProbe) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (result.ready) socket.end('z LOGOUT\r\n');
      else socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(
      () => finish({ ready: false, problem: `timed out; received ${JSON.stringify(received)}` }),
      Math.max(timeoutMs, 1),
    );
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      received += chunk;
      for (const line of received.split('\r\n').slice(0, -1)) {
        if (line.startsWith('* OK') && !/waiting for auth/i.test(line)) return finish({ ready: true });
        if (line.startsWith('* BYE')) return finish({ ready: false, problem: line });
      }
    });
    socket.on('error', (error) => finish({ ready: false, problem: error.message }));
    socket.on('close', () => finish({ ready: false, problem: `connection closed; received ${JSON.stringify(received)}` }));
  });
}
