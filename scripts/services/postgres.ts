import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { freePort, run, tail, waitFor } from './process-tools';
import {
  connectionUrl,
  credentialsFile,
  ensureRoleAndDatabase,
  hbaTrustsAnyone,
  loadCredentials,
  secureTrustingCluster,
  type PostgresCredentials,
} from './postgres-roles';

/**
 * A private PostgreSQL cluster for development and tests, owned by an unprivileged user: every connection needs a
 * password (scram-sha-256), and the application connects as an ordinary role that owns its database.
 */
export interface PostgresHandle {
  /** URL of the database as its owner: an ordinary role (it may also create databases), with its password. */
  url: string;
  /** URL of the `postgres` database as the cluster's superuser: for maintenance tools, never for the application. */
  adminUrl: string;
  /** The application's role and password, for tools that take them apart from a URL. */
  role: string;
  password: string;
  dataDir: string;
  port: number;
}

function findBinDir(): string {
  const candidates = existsSync('/usr/lib/postgresql')
    ? readdirSync('/usr/lib/postgresql')
        .sort((a, b) => Number(b) - Number(a))
        .map((version) => `/usr/lib/postgresql/${version}/bin`)
    : [];
  const found = candidates.find((dir) => existsSync(path.join(dir, 'initdb')));
  if (found) return found;
  try {
    return path.dirname(execFileSync('which', ['initdb']).toString().trim());
  } catch {
    throw new Error('PostgreSQL is not installed: run `scripts/install-tools.sh`, or set DATABASE_URL to an existing server.');
  }
}

/** initdb and postgres refuse to run as root: as root we run them as the system user `postgres`. */
function asClusterOwner(binary: string, args: string[]): [string, string[]] {
  if (process.getuid?.() === 0) return ['runuser', ['-u', 'postgres', '--', binary, ...args]];
  return [binary, args];
}

function ownerIds(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  return { uid, gid };
}

function runningPort(dataDir: string): number | undefined {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const lines = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  try {
    process.kill(pid, 0);
  } catch {
    return undefined;
  }
  const port = Number(lines[3]);
  return Number.isInteger(port) ? port : undefined;
}

/** A new cluster whose superuser `postgres` has the generated password: nobody connects without one. */
async function initCluster(binDir: string, dataDir: string, credentials: PostgresCredentials): Promise<void> {
  // initdb reads the password from a file, which the cluster's owner must be able to read (as root: `postgres`).
  const owner = ownerIds();
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'mailroute-initdb-'));
  const passwordFile = path.join(scratch, 'password');
  try {
    writeFileSync(passwordFile, `${credentials.superuserPassword}\n`, { mode: 0o600 });
    if (owner) for (const file of [scratch, passwordFile]) chownSync(file, owner.uid, owner.gid);
    const [command, args] = asClusterOwner(path.join(binDir, 'initdb'), [
      '-D',
      dataDir,
      '-U',
      credentials.superuser,
      `--pwfile=${passwordFile}`,
      '--auth=scram-sha-256',
      '-E',
      'UTF8',
      '--no-locale',
      '--no-sync',
    ]);
    await run(command, args);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** invalid_password, invalid_authorization_specification */
const AUTHENTICATION_FAILED = new Set(['28P01', '28000']);

export async function startPostgres(options: {
  dataDir: string;
  port?: number;
  database?: string;
  /** Trade durability for speed (tests only). */
  unsafeFast?: boolean;
  log?: (line: string) => void;
}): Promise<PostgresHandle> {
  const { dataDir, database = 'mailroute' } = options;
  const log = options.log ?? ((line: string) => console.log(line));
  const binDir = findBinDir();
  const owner = ownerIds();
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (owner) chownSync(dataDir, owner.uid, owner.gid);
  const credentials = loadCredentials(credentialsFile(dataDir));
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) await initCluster(binDir, dataDir, credentials);

  let port = runningPort(dataDir);
  if (port === undefined) {
    port = options.port ?? (await freePort());
    const settings = [
      `-p ${port}`,
      `-k ${dataDir}`,
      '-c listen_addresses=127.0.0.1',
      '-c max_connections=400',
      ...(options.unsafeFast ? ['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off'] : []),
    ].join(' ');
    const logFile = path.join(dataDir, 'server.log');
    const [command, args] = asClusterOwner(path.join(binDir, 'pg_ctl'), [
      '-D',
      dataDir,
      '-o',
      settings,
      '-l',
      logFile,
      '-w',
      '-t',
      '60',
      'start',
    ]);
    await run(command, args).catch((error: Error) => {
      throw new Error(`${error.message}\n${tail(logFile)}`);
    });
  }
  const hbaFile = path.join(dataDir, 'pg_hba.conf');
  if (hbaTrustsAnyone(readFileSync(hbaFile, 'utf8'))) {
    await secureTrustingCluster({ port, credentials, database, log, writeHba: (text) => writeFileSync(hbaFile, text) });
  }
  const adminUrl = connectionUrl(credentials.superuser, credentials.superuserPassword, port, 'postgres');
  let refused: Error | undefined;
  await waitFor('PostgreSQL to accept connections', async () => {
    const client = new Client({ connectionString: adminUrl });
    try {
      await client.connect();
      await client.end();
    } catch (error) {
      // A wrong password will not get better by waiting.
      if (!AUTHENTICATION_FAILED.has((error as { code?: string }).code ?? '')) throw error;
      refused = error as Error;
    }
    return true;
  });
  if (refused) {
    throw new Error(
      `the PostgreSQL cluster in ${dataDir} refuses the password in ${credentialsFile(dataDir)} (${refused.message}): put back the file it was made with, or remove the cluster's directory to start afresh (its data is lost)`,
    );
  }
  await ensureRoleAndDatabase(adminUrl, credentials, database);
  return {
    url: connectionUrl(credentials.role, credentials.password, port, database),
    adminUrl,
    role: credentials.role,
    password: credentials.password,
    dataDir,
    port,
  };
}

export async function stopPostgres(handle: Pick<PostgresHandle, 'dataDir'>): Promise<void> {
  if (runningPort(handle.dataDir) === undefined) return;
  const [command, args] = asClusterOwner(path.join(findBinDir(), 'pg_ctl'), ['-D', handle.dataDir, '-m', 'fast', '-w', 'stop']);
  await run(command, args);
}
