/**
 * Throwaway Cyrus IMAP servers (Debian's Cyrus 3.6) for tests: a second IMAP server beside Dovecot, with its own
 * IDLE (through `idled`), UIDVALIDITY and delivery (LMTP) behaviour.
 *
 * Debian's `cyrus-imapd` conflicts with `dovecot-imapd` (both provide `imap-server`), so its programs run from the
 * unpacked package in .data/tools/ (scripts/install-tools.sh --test), beside `cyrus-common` (master, lmtpd) and the
 * SASL tools installed normally. One instance lives in its own directory: a private imapd.conf and cyrus.conf,
 * users in a sasldb, IMAP and LMTP on loopback ports. The master daemonizes, so any process holding the handle
 * can stop it; leftovers of a crashed run are found by their configuration path.
 */
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, promises as fs, readdirSync } from 'node:fs';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import {
  childProcesses,
  readProcessInfo,
  signal,
  stillRunning,
  waitUntilGone,
  type ProcessInfo,
} from '../../scripts/services/dovecot/processes';
import { freePort, isPortOpen, waitFor } from '../../scripts/services/process-tools';

export interface CyrusHandle {
  host: string;
  port: number;
  lmtpPort: number;
  baseDir: string;
  /** An administrator (Cyrus `admins`): sees every user's mailboxes as `user/<name>/…`. */
  admin: { user: string; password: string };
}

const CYRUS_BIN = '/usr/lib/cyrus/bin';
const ROOT = path.resolve(__dirname, '../..');
const HOST = '127.0.0.1';
const ADMIN = { user: 'cyrusadmin', password: 'cyrus-admin-password' };
/**
 * Unix socket paths hold at most 108 bytes; Cyrus's longest is `<configdirectory>/socket/idle.<pid>` (each imapd
 * binds one there to hear `idled`: without it IDLE falls back to polling once a minute).
 */
const MAX_CONFIG_DIR_BYTES = 80;

export class CyrusNotInstalledError extends Error {
  constructor(missing: string) {
    super(
      `Cyrus IMAP is not installed (${missing} is missing): run scripts/install-tools.sh --test, which installs cyrus-common ` +
        `and sasl2-bin and unpacks cyrus-imapd into .data/tools/ (it conflicts with dovecot-imapd, so it is not installed).`,
    );
  }
}

/** The unpacked cyrus-imapd package's programs (imapd, idled): the newest under .data/tools. */
export function cyrusImapdBinDir(): string {
  const tools = process.env.MAILROUTE_TOOLS_DIR ?? path.join(ROOT, '.data/tools');
  const candidates = existsSync(tools)
    ? readdirSync(tools)
        .filter((name) => name.startsWith('cyrus-imapd-'))
        .sort()
        .reverse()
    : [];
  for (const name of candidates) {
    const dir = path.join(tools, name, 'usr/lib/cyrus/bin');
    if (existsSync(path.join(dir, 'imapd'))) return dir;
  }
  throw new CyrusNotInstalledError(`${tools}/cyrus-imapd-*/usr/lib/cyrus/bin/imapd`);
}

function paths(baseDir: string) {
  const config = path.join(baseDir, 'config');
  const short = Buffer.byteLength(config) <= MAX_CONFIG_DIR_BYTES;
  return {
    imapdConf: path.join(baseDir, 'imapd.conf'),
    cyrusConf: path.join(baseDir, 'cyrus.conf'),
    sasldb: path.join(baseDir, 'sasldb2'),
    config: short ? config : path.join('/tmp', `mailroute-cyrus-${createHash('sha256').update(baseDir).digest('hex').slice(0, 12)}`),
    spool: path.join(baseDir, 'spool'),
    sieve: path.join(baseDir, 'sieve'),
    log: path.join(baseDir, 'master.log'),
    run: path.join(baseDir, 'run'),
  };
}

function renderImapdConf(baseDir: string): string {
  const p = paths(baseDir);
  return `# Generated for a throwaway test instance (tests/support/cyrus.ts); rewritten on every start.
configdirectory: ${p.config}
defaultpartition: default
partition-default: ${p.spool}
sievedir: ${p.sieve}
admins: ${ADMIN.user}
# "/" between levels, as on Dovecot; user names may hold dots.
unixhierarchysep: 1
allowplaintext: 1
sasl_pwcheck_method: auxprop
sasl_auxprop_plugin: sasldb
sasl_sasldb_path: ${p.sasldb}
sasl_mech_list: PLAIN LOGIN
# A user's INBOX (with its special-use folders) is created at their first login or delivery.
autocreate_quota: 0
autocreate_post: 1
autocreate_inbox_folders: Sent | Drafts | Trash
xlist-Sent: Sent
xlist-Drafts: Drafts
xlist-Trash: Trash
mboxname_lockpath: ${p.run}/lock
proc_path: ${p.run}/proc
syslog_prefix: mailroute-test
`;
}

function renderCyrusConf(handle: CyrusHandle, imapdBin: string): string {
  const conf = paths(handle.baseDir).imapdConf;
  return `# Generated for a throwaway test instance (tests/support/cyrus.ts).
START {
  recover cmd="${CYRUS_BIN}/ctl_cyrusdb -r -C ${conf}"
}
SERVICES {
  imap cmd="${imapdBin}/imapd -C ${conf}" listen="${handle.host}:${handle.port}" prefork=1
  lmtp cmd="${CYRUS_BIN}/lmtpd -a -C ${conf}" listen="${handle.host}:${handle.lmtpPort}" prefork=0
}
EVENTS {
  checkpoint cmd="${CYRUS_BIN}/ctl_cyrusdb -c -C ${conf}" period=30
}
DAEMON {
  idled cmd="${imapdBin}/idled -C ${conf}"
}
`;
}

/** Starts a new instance in `baseDir` (created; an instance already running there is stopped first). */
export async function startCyrus(options: { baseDir: string }): Promise<CyrusHandle> {
  if (!existsSync(path.join(CYRUS_BIN, 'master'))) throw new CyrusNotInstalledError(`${CYRUS_BIN}/master (cyrus-common)`);
  const baseDir = path.resolve(options.baseDir);
  const p = paths(baseDir);
  await stopCyrus({ baseDir });
  const imapdBin = path.join(baseDir, 'bin');
  const dirs = [baseDir, p.config, path.join(p.config, 'socket'), p.spool, p.sieve, p.run, imapdBin];
  for (const dir of dirs) await fs.mkdir(dir, { recursive: true, mode: 0o755 });
  // Cyrus's master runs imapd and idled as the cyrus user, who may not reach a checkout under a private directory
  // (mktemp's are mode 0700): the programs are copied beside the instance.
  for (const program of ['imapd', 'idled']) {
    await fs.copyFile(path.join(cyrusImapdBinDir(), program), path.join(imapdBin, program));
    await fs.chmod(path.join(imapdBin, program), 0o755);
  }
  await fs.writeFile(p.imapdConf, renderImapdConf(baseDir), { mode: 0o644 });
  await setSaslPassword(p.sasldb, ADMIN);
  let lastError: unknown;
  for (let attempt = 1; attempt <= 3; attempt++) {
    const handle: CyrusHandle = { host: HOST, port: await freePort(), lmtpPort: await freePort(), baseDir, admin: ADMIN };
    await fs.writeFile(p.cyrusConf, renderCyrusConf(handle, imapdBin), { mode: 0o644 });
    try {
      await launch(handle);
      return handle;
    } catch (error) {
      lastError = error;
      await stopCyrus(handle);
      if (!/bind/i.test(String(error))) throw error;
    }
  }
  throw lastError;
}

/** Stops and starts the instance on the same ports and data: connected clients are cut off. */
export async function restartCyrus(handle: CyrusHandle): Promise<void> {
  await stopCyrus(handle, { keepData: true });
  await launch(handle);
}

async function launch(handle: CyrusHandle): Promise<void> {
  const p = paths(handle.baseDir);
  await run('chown', ['-R', 'cyrus:mail', handle.baseDir, p.config]);
  await fs.writeFile(p.log, '');
  await run(path.join(CYRUS_BIN, 'master'), [
    '-C',
    p.imapdConf,
    '-M',
    p.cyrusConf,
    '-p',
    path.join(p.run, 'master.pid'),
    '-d',
    '-L',
    p.log,
  ]);
  await waitFor(
    `Cyrus IMAP on ${handle.host}:${handle.port}`,
    async () => {
      if (/unable to bind/i.test(await fs.readFile(p.log, 'utf8').catch(() => ''))) throw new Error('bind failed');
      return (await isPortOpen(handle.port, handle.host)) && (await isPortOpen(handle.lmtpPort, handle.host));
    },
    { timeoutMs: 20_000, intervalMs: 50 },
  ).catch(async (error: Error) => {
    throw new Error(`${error.message}\n--- ${p.log} ---\n${await fs.readFile(p.log, 'utf8').catch(() => '(none)')}`);
  });
}

/** Stops the instance of `baseDir` and its children; no-op when none runs. Its databases go unless kept. */
export async function stopCyrus(handle: Pick<CyrusHandle, 'baseDir'>, options: { keepData?: boolean } = {}): Promise<void> {
  const p = paths(handle.baseDir);
  const masters = await mastersUsing((argv) => argv.includes(p.imapdConf));
  await Promise.all(masters.map(terminate));
  // A configuration directory outside baseDir (long paths) would otherwise be left behind in /tmp.
  if (!options.keepData && p.config.startsWith('/tmp/')) await fs.rm(p.config, { recursive: true, force: true });
}

/** Every Cyrus master whose configuration lies under `dir` (a crashed run's leftovers). */
export async function stopCyrusUnder(dir: string): Promise<void> {
  const prefix = `${path.resolve(dir)}/`;
  const masters = await mastersUsing((argv) => argv.some((arg) => arg.startsWith(prefix) && arg.endsWith('imapd.conf')));
  await Promise.all(masters.map(terminate));
}

async function mastersUsing(matches: (argv: string[]) => boolean): Promise<ProcessInfo[]> {
  const found: ProcessInfo[] = [];
  for (const entry of await fs.readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry)) continue;
    const argv = (await fs.readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '')).split('\0');
    if (argv[0] !== path.join(CYRUS_BIN, 'master') || !matches(argv)) continue;
    const info = await readProcessInfo(Number(entry));
    if (info && info.state !== 'Z') found.push(info);
  }
  return found;
}

/** SIGTERM to the master and its children (an imapd serving a client would otherwise outlive it), then SIGKILL. */
async function terminate(master: ProcessInfo): Promise<void> {
  const children = await childProcesses(master.pid);
  for (const proc of [master, ...children]) signal(proc.pid, 'SIGTERM');
  await waitUntilGone([master, ...children], 5_000);
  for (const proc of await stillRunning([master, ...children])) signal(proc.pid, 'SIGKILL');
  await waitUntilGone([master, ...children], 5_000);
}

let sasldbQueue: Promise<unknown> = Promise.resolve();

/** Adds a user (or sets their password); their INBOX is created at their first login. */
export function addCyrusUser(handle: CyrusHandle, credentials: { user: string; password: string }): Promise<void> {
  return setSaslPassword(paths(handle.baseDir).sasldb, credentials);
}

function setSaslPassword(sasldb: string, { user, password }: { user: string; password: string }): Promise<void> {
  if (!/^[a-z0-9][a-z0-9._+-]*$/.test(user) || /[\r\n\0]/.test(password)) throw new Error(`unsafe Cyrus user ${JSON.stringify(user)}`);
  // One writer at a time per process (the sasldb is a single file).
  const next = sasldbQueue.then(async () => {
    await new Promise<void>((resolve, reject) => {
      const child = spawn('saslpasswd2', ['-p', '-c', '-f', sasldb, user], { stdio: ['pipe', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('error', (error) => reject(/ENOENT/.test(String(error)) ? new CyrusNotInstalledError('saslpasswd2 (sasl2-bin)') : error));
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`saslpasswd2 ${user} failed (${code}): ${stderr}`))));
      child.stdin.end(password);
    });
    await run('chown', ['cyrus:mail', sasldb]);
    await fs.chmod(sasldb, 0o640);
  });
  sasldbQueue = next.catch(() => undefined);
  return next;
}

/** IMAP sessions logged in as `user` (Cyrus writes one file per serving process into its proc directory). */
export async function countCyrusSessions(handle: CyrusHandle, user: string): Promise<number> {
  const dir = path.join(paths(handle.baseDir).run, 'proc');
  let count = 0;
  for (const pid of await fs.readdir(dir).catch(() => [] as string[])) {
    const fields = (await fs.readFile(path.join(dir, pid), 'utf8').catch(() => '')).split('\t');
    const alive = await readProcessInfo(Number(pid));
    if (alive && alive.state !== 'Z' && fields[0] === 'imap' && fields[2] === user) count += 1;
  }
  return count;
}

/** Runs `work` logged in as the Cyrus administrator. */
export async function withCyrusAdmin<T>(handle: CyrusHandle, work: (client: ImapFlow) => Promise<T>): Promise<T> {
  const client = new ImapFlow({
    host: handle.host,
    port: handle.port,
    secure: false,
    doSTARTTLS: false,
    auth: { user: handle.admin.user, pass: handle.admin.password },
    logger: false,
  });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.logout().catch(() => client.close());
  }
}

/** Deletes and creates again a user's whole mailbox tree (new UIDVALIDITY, no messages), as an admin may. */
export async function recreateCyrusUser(handle: CyrusHandle, user: string): Promise<void> {
  await withCyrusAdmin(handle, async (client) => {
    // An administrator may only delete what they have the delete right on (imapflow has no SETACL of its own).
    const raw = client as unknown as {
      exec(command: string, attributes: { type: string; value: string }[]): Promise<{ next(): void }>;
    };
    const answer = await raw.exec('SETACL', [
      { type: 'ATOM', value: `user/${user}` },
      { type: 'ATOM', value: handle.admin.user },
      { type: 'ATOM', value: 'lrswipkxtecda' },
    ]);
    answer.next(); // imapflow holds its command queue until the caller has read the answer
    await client.mailboxDelete(`user/${user}`);
    await client.mailboxCreate(`user/${user}`);
  });
}

function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { encoding: 'utf8' }, (error, stdout, stderr) =>
      error ? reject(new Error(`${command} ${args.join(' ')}: ${error.message}\n${stderr}`)) : resolve(stdout),
    );
  });
}
