/**
 * Starts the real parts the tests talk to, once per run: PostgreSQL (unless DATABASE_URL is given),
 * the Temporal dev server (unless TEMPORAL_ADDRESS is given), and a throwaway Dovecot. Applies the
 * migrations and bundles the workflows once.
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { Client } from 'pg';
import { applyMigrations } from '../../prisma/migrate';
import { startDovecot } from '../../scripts/services/dovecot';
import { startPostgres } from '../../scripts/services/postgres';
import { startTemporalDevServer } from '../../scripts/services/temporal';
import { isProcessAlive } from '../../scripts/services/process-tools';
import { stopTestServers } from './global-teardown';
import { testEnvironmentFile, testRunsDir, type TestEnvironment } from './test-environment';

async function createTestDatabase(serverUrl: string): Promise<string> {
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  const name = `mailroute_test_${process.pid}_${Date.now()}`;
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  await removeFinishedRuns();
  const TEST_RUNS_DIR = testRunsDir();
  const TEST_RUN_DIR = path.join(TEST_RUNS_DIR, `run-${process.pid}`);
  rmSync(TEST_RUN_DIR, { recursive: true, force: true });
  mkdirSync(TEST_RUN_DIR, { recursive: true });
  for (const dir of [TEST_RUNS_DIR, TEST_RUN_DIR]) chmodSync(dir, 0o755);
  process.env.MAILROUTE_TEST_RUN_DIR = TEST_RUN_DIR;
  const startedServers: TestEnvironment['started'] = {};

  const [postgres, temporal, dovecot, workflowBundle] = await Promise.all([
    process.env.DATABASE_URL
      ? Promise.resolve({ url: process.env.DATABASE_URL })
      : startPostgres({ dataDir: path.join(TEST_RUN_DIR, 'postgres'), unsafeFast: true }).then((handle) => {
          startedServers.postgresDataDir = handle.dataDir;
          return handle;
        }),
    process.env.TEMPORAL_ADDRESS
      ? Promise.resolve({ address: process.env.TEMPORAL_ADDRESS })
      : startTemporalDevServer({ dbFile: path.join(TEST_RUN_DIR, 'temporal', 'temporal.db'), headless: true }).then((handle) => {
          startedServers.temporalPid = handle.pid;
          return handle;
        }),
    startDovecot({ baseDir: path.join(TEST_RUN_DIR, 'dovecot') }),
    bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), logger: quietLogger }),
  ]);
  const databaseUrl = await createTestDatabase(postgres.url);
  await applyMigrations({ databaseUrl, log: () => undefined });
  const workflowBundlePath = path.join(TEST_RUN_DIR, 'workflow-bundle.js');
  writeFileSync(workflowBundlePath, workflowBundle.code);

  const environment: TestEnvironment = {
    databaseUrl,
    temporalAddress: temporal.address,
    dovecot,
    workflowBundlePath,
    secretKey: randomBytes(32).toString('base64'),
    runDir: TEST_RUN_DIR,
    started: startedServers,
  };
  writeFileSync(testEnvironmentFile(), JSON.stringify(environment, null, 2));
  process.stdout.write(
    `\n[global-setup] real servers ready in ${Date.now() - started} ms (Temporal ${temporal.address}, Dovecot :${dovecot.port})\n`,
  );
}

/** Leftovers of earlier runs whose jest process is gone (a crashed run leaves its servers and directory behind). */
async function removeFinishedRuns(): Promise<void> {
  const TEST_RUNS_DIR = testRunsDir();
  if (!existsSync(TEST_RUNS_DIR)) return;
  for (const entry of readdirSync(TEST_RUNS_DIR)) {
    const pid = Number(/^run-(\d+)$/.exec(entry)?.[1]);
    if (!pid || isProcessAlive(pid)) continue;
    const runDir = path.join(TEST_RUNS_DIR, entry);
    const environmentFile = path.join(runDir, 'environment.json');
    if (existsSync(environmentFile)) {
      const leftover = JSON.parse(readFileSync(environmentFile, 'utf8')) as TestEnvironment;
      await stopTestServers(leftover);
    }
    rmSync(runDir, { recursive: true, force: true });
  }
}

const quietLogger = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string) => process.stderr.write(`[bundler] ${message}\n`),
  error: (message: string) => process.stderr.write(`[bundler] ${message}\n`),
  log: () => undefined,
};
