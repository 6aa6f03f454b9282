/**
 * `npm start`: runs the whole platform on this machine and supervises it. Without TEMPORAL_ADDRESS it starts the
 * Temporal dev server (SQLite file under the data directory, Web UI on); without DATABASE_URL a private PostgreSQL
 * cluster there. Then the API (which applies the migrations) and a worker run as child processes, each restarted
 * with backoff when it dies. On a platform with no accounts it also runs a demo mailbox and account (scripts/demo).
 * The banner prints once the API, the worker and the web client answer. SIGINT, SIGTERM or SIGHUP, to this process
 * or its whole group, stops everything it started; so does a start that fails half-way.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { Connection } from '@temporalio/client';
import { ensureSearchAttributes } from '../services/temporal-namespace';
import { startDemoServers, wireDemoAccount, type DemoRun, type DemoServers, type PortSetting } from './demo';
import { startBanner } from './services/banner';
import { freePort, isPortOpen, serverStateDir, waitFor } from './services/process-tools';
import { persistentSecret, preparePrivateDataDir } from './services/private-files';
import { startPostgres, stopPostgres } from './services/postgres';
import { startTemporalDevServer, stopTemporalDevServer } from './services/temporal';
import { supervise } from './services/supervisor';
import { createStopStack, StopRequested } from './services/stop-stack';

const ROOT = path.resolve(__dirname, '..');
const DATA = path.resolve(process.env.MAILROUTE_DATA_DIR ?? path.join(ROOT, '.data'));
const log = (line: string) => console.log(`[start] ${line}`);

/** Children run TypeScript through tsx, and stop when this process is gone (see exit-with-parent.js). */
const NODE_ARGS = ['--import', 'tsx', '--require', path.join(__dirname, 'services', 'exit-with-parent.js')];

function portFromEnv(name: string): number | undefined {
  const value = process.env[name];
  if (value === undefined || value === '') return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${name} must be a TCP port (1-65535), not "${value}"`);
  return port;
}

/** The fixed port when it is free (or asked for), otherwise any free one (undefined: the server picks it). */
async function preferredPort(name: string, fallback: number): Promise<number | undefined> {
  return portFromEnv(name) ?? ((await isPortOpen(fallback)) ? undefined : fallback);
}

/** Every port `npm start` uses, with its variable, for the banner. */
const ports: PortSetting[] = [];

function recordPort(what: string, env: string, port: number, fallback: number): void {
  ports.push({ what, env, port, ...(portFromEnv(env) === undefined && port !== fallback ? { movedFrom: fallback } : {}) });
}

/** PORT and HEALTH_PORT: their defaults when free, else a free port, set for the children to use. */
async function choosePlatformPort(what: string, env: string, fallback: number): Promise<void> {
  const port = portFromEnv(env) ?? ((await isPortOpen(fallback)) ? await freePort() : fallback);
  process.env[env] = String(port);
  recordPort(what, env, port, fallback);
}

function portOf(address: string): number {
  return Number(new URL(address.includes('://') ? address : `tcp://${address}`).port);
}

const stack = createStopStack(log);

async function startServers(): Promise<void> {
  if (!process.env.DATABASE_URL) {
    const postgres = await startPostgres({
      dataDir: serverStateDir(path.join(DATA, 'postgres')),
      port: await preferredPort('MAILROUTE_PG_PORT', 55432),
    });
    recordPort('PostgreSQL', 'MAILROUTE_PG_PORT', postgres.port, 55432);
    stack.started('PostgreSQL', async () => {
      log('stopping PostgreSQL');
      await stopPostgres(postgres);
    });
    process.env.DATABASE_URL = postgres.url;
  }
  if (!process.env.TEMPORAL_ADDRESS) {
    const devServer = await startTemporalDevServer({
      dbFile: path.join(DATA, 'temporal', 'temporal.db'),
      port: await preferredPort('MAILROUTE_TEMPORAL_PORT', 7233),
      uiPort: await preferredPort('MAILROUTE_TEMPORAL_UI_PORT', 8233),
    });
    stack.started('the Temporal dev server', async () => {
      log('stopping the Temporal dev server');
      await stopTemporalDevServer(devServer);
    });
    process.env.TEMPORAL_ADDRESS = devServer.address;
    process.env.TEMPORAL_UI_URL ??= devServer.uiUrl;
    recordPort('Temporal', 'MAILROUTE_TEMPORAL_PORT', portOf(devServer.address), 7233);
    recordPort('Temporal Web UI', 'MAILROUTE_TEMPORAL_UI_PORT', portOf(devServer.uiUrl), 8233);
  } else {
    const connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS });
    try {
      const added = await ensureSearchAttributes(connection, process.env.TEMPORAL_NAMESPACE ?? 'default');
      if (added.length > 0) log(`registered search attributes: ${added.join(', ')}`);
    } finally {
      await connection.close();
    }
  }
}

/** The API tells its URL over IPC once it listens (api/server.ts). */
function apiReady(child: ChildProcess): Promise<string> {
  return new Promise((resolve) => {
    const onMessage = (message: unknown) => {
      if (typeof message === 'object' && message !== null && (message as { kind?: unknown }).kind === 'api-ready') {
        child.off('message', onMessage);
        resolve(String((message as { url?: unknown }).url));
      }
    };
    child.on('message', onMessage);
  });
}

/** Where the worker's health and metrics answer. */
function healthUrl(): string {
  const port = portFromEnv('HEALTH_PORT') ?? 3001;
  const host = ['0.0.0.0', '::', undefined, ''].includes(process.env.HOST) ? '127.0.0.1' : process.env.HOST!;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** The worker serves once its health endpoint says so (its worker polls Temporal). */
function workerReady(child: ChildProcess): Promise<void> {
  const url = `${healthUrl()}/health`;
  return waitFor(
    'the worker to report healthy',
    async () => {
      if (child.exitCode !== null || child.signalCode !== null) return false;
      return (await fetch(url, { signal: AbortSignal.timeout(2_000) })).ok;
    },
    { timeoutMs: 180_000, intervalMs: 250 },
  );
}

async function startPlatform(): Promise<void> {
  const startedAt = Date.now();
  preparePrivateDataDir(DATA);
  await choosePlatformPort('API and web client', 'PORT', 3000);
  await choosePlatformPort('worker health', 'HEALTH_PORT', 3001);
  await startServers();
  const demoServers = await quietly('the demo mailbox', () =>
    startDemoServers({ dataDir: DATA, log, started: (what, stop) => stack.started(what, stop) }),
  );
  process.env.MAILROUTE_SECRET_KEY ??= persistentSecret(path.join(DATA, 'secret-key'), () => randomBytes(32).toString('base64'));
  process.env.MAILROUTE_ADMIN_PASSWORD ??= persistentSecret(path.join(DATA, 'admin-password'), () => randomBytes(12).toString('base64url'));

  const api = supervise({
    name: 'API',
    command: process.execPath,
    args: [...NODE_ARGS, path.join(ROOT, 'api', 'server.ts')],
    cwd: ROOT,
    env: process.env,
    log,
    ready: apiReady,
    stopTimeoutMs: 15_000,
  });
  stack.started('the API', () => api.stop());
  const url = await api.ready;

  const worker = supervise({
    name: 'worker',
    command: process.execPath,
    args: [...NODE_ARGS, path.join(ROOT, 'worker.ts')],
    cwd: ROOT,
    env: process.env,
    log,
    ready: workerReady,
    // Its own grace for running activities is 5 s (worker.ts); closing its connections follows.
    stopTimeoutMs: 30_000,
  });
  stack.started('the worker', () => worker.stop());
  await worker.ready;

  const adminEmail = process.env.MAILROUTE_ADMIN_EMAIL ?? 'admin@mailroute.local';
  const demo = demoServers && (await quietly('the demo account', () => wireDemo(demoServers, url, adminEmail)));
  await waitFor('the web client to be served', async () => (await fetch(`${url}/app/`, { signal: AbortSignal.timeout(2_000) })).ok, {
    timeoutMs: 60_000,
    intervalMs: 250,
  });
  console.log(
    startBanner({
      upSeconds: (Date.now() - startedAt) / 1000,
      apiUrl: url,
      healthUrl: healthUrl(),
      temporalAddress: process.env.TEMPORAL_ADDRESS!,
      temporalUiUrl: process.env.TEMPORAL_UI_URL,
      adminEmail,
      adminPasswordFile: path.join(DATA, 'admin-password'),
      ports,
      demo,
    }),
  );
}

/** The demo is a convenience: anything that keeps it from starting is said, and the platform runs without it. */
async function quietly<T>(what: string, step: () => Promise<T>): Promise<T | undefined> {
  try {
    return await step();
  } catch (error) {
    if (error instanceof StopRequested || shuttingDown) throw error;
    log(`${what} did not start: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

async function wireDemo(servers: DemoServers, apiUrl: string, adminEmail: string): Promise<DemoRun | undefined> {
  const admin = { email: adminEmail, password: process.env.MAILROUTE_ADMIN_PASSWORD! };
  const demo = await wireDemoAccount(servers, { dataDir: DATA, log, apiUrl, admin });
  if (demo) ports.push(...demo.ports);
  return demo;
}

let shuttingDown = false;
let startup: Promise<void> = Promise.resolve();

/** Stops everything, once, however many signals arrive (a terminal's Ctrl-C reaches us twice under npm). */
async function shutdown(reason: string, exitCode: number): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  log(`${reason}: stopping everything it started`);
  // What is up now; supervised children stopped during their first start also end the start-up.
  await stack.stopAll();
  // A start-up step still in flight (PostgreSQL, Temporal) finishes, is recorded, and is stopped here.
  await startup.catch(() => undefined);
  await stack.stopAll();
  log('stopped');
  process.exit(exitCode);
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void shutdown(signal, 0));
// The supervisor must not die with its servers running: any fault of its own stops them first.
process.on('uncaughtException', (error) => {
  console.error(error);
  void shutdown('internal error', 1);
});
process.on('unhandledRejection', (error) => {
  console.error(error);
  void shutdown('internal error', 1);
});

// Files created from here on (Temporal's database, secrets, logs) are readable by their owner only.
process.umask(0o077);
startup = startPlatform();
startup.catch((error: unknown) => {
  if (error instanceof StopRequested || shuttingDown) return;
  console.error(`[start] could not start: ${error instanceof Error ? error.message : String(error)}`);
  void shutdown('start failed', 1);
});
