/**
 * The private servers `npm start` and the tests run are private: PostgreSQL asks every connection for a password
 * and the application's role is no superuser (it owns its database and may create scratch ones), and the files of
 * PostgreSQL and the Temporal dev server are readable by their owner only.
 */
import { execFile } from 'node:child_process';
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Client, type ClientConfig } from 'pg';
import { startPostgres, stopPostgres } from '../../scripts/services/postgres';
import { credentialsFile } from '../../scripts/services/postgres-roles';
import { freePort, run } from '../../scripts/services/process-tools';
import { testEnvironment } from '../support/test-environment';

const environment = testEnvironment();
const postgresDataDir = environment.started.postgresDataDir;
const temporalPid = environment.started.temporalPid;
const POSTGRES_BIN = ['17', '16', '15', '14', '13'].map((version) => `/usr/lib/postgresql/${version}/bin`).find((dir) => existsSync(dir));

/** psql with no password at hand (-w: never prompt): the server's answer to a connection without one. */
function psqlWithoutPassword(args: string[]): Promise<{ code: number; stderr: string }> {
  const env = { ...process.env };
  delete env.PGPASSWORD;
  env.PGPASSFILE = '/dev/null';
  return new Promise((resolve) => {
    execFile(path.join(POSTGRES_BIN!, 'psql'), ['-w', '-X', '-c', 'SELECT 1', ...args], { env }, (error, _stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stderr }),
    );
  });
}

async function query<T extends Record<string, unknown>>(target: string | ClientConfig, sql: string): Promise<T[]> {
  const client = new Client(typeof target === 'string' ? { connectionString: target } : target);
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

async function expectRefused(url: string): Promise<void> {
  await expect(query(url, 'SELECT 1')).rejects.toMatchObject({ code: '28P01' });
}

/** Paths under `root` (root included) that group or others may read, write or list; sockets aside. */
function readableByOthers(root: string): string[] {
  const found: string[] = [];
  const visit = (target: string) => {
    const stats = lstatSync(target);
    if (stats.isSymbolicLink() || stats.isSocket()) return;
    if ((stats.mode & 0o077) !== 0) found.push(`${path.relative(root, target) || '.'} ${(stats.mode & 0o777).toString(8)}`);
    if (stats.isDirectory()) for (const entry of readdirSync(target)) visit(path.join(target, entry));
  };
  visit(root);
  return found;
}

function withPassword(url: string, user: string, password: string): string {
  const parsed = new URL(url);
  parsed.username = user;
  parsed.password = password;
  return parsed.toString();
}

const describeIfPostgres = postgresDataDir ? describe : describe.skip;
const itIfTemporal = temporalPid ? it : it.skip;

describeIfPostgres('the private PostgreSQL cluster', () => {
  const url = new URL(environment.databaseUrl);
  const port = url.port;

  it('lets the application in as an ordinary role that owns its database and everything in it', async () => {
    const [role] = await query<{ rolsuper: boolean; rolcreaterole: boolean; rolcreatedb: boolean; owner: string; me: string }>(
      environment.databaseUrl,
      `SELECT r.rolsuper, r.rolcreaterole, r.rolcreatedb, pg_get_userbyid(d.datdba) AS owner, current_user AS me
       FROM pg_roles r, pg_database d WHERE r.rolname = current_user AND d.datname = current_database()`,
    );
    expect(role).toEqual({ rolsuper: false, rolcreaterole: false, rolcreatedb: true, owner: role!.me, me: 'mailroute' });
    // The migrations ran as this role: it owns every table they made, and needed nothing a superuser has.
    const foreign = await query(
      environment.databaseUrl,
      `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tableowner <> current_user`,
    );
    expect(foreign).toEqual([]);
    expect((await query<{ n: string }>(environment.databaseUrl, 'SELECT count(*) AS n FROM "_prisma_migrations"'))[0]!.n).not.toBe('0');
  });

  it('refuses a connection without the password, over TCP and the socket alike, for every role', async () => {
    for (const user of ['mailroute', 'postgres']) {
      const tcp = await psqlWithoutPassword(['-h', '127.0.0.1', '-p', port, '-U', user, '-d', 'postgres']);
      expect(tcp).toEqual({ code: 2, stderr: expect.stringMatching(/no password supplied/) });
      const socket = await psqlWithoutPassword(['-h', postgresDataDir!, '-p', port, '-U', user, '-d', 'postgres']);
      expect(socket).toEqual({ code: 2, stderr: expect.stringMatching(/no password supplied/) });
      await expectRefused(withPassword(environment.databaseUrl, user, 'not-the-password'));
    }
  });

  it('keeps the cluster and its generated passwords readable by their owner only', () => {
    expect(readableByOthers(postgresDataDir!)).toEqual([]);
    expect(readableByOthers(credentialsFile(postgresDataDir!))).toEqual([]);
    const credentials = JSON.parse(readFileSync(credentialsFile(postgresDataDir!), 'utf8')) as { password: string };
    expect(decodeURIComponent(url.password)).toBe(credentials.password);
  });

  it('moves a cluster made before passwords (trust, the application as superuser) to passwords, keeping its data', async () => {
    const dataDir = path.join(environment.runDir, `legacy-postgres-${process.pid}`, 'postgres');
    const runAsOwner = (binary: string, args: string[]) =>
      run('runuser', ['-u', 'postgres', '--', path.join(POSTGRES_BIN!, binary), ...args]);
    const asRoot = process.getuid?.() === 0;
    const exec = asRoot ? runAsOwner : (binary: string, args: string[]) => run(path.join(POSTGRES_BIN!, binary), args);
    await run('mkdir', ['-p', '-m', '0700', dataDir]);
    if (asRoot) await run('chown', ['postgres:postgres', dataDir]);
    // As `npm start` made clusters before: trust, and the application's role as the bootstrap superuser.
    await exec('initdb', ['-D', dataDir, '-U', 'mailroute', '--auth=trust', '-E', 'UTF8', '--no-locale', '--no-sync']);
    const socketPort = await freePort();
    await exec('pg_ctl', [
      '-D',
      dataDir,
      '-o',
      `-p ${socketPort} -k ${dataDir} -c listen_addresses=''`,
      '-l',
      `${dataDir}/server.log`,
      '-w',
      'start',
    ]);
    const socketUrl = (database: string): ClientConfig => ({ host: dataDir, port: socketPort, user: 'mailroute', database });
    try {
      await query(socketUrl('postgres'), 'CREATE DATABASE mailroute');
      await query(
        socketUrl('mailroute'),
        `CREATE TYPE "Mood" AS ENUM ('calm');
         CREATE TABLE "Note" (id serial PRIMARY KEY, mood "Mood" NOT NULL);
         INSERT INTO "Note" (mood) VALUES ('calm')`,
      );
    } finally {
      await exec('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', 'stop']);
    }

    const postgres = await startPostgres({ dataDir, unsafeFast: true, log: () => undefined });
    try {
      const [me] = await query<{ rolsuper: boolean; owner: string }>(
        postgres.url,
        `SELECT r.rolsuper, pg_get_userbyid(d.datdba) AS owner FROM pg_roles r, pg_database d
         WHERE r.rolname = current_user AND d.datname = current_database()`,
      );
      expect(me).toEqual({ rolsuper: false, owner: 'mailroute' });
      // Its data, and the rights of an owner on it: write (the sequence came along), change the enum.
      await query(postgres.url, `INSERT INTO "Note" (mood) VALUES ('calm'); ALTER TYPE "Mood" ADD VALUE 'busy'`);
      expect(await query(postgres.url, 'SELECT id, mood FROM "Note" ORDER BY id')).toEqual([
        { id: 1, mood: 'calm' },
        { id: 2, mood: 'calm' },
      ]);
      expect(
        (await query<{ rolsuper: boolean }>(postgres.adminUrl, 'SELECT rolsuper FROM pg_roles WHERE rolname = current_user'))[0],
      ).toEqual({
        rolsuper: true,
      });
      await expectRefused(withPassword(postgres.url, 'mailroute', 'not-the-password'));
      const trusted = await psqlWithoutPassword(['-h', '127.0.0.1', '-p', String(postgres.port), '-U', 'postgres', '-d', 'postgres']);
      expect(trusted).toEqual({ code: 2, stderr: expect.stringMatching(/no password supplied/) });
      expect(readableByOthers(credentialsFile(dataDir))).toEqual([]);
    } finally {
      await stopPostgres(postgres);
    }
  });
});

describe('the Temporal dev server', () => {
  itIfTemporal('keeps its SQLite database (workflow histories: addresses, subjects) readable by its owner only', () => {
    const stateDir = path.join(environment.runDir, 'temporal');
    expect(readdirSync(stateDir)).toEqual(expect.arrayContaining(['temporal.db', 'temporal.db.log']));
    expect(readableByOthers(stateDir)).toEqual([]);
  });
});
