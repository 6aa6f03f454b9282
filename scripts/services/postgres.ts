import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { Client } from 'pg';
import { freePort, run, tail, waitFor } from './process-tools';

/** A private PostgreSQL cluster owned by an unprivileged user, for development and tests. */
export interface PostgresHandle {
  /** URL of the mailroute database (the role may also create databases). */
  url: string;
  dataDir: string;
  port: number;
}

const ROLE = 'mailroute';

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

async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}

export async function startPostgres(options: {
  dataDir: string;
  port?: number;
  database?: string;
  /** Trade durability for speed (tests only). */
  unsafeFast?: boolean;
}): Promise<PostgresHandle> {
  const { dataDir, database = 'mailroute' } = options;
  const binDir = findBinDir();
  const owner = ownerIds();
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (owner) chownSync(dataDir, owner.uid, owner.gid);

  let port = runningPort(dataDir);
  if (port === undefined) {
    if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
      const [command, args] = asClusterOwner(path.join(binDir, 'initdb'), [
        '-D',
        dataDir,
        '-U',
        ROLE,
        '--auth=trust',
        '-E',
        'UTF8',
        '--no-locale',
        '--no-sync',
      ]);
      await run(command, args);
    }
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
  const adminUrl = `postgresql://${ROLE}@127.0.0.1:${port}/postgres`;
  await waitFor('PostgreSQL to accept connections', async () => {
    const client = new Client({ connectionString: adminUrl });
    await client.connect();
    await client.end();
    return true;
  });
  await ensureDatabase(adminUrl, database);
  return { url: `postgresql://${ROLE}@127.0.0.1:${port}/${database}`, dataDir, port };
}

export async function stopPostgres(handle: Pick<PostgresHandle, 'dataDir'>): Promise<void> {
  if (runningPort(handle.dataDir) === undefined) return;
  const [command, args] = asClusterOwner(path.join(findBinDir(), 'pg_ctl'), ['-D', handle.dataDir, '-m', 'fast', '-w', 'stop']);
  await run(command, args);
}
