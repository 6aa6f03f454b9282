/**
 * The platform as production runs it, on loopback: the API (api/server.ts) and the worker (worker.ts) each in its own
 * process with their production settings (the API's database pool of 10, the worker's of WORKER_DATABASE_CONNECTIONS
 * = 20 and its cache of WORKER_CACHED_WORKFLOWS = 1,000, the defaults), on a PostgreSQL cluster of the bench's own that
 * records pg_stat_statements, Dovecot and a Temporal server from the tests' global setup (or the one given in
 * TEMPORAL_ADDRESS). The bench drives it over HTTP and IMAP like clients do; its own reads of the database go through
 * a separate small pool.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { Client as PgClient } from 'pg';
import { issueToken } from '../../services/auth';
import { createStore } from '../../store';
import { createDatabase } from '../../store/db';
import { startPostgres, stopPostgres } from '../../scripts/services/postgres';
import { freePort, serverStateDir, waitFor } from '../../scripts/services/process-tools';
import globalSetup from '../../tests/support/global-setup';
import globalTeardown from '../../tests/support/global-teardown';
import { apiClient, WorkerProcess, type TestPlatform } from '../../tests/support/platform';
import { testEnvironment } from '../../tests/support/test-environment';
import { postmasterPid } from './proc';
import { asRole, createPlatformRoles, onDatabase, PLATFORM_ROLES } from './statements';

const ROOT = path.resolve(__dirname, '../..');

/** A production process of the platform (the API), started with `node --import tsx` as the Dockerfile does. */
class ServiceProcess {
  private child: ChildProcess | undefined;
  private output = '';
  constructor(
    private readonly script: string,
    private readonly environment: NodeJS.ProcessEnv,
  ) {}

  async start(healthUrl: string): Promise<void> {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, this.script)], {
      cwd: ROOT,
      env: this.environment,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const keep = (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-20_000));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const exited = new Promise<never>((_, reject) =>
      child.once('exit', (code) => reject(new Error(`${this.script} exited with ${code}:\n${this.output}`))),
    );
    exited.catch(() => undefined);
    await Promise.race([
      exited,
      waitFor(`${this.script} to report healthy`, async () => (await fetch(healthUrl)).ok, {
        timeoutMs: 90_000,
        intervalMs: 200,
        explain: () => this.output,
      }),
    ]);
  }

  get pid(): number | undefined {
    return this.child && this.child.exitCode === null && this.child.signalCode === null ? this.child.pid : undefined;
  }

  get log(): string {
    return this.output;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

export interface BenchPlatform extends TestPlatform {
  /** The API process (production composition root), for its CPU and memory. */
  api: ServiceProcess;
  /** mailroute's PostgreSQL cluster (its postmaster, for CPU), and a connection for pg_stat_statements. */
  postgresPid: number | undefined;
  /** Stops the worker and starts another on the same task queue, running this workflow bundle (default: the usual). */
  replaceWorker(workflowBundlePath?: string): Promise<void>;
  /** The superuser's connection to mailroute's database, for pg_stat_statements, and the database's name. */
  statsUrl: string;
  databaseName: string;
}

/**
 * mailroute's own PostgreSQL, like the tests' (fsync off) plus pg_stat_statements, which must be preloaded: the
 * cluster is started, told to preload it, and started again.
 */
async function startBenchPostgres(dataDir: string) {
  await stopPostgres({ dataDir }).catch(() => undefined); // a run that crashed left it running
  rmSync(dataDir, { recursive: true, force: true });
  const first = await startPostgres({ dataDir, unsafeFast: true, log: () => undefined });
  const admin = new PgClient({ connectionString: first.adminUrl });
  await admin.connect();
  await admin.query(`ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'`);
  await admin.end();
  await stopPostgres(first);
  return startPostgres({ dataDir, port: first.port, unsafeFast: true, log: () => undefined });
}

export async function startBenchPlatform(
  log: (line: string) => void,
  options: { watcherHeartbeatSeconds?: number } = {},
): Promise<{ platform: BenchPlatform; stop(): Promise<void> }> {
  // What was started, stopped in reverse order by stop(), or at once when starting fails half-way.
  const started: Array<[string, () => Promise<unknown>]> = [];
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      for (const [what, undo] of started.reverse()) await undo().catch((error: Error) => log(`stopping ${what}: ${error.message}`));
    })());
  try {
    return { platform: await start(log, options.watcherHeartbeatSeconds ?? 5, started), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function start(
  log: (line: string) => void,
  heartbeatSeconds: number,
  started: Array<[string, () => Promise<unknown>]>,
): Promise<BenchPlatform> {
  const postgresDir = serverStateDir(path.join(ROOT, '.data/bench-postgres'));
  const postgres = await startBenchPostgres(postgresDir);
  started.push([
    'PostgreSQL',
    async () => {
      await stopPostgres(postgres);
      rmSync(postgresDir, { recursive: true, force: true });
    },
  ]);
  process.env.DATABASE_URL = postgres.url;
  await globalSetup();
  started.push(['the test servers', () => globalTeardown()]);
  const environment = testEnvironment();
  const databaseName = new URL(environment.databaseUrl).pathname.slice(1);
  const statsUrl = onDatabase(postgres.adminUrl, databaseName);
  await createPlatformRoles(statsUrl, postgres.role);

  const taskQueue = `bench-${randomBytes(6).toString('hex')}`;
  const shared = {
    ...process.env,
    TEMPORAL_ADDRESS: environment.temporalAddress,
    TEMPORAL_TASK_QUEUE: taskQueue,
    MAILROUTE_SECRET_KEY: environment.secretKey,
    WATCHER_HEARTBEAT_SECONDS: String(heartbeatSeconds),
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
  };
  const apiPort = await freePort();
  const api = new ServiceProcess('api/server.ts', {
    ...shared,
    DATABASE_URL: asRole(environment.databaseUrl, PLATFORM_ROLES.api),
    PORT: String(apiPort),
    HOST: '127.0.0.1',
  });
  // WorkerProcess passes DATABASE_URL from the environment it is given.
  const workerProcess = (bundle: string) =>
    new WorkerProcess({ ...shared, DATABASE_URL: asRole(environment.databaseUrl, PLATFORM_ROLES.worker), WORKFLOW_BUNDLE_PATH: bundle });
  let worker = workerProcess(environment.workflowBundlePath);
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  started.push(['the API', () => api.stop()]);
  await api.start(`${apiUrl}/health`);
  started.push(['the worker', () => worker.stop()]);
  await worker.start();
  log(`API pid ${api.pid} at ${apiUrl}, worker pid ${worker.pid}, task queue ${taskQueue}`);

  // The bench's own reads (counts, checks): a small pool, apart from the platform's.
  const db = createDatabase(environment.databaseUrl, { poolSize: 3 });
  const connection = await Connection.connect({ address: environment.temporalAddress });
  const temporal = new Client({ connection });
  const adminUser = await db.user.create({ data: { name: 'Bench admin', email: `admin-${taskQueue}@bench.invalid`, role: 'admin' } });
  const adminToken = (await issueToken(createStore(db).tokens, { userId: adminUser.id, name: 'bench' })).token;

  const platform: BenchPlatform = {
    apiUrl,
    db,
    temporal,
    taskQueue,
    worker,
    api,
    admin: apiClient(apiUrl, adminToken),
    adminToken,
    async replaceWorker(bundle = environment.workflowBundlePath) {
      await worker.stop();
      worker = workerProcess(bundle);
      platform.worker = worker;
      await worker.start();
      log(`worker replaced: pid ${worker.pid}, bundle ${path.basename(bundle)}`);
    },
    postgresPid: postmasterPid(postgres.dataDir),
    statsUrl,
    databaseName,
    async clientFor(userId: number) {
      return apiClient(apiUrl, (await issueToken(createStore(db).tokens, { userId, name: 'bench' })).token);
    },
    async close() {
      // Watchers first, so no IMAP session outlives the run; then the processes (stop() stops them too, harmlessly).
      const accounts = await db.emailAccount.findMany({ where: { active: true }, select: { id: true } });
      await Promise.all(
        accounts.map((account) =>
          temporal.workflow
            .getHandle(`watch-account-${account.id}`)
            .terminate('benchmark finished')
            .catch(() => undefined),
        ),
      );
      await worker.stop();
      await api.stop();
      await connection.close();
      await db.$disconnect();
    },
  };
  started.push(['the platform', () => platform.close()]);
  return platform;
}
