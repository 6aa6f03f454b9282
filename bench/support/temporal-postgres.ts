/**
 * A Temporal server persisted in PostgreSQL, as production runs it, on loopback for the benchmarks.
 *
 * Built once from source with the Go toolchain into `.data/tools/temporal-server-<version>/` (`server`, the
 * `temporal-sql-tool` and the PostgreSQL schema copied from the module), then reused. The version is pinned:
 * v1.31.2 is the newest release whose go.mod accepts the installed Go 1.26.8 (v1.31.5 and v1.32.x ask for Go
 * 1.26.10), and its go.mod has no replace directive, so a plain `go install pkg@version` builds it.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, writeFileSync, cpSync, rmSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { startPostgres, stopPostgres, type PostgresHandle } from '../../scripts/services/postgres';
import { findTemporalCli, isTemporalServing } from '../../scripts/services/temporal';
import { freePort, isProcessAlive, run, serverStateDir, spawn, tail, waitFor } from '../../scripts/services/process-tools';
import { ensureSearchAttributes } from '../../services/temporal-namespace';

export const TEMPORAL_SERVER_VERSION = 'v1.31.2';
const ROOT = path.resolve(__dirname, '../..');
const GO = process.env.GO ?? (existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : 'go');

export function temporalServerDir(): string {
  return path.join(process.env.MAILROUTE_TOOLS_DIR ?? path.join(ROOT, '.data/tools'), `temporal-server-${TEMPORAL_SERVER_VERSION}`);
}

/** Builds the server and its SQL tool once (several minutes on 2 cores); later calls return at once. */
export async function ensureTemporalServer(log: (line: string) => void): Promise<{ server: string; sqlTool: string; schemaDir: string }> {
  const dir = temporalServerDir();
  const server = path.join(dir, 'bin', 'server');
  const sqlTool = path.join(dir, 'bin', 'temporal-sql-tool');
  const schemaDir = path.join(dir, 'schema', 'postgresql', 'v12');
  if (existsSync(server) && existsSync(sqlTool) && existsSync(schemaDir)) return { server, sqlTool, schemaDir };
  log(`building Temporal server ${TEMPORAL_SERVER_VERSION} and temporal-sql-tool with ${GO} (once; cached in ${dir})`);
  mkdirSync(path.join(dir, 'bin'), { recursive: true });
  const env = { ...process.env, GOBIN: path.join(dir, 'bin'), GOTOOLCHAIN: 'local', GOFLAGS: '-p=1' };
  await run(
    GO,
    [
      'install',
      `go.temporal.io/server/cmd/server@${TEMPORAL_SERVER_VERSION}`,
      `go.temporal.io/server/cmd/tools/sql@${TEMPORAL_SERVER_VERSION}`,
    ],
    {
      env,
      timeoutMs: 40 * 60_000,
    },
  );
  // `go install` names the SQL tool after its package directory.
  if (existsSync(path.join(dir, 'bin', 'sql'))) cpSync(path.join(dir, 'bin', 'sql'), sqlTool);
  const moduleDir = path.join(
    execFileSync(GO, ['env', 'GOMODCACHE'], { env }).toString().trim(),
    `go.temporal.io/server@${TEMPORAL_SERVER_VERSION}`,
  );
  rmSync(path.join(dir, 'schema'), { recursive: true, force: true });
  cpSync(path.join(moduleDir, 'schema', 'postgresql', 'v12'), schemaDir, { recursive: true });
  return { server, sqlTool, schemaDir };
}

/** Temporal stores membership ports as a PostgreSQL smallint: they must stay below 32768. */
async function lowPort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await new Promise<boolean>((resolve) => {
      const server = net.createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

export interface TemporalPostgresHandle {
  address: string;
  pid: number;
  postgres: PostgresHandle;
  /** The settings that differ from the server's defaults or matter for the figures, for the results. */
  settings: string[];
  stop(): Promise<void>;
}

/** History shards as the production stack configures them (docker-compose.yml: NUM_HISTORY_SHARDS 512). */
const HISTORY_SHARDS = Number(process.env.BENCH_TEMPORAL_SHARDS ?? 512);

/**
 * Dynamic config as production would set it: eager workflow start (on by default since 1.2x, said explicitly) so a
 * worker that starts a workflow runs its first task at once, and eager activity dispatch (off by default) so an
 * activity scheduled by a workflow task is handed back in that task's answer when the worker has a free slot.
 */
const DYNAMIC_CONFIG = `system.enableEagerWorkflowStart:
  - value: true
system.enableActivityEagerExecution:
  - value: true
frontend.enableUpdateWorkflowExecution:
  - value: true
`;

/**
 * Starts a fresh Temporal server on its own PostgreSQL cluster (`.data/bench-temporal/`, wiped first), creates
 * the schemas with temporal-sql-tool, the `default` namespace and mailroute's search attributes.
 */
export async function startTemporalWithPostgres(log: (line: string) => void): Promise<TemporalPostgresHandle> {
  const { server, sqlTool, schemaDir } = await ensureTemporalServer(log);
  const stateDir = serverStateDir(path.join(ROOT, '.data/bench-temporal'));
  rmSync(stateDir, { recursive: true, force: true });
  mkdirSync(stateDir, { recursive: true, mode: 0o755 });
  // Same durability trade as the dev server's SQLite (synchronous=OFF): no fsync, asynchronous commit.
  const postgres = await startPostgres({
    dataDir: path.join(stateDir, 'postgres'),
    database: 'postgres',
    unsafeFast: true,
    log: () => undefined,
  });
  const sql = (database: string, ...args: string[]) =>
    run(sqlTool, [
      '--plugin',
      'postgres12',
      '--ep',
      '127.0.0.1',
      '-p',
      String(postgres.port),
      '-u',
      postgres.role,
      '--pw',
      postgres.password,
      '--db',
      database,
      ...args,
    ]);
  for (const [database, schema] of [
    ['temporal', 'temporal'],
    ['temporal_visibility', 'visibility'],
  ] as const) {
    await sql(database, 'create-database');
    await sql(database, 'setup-schema', '-v', '0.0');
    await sql(database, 'update-schema', '-d', path.join(schemaDir, schema, 'versioned'));
  }

  const ports = { frontend: await freePort(), history: await lowPort(), matching: await lowPort(), worker: await lowPort() };
  const membership = { frontend: await lowPort(), history: await lowPort(), matching: await lowPort(), worker: await lowPort() };
  const store = (database: string, maxConns: number) => `      sql:
        pluginName: "postgres12"
        databaseName: "${database}"
        connectAddr: "127.0.0.1:${postgres.port}"
        connectProtocol: "tcp"
        user: "${postgres.role}"
        password: "${postgres.password}"
        maxConns: ${maxConns}
        maxIdleConns: ${maxConns}
        maxConnLifetime: "1h"`;
  const service = (name: keyof typeof ports) => `  ${name}:
    rpc:
      grpcPort: ${ports[name]}
      membershipPort: ${membership[name]}
      bindOnLocalHost: true`;
  const configDir = path.join(stateDir, 'config');
  mkdirSync(path.join(configDir, 'dynamicconfig'), { recursive: true });
  writeFileSync(
    path.join(configDir, 'dynamicconfig', 'bench.yaml'),
    // Mailroute's search attributes are keyword/int: SQL visibility needs nothing more.
    DYNAMIC_CONFIG,
  );
  writeFileSync(
    path.join(configDir, 'bench.yaml'),
    `log:
  stdout: true
  level: warn
persistence:
  defaultStore: postgres-default
  visibilityStore: postgres-visibility
  numHistoryShards: ${HISTORY_SHARDS}
  datastores:
    postgres-default:
${store('temporal', 20)}
    postgres-visibility:
${store('temporal_visibility', 4)}
global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: "127.0.0.1"
services:
${service('frontend')}
${service('matching')}
${service('history')}
${service('worker')}
clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: "active"
  currentClusterName: "active"
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: "frontend"
      rpcAddress: "127.0.0.1:${ports.frontend}"
dcRedirectionPolicy:
  policy: "noop"
dynamicConfigClient:
  filepath: "${path.join(configDir, 'dynamicconfig', 'bench.yaml')}"
  pollInterval: "10s"
`,
  );
  const logFile = path.join(stateDir, 'temporal.log');
  const logFd = openSync(logFile, 'a');
  const child = spawn(server, ['--root', stateDir, '--config', 'config', '--env', 'bench', '--allow-no-auth', 'start'], {
    stdio: ['ignore', logFd, logFd],
  });
  closeSync(logFd);
  if (child.pid === undefined) throw new Error('could not start the Temporal server');
  const pid = child.pid;
  const address = `127.0.0.1:${ports.frontend}`;
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`the Temporal server exited with ${code}:\n${tail(logFile, 4)}`))),
  );
  exited.catch(() => undefined);
  const serving = waitFor('the Temporal server on PostgreSQL', () => isTemporalServing(address), {
    timeoutMs: 90_000,
    intervalMs: 500,
    explain: () => tail(logFile, 4),
  });
  const stop = async () => {
    if (isProcessAlive(pid)) {
      process.kill(pid, 'SIGTERM');
      await waitFor('the Temporal server to stop', async () => !isProcessAlive(pid), { timeoutMs: 15_000 }).catch(() =>
        process.kill(pid, 'SIGKILL'),
      );
    }
    await stopPostgres(postgres);
  };
  try {
    await Promise.race([serving, exited]);
    await createNamespaceAndAttributes(address);
  } catch (error) {
    await stop();
    throw error;
  }
  const settings = [
    `${HISTORY_SHARDS} history shards (as docker-compose.yml)`,
    'eager workflow start and eager activity dispatch enabled (dynamic config)',
    'SQL visibility on PostgreSQL (temporal_visibility)',
    'persistence pool of 20 connections, visibility of 4',
    "its own PostgreSQL cluster, fsync off (like the dev server's SQLite, synchronous=OFF)",
    'one process for all four services (frontend, history, matching, worker), as `temporal-server start` runs them',
  ];
  return { address, pid, postgres, settings, stop };
}

async function createNamespaceAndAttributes(address: string): Promise<void> {
  const cli = findTemporalCli();
  await waitFor(
    'the default namespace',
    async () => {
      await run(cli, ['operator', 'namespace', 'create', '--address', address, '--namespace', 'default', '--retention', '24h']).catch(
        (error: Error) => {
          if (!/already (exists|registered)/i.test(error.message)) throw error;
        },
      );
      return true;
    },
    { timeoutMs: 60_000, intervalMs: 1_000 },
  );
  // The namespace cache refreshes every few seconds: retry until the frontend knows the namespace.
  await waitFor(
    "mailroute's search attributes",
    async () => {
      const connection = await Connection.connect({ address });
      try {
        await ensureSearchAttributes(connection, 'default');
        return true;
      } finally {
        await connection.close();
      }
    },
    { timeoutMs: 60_000, intervalMs: 1_000 },
  );
}
