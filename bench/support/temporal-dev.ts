/**
 * The Temporal dev server for the benchmark: started as the tests start it (scripts/services/temporal.ts: SQLite file
 * with WAL and synchronous=OFF, one history shard, mailroute's search attributes), plus the same eager settings the
 * PostgreSQL-backed server gets (bench/support/temporal-postgres.ts), so both backends run the same dynamic config:
 * eager workflow start (the dev server's default already) and eager activity dispatch (off by default).
 */
import { closeSync, mkdirSync, openSync, rmSync } from 'node:fs';
import path from 'node:path';
import { searchAttributeCliTypes } from '../../contracts/search-attributes';
import { freePort, isProcessAlive, spawn, tail, waitFor } from '../../scripts/services/process-tools';
import { findTemporalCli, isTemporalServing, TEMPORAL_CLI_VERSION } from '../../scripts/services/temporal';

export const EAGER_DYNAMIC_CONFIG = { 'system.enableEagerWorkflowStart': true, 'system.enableActivityEagerExecution': true };

export interface TemporalDevHandle {
  address: string;
  pid: number;
  settings: string[];
  stop(): Promise<void>;
}

export async function startTemporalDev(stateDir: string): Promise<TemporalDevHandle> {
  rmSync(stateDir, { recursive: true, force: true });
  mkdirSync(stateDir, { recursive: true });
  const dbFile = path.join(stateDir, 'temporal.db');
  const port = await freePort();
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--db-filename',
    dbFile,
    '--sqlite-pragma',
    'journal_mode=WAL',
    '--sqlite-pragma',
    'synchronous=OFF',
    '--log-level',
    'warn',
    '--headless',
    ...Object.entries(EAGER_DYNAMIC_CONFIG).flatMap(([key, value]) => ['--dynamic-config-value', `${key}=${JSON.stringify(value)}`]),
    ...Object.entries(searchAttributeCliTypes).flatMap(([name, type]) => ['--search-attribute', `${name}=${type}`]),
  ];
  const logFile = path.join(stateDir, 'temporal.log');
  const logFd = openSync(logFile, 'a');
  const child = spawn(findTemporalCli(), args, { stdio: ['ignore', logFd, logFd] });
  closeSync(logFd);
  if (child.pid === undefined) throw new Error('could not start the Temporal dev server');
  const pid = child.pid;
  const address = `127.0.0.1:${port}`;
  await waitFor('the Temporal dev server', async () => isProcessAlive(pid) && (await isTemporalServing(address)), {
    timeoutMs: 60_000,
    intervalMs: 250,
    explain: () => tail(logFile),
  });
  return {
    address,
    pid,
    settings: [
      `Temporal CLI ${TEMPORAL_CLI_VERSION} \`server start-dev\`: SQLite file (WAL, synchronous=OFF), 1 history shard, all services in one process`,
      'eager workflow start and eager activity dispatch enabled (--dynamic-config-value)',
    ],
    async stop() {
      if (!isProcessAlive(pid)) return;
      process.kill(pid, 'SIGTERM');
      await waitFor('the Temporal dev server to stop', async () => !isProcessAlive(pid), { timeoutMs: 15_000 }).catch(() =>
        process.kill(pid, 'SIGKILL'),
      );
    },
  };
}
