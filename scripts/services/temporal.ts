import { closeSync, existsSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { searchAttributeCliTypes } from '../../contracts/search-attributes';
import { freePort, isProcessAlive, readPidFile, spawn, tail, waitFor } from './process-tools';
import { restrictToOwner } from './private-files';

export const TEMPORAL_CLI_VERSION = '1.9.1';

/** A `temporal server start-dev` running with a SQLite file database and the Web UI. */
export interface TemporalDevServerHandle {
  address: string;
  uiUrl: string;
  pid: number;
  dbFile: string;
}

export function findTemporalCli(root = path.resolve(__dirname, '../..')): string {
  const candidates = [
    process.env.TEMPORAL_CLI,
    path.join(process.env.MAILROUTE_TOOLS_DIR ?? path.join(root, '.data/tools'), `temporal-${TEMPORAL_CLI_VERSION}`, 'temporal'),
  ].filter((candidate): candidate is string => Boolean(candidate));
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found) {
    throw new Error(
      `Temporal CLI ${TEMPORAL_CLI_VERSION} not found (looked in ${candidates.join(', ')}): run \`scripts/install-tools.sh\`, or set TEMPORAL_ADDRESS to an existing Temporal server.`,
    );
  }
  return found;
}

export async function isTemporalServing(address: string): Promise<boolean> {
  const connection = await Connection.connect({ address, connectTimeout: 1_000 });
  try {
    await connection.workflowService.getSystemInfo({});
    return true;
  } finally {
    await connection.close();
  }
}

/**
 * Starts the dev server in the background (detached: it outlives `npm start` restarts) unless the one
 * recorded in the pid file beside `dbFile` still runs, in which case that one is reused.
 */
export async function startTemporalDevServer(options: {
  dbFile: string;
  port?: number;
  uiPort?: number;
  headless?: boolean;
}): Promise<TemporalDevServerHandle> {
  const stateDir = path.dirname(options.dbFile);
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  // The database holds every workflow's history (addresses, subjects): readable by its owner only, as is what the
  // server creates here (it runs with umask 077, below).
  restrictToOwner(stateDir);
  const pidFile = `${options.dbFile}.pid`;
  const addressFile = `${options.dbFile}.address`;
  const logFile = `${options.dbFile}.log`;

  const runningPid = readPidFile(pidFile);
  if (runningPid !== undefined && existsSync(addressFile)) {
    const [address, uiUrl] = (await import('node:fs')).readFileSync(addressFile, 'utf8').trim().split('\n');
    if (address && uiUrl && (await isTemporalServing(address).catch(() => false))) {
      return { address, uiUrl, pid: runningPid, dbFile: options.dbFile };
    }
  }

  const port = options.port ?? (await freePort());
  const uiPort = options.uiPort ?? (await freePort());
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--db-filename',
    options.dbFile,
    '--sqlite-pragma',
    'journal_mode=WAL',
    '--sqlite-pragma',
    'synchronous=OFF',
    '--log-level',
    'warn',
    '--ui-disable-news-fetch',
    ...(options.headless ? ['--headless'] : ['--ui-port', String(uiPort)]),
    ...Object.entries(searchAttributeCliTypes).flatMap(([name, type]) => ['--search-attribute', `${name}=${type}`]),
  ];
  const logFd = openSync(logFile, 'a', 0o600);
  const child = spawn('/bin/sh', ['-c', 'umask 077 && exec "$0" "$@"', findTemporalCli(), ...args], {
    detached: true,
    stdio: ['ignore', logFd, logFd],
  });
  closeSync(logFd);
  child.unref();
  if (child.pid === undefined) throw new Error('could not start the Temporal dev server');
  const pid = child.pid;
  writeFileSync(pidFile, String(pid), { mode: 0o600 });

  const address = `127.0.0.1:${port}`;
  const uiUrl = `http://127.0.0.1:${uiPort}`;
  await waitFor('the Temporal dev server', async () => isProcessAlive(pid) && (await isTemporalServing(address)), {
    timeoutMs: 60_000,
    intervalMs: 250,
    explain: () => tail(logFile),
  });
  writeFileSync(addressFile, `${address}\n${uiUrl}\n`, { mode: 0o600 });
  return { address, uiUrl, pid, dbFile: options.dbFile };
}

export async function stopTemporalDevServer(handle: Pick<TemporalDevServerHandle, 'pid'>): Promise<void> {
  if (!isProcessAlive(handle.pid)) return;
  process.kill(handle.pid, 'SIGTERM');
  await waitFor('the Temporal dev server to stop', async () => !isProcessAlive(handle.pid), { timeoutMs: 15_000 }).catch(() => {
    if (isProcessAlive(handle.pid)) process.kill(handle.pid, 'SIGKILL');
  });
}
