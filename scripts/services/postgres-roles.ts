/**
 * Who may connect to a private cluster, and as what: the superuser `postgres` and an ordinary role that owns the
 * application's database, both with generated passwords (scram-sha-256) kept beside the cluster, mode 0600.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { restrictToOwner } from './private-files';

export const SUPERUSER = 'postgres';
export const ROLE = 'mailroute';

export interface PostgresCredentials {
  role: string;
  password: string;
  superuser: string;
  superuserPassword: string;
}

/** Beside the cluster rather than in it: initdb wants an empty directory, and the password is needed before. */
export function credentialsFile(dataDir: string): string {
  return `${dataDir}-credentials.json`;
}

/** URL-safe, so a password goes into a connection URL as it is. */
const newPassword = () => randomBytes(24).toString('base64url');

export function loadCredentials(file: string): PostgresCredentials {
  if (existsSync(file)) {
    restrictToOwner(file);
    const credentials = JSON.parse(readFileSync(file, 'utf8')) as PostgresCredentials;
    for (const password of [credentials.password, credentials.superuserPassword]) {
      if (!/^[A-Za-z0-9_-]{16,}$/.test(password ?? '')) throw new Error(`${file}: a password is missing or not URL-safe`);
    }
    return credentials;
  }
  const credentials = { role: ROLE, password: newPassword(), superuser: SUPERUSER, superuserPassword: newPassword() };
  writeFileSync(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  return credentials;
}

export function connectionUrl(user: string, password: string, port: number, database: string): string {
  return `postgresql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;
const literal = (value: string) => `'${value.replace(/'/g, "''")}'`;

export async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * The application's role: it logs in with its password, may create databases (tests make scratch ones) and is
 * nothing more: not a superuser, no CREATEROLE, no replication. It owns `database`.
 */
export async function ensureRoleAndDatabase(adminUrl: string, credentials: PostgresCredentials, database: string): Promise<void> {
  await withClient(adminUrl, async (admin) => {
    const exists = (await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [credentials.role])).rowCount! > 0;
    await admin.query(
      `${exists ? 'ALTER' : 'CREATE'} ROLE ${ident(credentials.role)} LOGIN NOSUPERUSER CREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD ${literal(credentials.password)}`,
    );
    const owner = await admin.query<{ owner: string }>('SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = $1', [
      database,
    ]);
    if (owner.rowCount === 0) await admin.query(`CREATE DATABASE ${ident(database)} OWNER ${ident(credentials.role)}`);
    else if (owner.rows[0]!.owner !== credentials.role)
      await admin.query(`ALTER DATABASE ${ident(database)} OWNER TO ${ident(credentials.role)}`);
  });
}

/**
 * Hands what the superuser owns in `database` (tables, sequences, views, enums, functions, schemas; not the system
 * catalogs) to the application's role, as a cluster made before the role existed needs.
 */
export async function giveObjectsToRole(databaseUrl: string, role: string): Promise<void> {
  await withClient(databaseUrl, async (client) => {
    await client.query(`DO $$
DECLARE
  item record;
BEGIN
  FOR item IN SELECT nspname FROM pg_namespace
      WHERE nspowner = 10 AND nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema' LOOP
    EXECUTE format('ALTER SCHEMA %I OWNER TO ${ident(role)}', item.nspname);
  END LOOP;
  -- Tables first: a sequence that belongs to a column moves with its table.
  FOR item IN SELECT c.oid::regclass AS name, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relowner = 10 AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
        AND n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema' LOOP
    EXECUTE format('ALTER %s %s OWNER TO ${ident(role)}',
      CASE item.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END,
      item.name);
  END LOOP;
  FOR item IN SELECT c.oid::regclass AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relowner = 10 AND c.relkind = 'S' AND n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema' LOOP
    EXECUTE format('ALTER SEQUENCE %s OWNER TO ${ident(role)}', item.name);
  END LOOP;
  FOR item IN SELECT t.oid::regtype AS name FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE t.typowner = 10 AND t.typtype IN ('e', 'd', 'r', 'm')
        AND n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema' LOOP
    EXECUTE format('ALTER TYPE %s OWNER TO ${ident(role)}', item.name);
  END LOOP;
  FOR item IN SELECT p.oid::regprocedure AS name FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE p.proowner = 10 AND n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema' LOOP
    EXECUTE format('ALTER ROUTINE %s OWNER TO ${ident(role)}', item.name);
  END LOOP;
END $$`);
  });
}

/** Every connection authenticates with a password: local socket and loopback alike. */
export const PASSWORD_ONLY_HBA = `# mailroute's private cluster: every connection authenticates with its password (scram-sha-256).
local   all             all                                     scram-sha-256
host    all             all             127.0.0.1/32            scram-sha-256
host    all             all             ::1/128                 scram-sha-256
local   replication     all                                     scram-sha-256
host    replication     all             127.0.0.1/32            scram-sha-256
host    replication     all             ::1/128                 scram-sha-256
`;

/** Whether pg_hba.conf lets anyone in without a password (clusters made before passwords: `initdb --auth=trust`). */
export function hbaTrustsAnyone(hbaText: string): boolean {
  return hbaText.split('\n').some((line) => {
    const fields = line.replace(/#.*/, '').trim().split(/\s+/);
    return fields.length > 1 && fields.includes('trust');
  });
}

/**
 * Brings a cluster made with `--auth=trust` and the application as its superuser (how `npm start` made them
 * before) to the layout above, keeping its data: the bootstrap superuser becomes `postgres` with a password, an
 * ordinary `mailroute` role takes over the database and its objects, and pg_hba.conf asks everyone for a password.
 */
export async function secureTrustingCluster(options: {
  port: number;
  credentials: PostgresCredentials;
  database: string;
  writeHba: (text: string) => void;
  log: (line: string) => void;
}): Promise<void> {
  const { port, credentials, database } = options;
  const trusted = (user: string, db = 'postgres') => `postgresql://${encodeURIComponent(user)}@127.0.0.1:${port}/${db}`;
  // Connecting as the bootstrap superuser (`mailroute` then) needs no password yet: trust.
  const bootstrap = await firstSuperuser([credentials.superuser, credentials.role], trusted);
  options.log(
    `PostgreSQL: the cluster trusted every local connection; moving it to passwords (superuser ${credentials.superuser}, owner ${credentials.role})`,
  );
  if (bootstrap !== credentials.superuser) {
    // A role cannot rename itself: a short-lived second superuser renames the bootstrap one.
    const helper = 'mailroute_upgrade';
    await withClient(trusted(bootstrap), async (client) => {
      if ((await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [helper])).rowCount === 0) {
        await client.query(`CREATE ROLE ${ident(helper)} SUPERUSER LOGIN`);
      }
    });
    await withClient(trusted(helper), (client) => client.query(`ALTER ROLE ${ident(bootstrap)} RENAME TO ${ident(credentials.superuser)}`));
    await withClient(trusted(credentials.superuser), (client) => client.query(`DROP ROLE ${ident(helper)}`));
  }
  const superuserUrl = trusted(credentials.superuser);
  await withClient(superuserUrl, (client) =>
    client.query(`ALTER ROLE ${ident(credentials.superuser)} PASSWORD ${literal(credentials.superuserPassword)}`),
  );
  await ensureRoleAndDatabase(superuserUrl, credentials, database);
  await giveObjectsToRole(trusted(credentials.superuser, encodeURIComponent(database)), credentials.role);
  options.writeHba(PASSWORD_ONLY_HBA);
  await withClient(superuserUrl, (client) => client.query('SELECT pg_reload_conf()'));
}

async function firstSuperuser(candidates: string[], url: (user: string) => string): Promise<string> {
  for (const user of candidates) {
    const isSuperuser = await withClient(url(user), async (client) => {
      const result = await client.query<{ rolsuper: boolean }>('SELECT rolsuper FROM pg_roles WHERE rolname = current_user');
      return result.rows[0]?.rolsuper === true;
    }).catch(() => false);
    if (isSuperuser) return user;
  }
  throw new Error(`no superuser among ${candidates.join(', ')} accepts a trusted connection`);
}
