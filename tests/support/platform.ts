/**
 * The whole platform as tests drive it: the API in this process on port 0, the worker as a real child
 * process (so a test can SIGKILL it), real Temporal, PostgreSQL and Dovecot from global setup.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { Pool } from 'pg';
import { createApp } from '../../api/app';
import { issueToken } from '../../services/auth';
import { createStore } from '../../store';
import { createWatcherControl } from '../../services/mailbox-watchers';
import { applyMigrations } from '../../prisma/migrate';
import { createDatabase, type Database } from '../../store/db';
import { createScratchDatabase } from './scratch-database';
import { createLogger } from '../../platform/logger';
import { createLiveEventHub } from '../../platform/live-events';
import { createSecretBox } from '../../platform/secrets';
import { freePort, waitFor } from '../../scripts/services/process-tools';
import { createOutboundGuard, parseOutboundAllowList } from '../../platform/outbound';
import { TEST_OUTBOUND_ALLOW, testEnvironment } from './test-environment';

const ROOT = path.resolve(__dirname, '../..');

export interface ApiResponse<T = any> {
  status: number;
  body: T;
}

export function apiClient(baseUrl: string, token?: string) {
  const call = async <T = any>(method: string, route: string, body?: unknown): Promise<ApiResponse<T>> => {
    const response = await fetch(`${baseUrl}${route}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as T) : (undefined as T) };
  };
  return {
    token,
    get: <T = any>(route: string) => call<T>('GET', route),
    post: <T = any>(route: string, body: unknown = {}) => call<T>('POST', route, body),
    put: <T = any>(route: string, body: unknown) => call<T>('PUT', route, body),
    patch: <T = any>(route: string, body: unknown) => call<T>('PATCH', route, body),
    delete: <T = any>(route: string) => call<T>('DELETE', route),
  };
}
export type ApiClient = ReturnType<typeof apiClient>;

/** 1–5 characters, unique enough for parallel tests sharing one database. */
export function uniqueAccountKey(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  return Array.from(randomBytes(5), (byte) => alphabet[byte % alphabet.length]).join('');
}

export class WorkerProcess {
  private child: ChildProcess | undefined;
  private output = '';
  /** The port of the running worker's health server (which also serves its /metrics). */
  healthPort: number | undefined;
  constructor(private readonly environment: NodeJS.ProcessEnv) {}

  async start(): Promise<void> {
    const healthPort = await freePort();
    this.healthPort = healthPort;
    this.child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'worker.ts')], {
      cwd: ROOT,
      env: { ...this.environment, HEALTH_PORT: String(healthPort) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const child = this.child;
    child.stdout?.on('data', (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-20_000)));
    child.stderr?.on('data', (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-20_000)));
    await waitFor(
      'the worker to report healthy',
      async () => {
        if (child.exitCode !== null) throw new Error(`worker exited with ${child.exitCode}:\n${this.output}`);
        const response = await fetch(`http://127.0.0.1:${healthPort}/health`);
        return response.ok;
      },
      { timeoutMs: 60_000, intervalMs: 200, explain: () => this.output },
    );
  }

  /** SIGKILL: no shutdown, no goodbye to Temporal or the IMAP server. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }

  get log(): string {
    return this.output;
  }

  /** The child's pid while it runs (benchmarks read its memory); undefined once it exited. */
  get pid(): number | undefined {
    return this.child && this.child.exitCode === null && this.child.signalCode === null ? this.child.pid : undefined;
  }
}

export interface TestPlatform {
  apiUrl: string;
  db: Database;
  temporal: Client;
  taskQueue: string;
  worker: WorkerProcess;
  admin: ApiClient;
  adminToken: string;
  /** A client for a user created with a token, directly in the database. */
  clientFor(userId: number): Promise<ApiClient>;
  /** The API goes away (every connection cut, the port closed) as a crashed or restarting server would… */
  stopApi?(): Promise<void>;
  /** …and comes back on the same port (both only where the API runs in this process). */
  startApi?(): Promise<void>;
  close(): Promise<void>;
}

/** `worker: false` serves the API only (for tests that need no routing), which starts faster. */
export async function startTestPlatform(
  options: {
    watcherHeartbeatSeconds?: number;
    worker?: boolean;
    liveHeartbeatSeconds?: number;
    /** A database of its own, migrated and empty (dropped at close), for tests of what a new platform shows. */
    ownDatabase?: boolean;
  } = {},
): Promise<TestPlatform> {
  const shared = testEnvironment();
  const own = options.ownDatabase ? await createScratchDatabase('platform') : undefined;
  if (own) await applyMigrations({ databaseUrl: own.url, log: () => undefined });
  const environment = own ? { ...shared, databaseUrl: own.url } : shared;
  const taskQueue = `test-${randomBytes(6).toString('hex')}`;
  const heartbeatSeconds = options.watcherHeartbeatSeconds ?? 5;
  const db = createDatabase(environment.databaseUrl, { poolSize: 5 });
  const connection = await Connection.connect({ address: environment.temporalAddress });
  const temporal = new Client({ connection });
  const logger = createLogger({ level: 'warn', name: 'test-api' });
  const pool = new Pool({ connectionString: environment.databaseUrl, max: 2 });
  const liveEvents = await createLiveEventHub(pool);
  const app = createApp({
    liveEvents,
    db,
    temporal,
    secrets: createSecretBox(environment.secretKey),
    logger,
    watchers: createWatcherControl(temporal, { taskQueue, heartbeatTimeoutSeconds: heartbeatSeconds }),
    links: { namespace: 'default', temporalUiUrl: 'http://127.0.0.1:8233' },
    outbound: createOutboundGuard({ allow: parseOutboundAllowList(TEST_OUTBOUND_ALLOW) }),
    ...(options.liveHeartbeatSeconds ? { liveHeartbeatSeconds: options.liveHeartbeatSeconds } : {}),
  });
  let server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const apiPort = (server.address() as AddressInfo).port;
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const stopServer = async () => {
    if (!server.listening) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };

  const worker = new WorkerProcess({
    ...process.env,
    DATABASE_URL: environment.databaseUrl,
    TEMPORAL_ADDRESS: environment.temporalAddress,
    TEMPORAL_TASK_QUEUE: taskQueue,
    WORKFLOW_BUNDLE_PATH: environment.workflowBundlePath,
    MAILROUTE_SECRET_KEY: environment.secretKey,
    WATCHER_HEARTBEAT_SECONDS: String(heartbeatSeconds),
    MAILROUTE_OUTBOUND_ALLOW: TEST_OUTBOUND_ALLOW,
    LOG_LEVEL: 'warn',
  });
  if (options.worker !== false) await worker.start();

  const adminUser = await db.user.create({ data: { name: 'Test admin', email: `admin-${taskQueue}@test.invalid`, role: 'admin' } });
  const adminToken = (await issueToken(createStore(db).tokens, { userId: adminUser.id, name: 'test' })).token;

  return {
    apiUrl,
    db,
    temporal,
    taskQueue,
    worker,
    admin: apiClient(apiUrl, adminToken),
    adminToken,
    async clientFor(userId: number) {
      return apiClient(apiUrl, (await issueToken(createStore(db).tokens, { userId, name: 'test' })).token);
    },
    stopApi: stopServer,
    async startApi() {
      if (server.listening) return;
      server = app.listen(apiPort, '127.0.0.1');
      await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
    },
    async close() {
      // Stop this test's watchers first so no IMAP session outlives the test.
      const accounts = await db.emailAccount.findMany({ where: { active: true } });
      for (const account of accounts) {
        const handle = temporal.workflow.getHandle(`watch-account-${account.id}`);
        // Only this platform's watchers: tests in other jest workers share the database.
        const mine = await handle
          .describe()
          .then((description) => description.taskQueue === taskQueue)
          .catch(() => false);
        if (mine) await handle.terminate('test finished').catch(() => undefined);
      }
      await worker.stop();
      await stopServer();
      await liveEvents.close();
      await pool.end();
      await connection.close();
      await db.$disconnect();
      await own?.drop();
    },
  };
}

/**
 * The platform of one test file (call at its top level): started before its tests, closed after them. The object
 * stands for the started platform; read it inside tests only.
 */
export function useTestPlatform(options: Parameters<typeof startTestPlatform>[0] = {}): TestPlatform {
  let started: TestPlatform | undefined;
  beforeAll(async () => {
    started = await startTestPlatform(options);
  });
  afterAll(async () => {
    await started?.close();
  });
  return new Proxy({} as TestPlatform, {
    get(_target, key) {
      if (!started) throw new Error('the test platform is not started yet (read it inside a test)');
      return started[key as keyof TestPlatform];
    },
  });
}
