/**
 * Throwaway Dovecot (2.3) IMAP servers for tests and local development.
 *
 * One instance lives entirely inside its own `baseDir` (config, passwd-file, log, mail, state and,
 * when the path is short enough, the runtime socket directory). The master process daemonizes, so an
 * instance started in one process (jest globalSetup) can be used, restarted and stopped from any other
 * process that holds the JSON-serialisable {@link DovecotHandle}.
 *
 * Requires root (Dovecot drops to `dovenull`/`dovecot`/`mail` itself) and Debian's `dovecot-imapd`.
 * Nothing here does I/O at import time.
 */
import { execFile, spawn } from 'node:child_process';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { constants as fsConstants, promises as fs } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

/** Everything needed to reach and manage one Dovecot instance, from any process. Plain JSON. */
export interface DovecotHandle {
  host: string;
  port: number;
  baseDir: string;
  configPath: string;
  passwdFile: string;
  mailDir: string;
}

export interface StartDovecotOptions {
  /** Per-instance directory; created if missing. Every ancestor must be world-traversable (mode o+x). */
  baseDir: string;
  /** Loopback port for IMAP; a free one is picked when omitted. */
  port?: number;
  /** How long to wait for the IMAP greeting. Default 20 s. */
  startTimeoutMs?: number;
  /**
   * Also accept XOAUTH2/OAUTHBEARER logins, checking each access token at this RFC 7662 introspection endpoint
   * (POST token=…; the answer's `username` must be the login name and `active` true), as Microsoft 365 and Gmail do.
   */
  oauth2IntrospectionUrl?: string;
  /** Advertise no IDLE (like some hosted servers), so clients must poll. */
  withoutIdle?: boolean;
}

export interface MailUserCredentials {
  user: string;
  password: string;
}

/** A doveadm/dovecot invocation that exited non-zero. */
export class DovecotCommandError extends Error {
  constructor(
    message: string,
    readonly command: string,
    readonly args: readonly string[],
    readonly exitCode: number | null,
    readonly stdout: string,
    readonly stderr: string,
  ) {
    super(message);
    this.name = 'DovecotCommandError';
  }
}

export class DovecotNotInstalledError extends Error {
  constructor(program: string, searched: readonly string[]) {
    super(
      `${program} was not found (looked in ${searched.join(', ')}). ` +
        `Install Debian's Dovecot IMAP server first: run scripts/install-tools.sh --test, ` +
        `or directly: apt-get update && apt-get install -y dovecot-imapd ` +
        `(it must not be left running as a system service; tests start their own instances).`,
    );
    this.name = 'DovecotNotInstalledError';
  }
}

const IMAP_HOST = '127.0.0.1';
const DEFAULT_START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 15_000;
const LOGIN_VISIBLE_TIMEOUT_MS = 10_000;
const PASSWD_LOCK_TIMEOUT_MS = 15_000;
const PASSWD_LOCK_STALE_MS = 30_000;
/** `doveadm auth test` exits with this code when the credentials are rejected. */
const DOVEADM_EXIT_AUTH_FAILED = 77;
/**
 * Unix socket paths are limited to 108 bytes (sun_path). The longest socket Dovecot creates under
 * base_dir is about 30 bytes deeper ("token-login/…", "imap-urlauth-worker"), so keep base_dir short.
 */
const MAX_RUNTIME_DIR_BYTES = 70;
/** Only characters that need no quoting anywhere in dovecot.conf (passdb args are space-separated). */
const SAFE_PATH = /^\/[A-Za-z0-9._\/+-]*$/;
/** Lower-case login names; what `auth_username_format = %Lu` turns any login into. */
const MAIL_USER_NAME = /^[a-z0-9][a-z0-9._+-]*(@[a-z0-9][a-z0-9.-]*)?$/;

const EXECUTABLE_DIRS = ['/usr/sbin', '/usr/local/sbin', '/usr/bin', '/usr/local/bin', '/sbin', '/bin'];

// ---------------------------------------------------------------------------------------------
// Layout of an instance directory
// ---------------------------------------------------------------------------------------------

function instancePaths(baseDir: string) {
  return {
    configPath: path.join(baseDir, 'dovecot.conf'),
    passwdFile: path.join(baseDir, 'passwd'),
    passwdLock: path.join(baseDir, 'passwd.lock'),
    logPath: path.join(baseDir, 'dovecot.log'),
    /** stdout/stderr of the `dovecot` command itself (config errors before logging starts). */
    startupLogPath: path.join(baseDir, 'dovecot-startup.log'),
    stateDir: path.join(baseDir, 'state'),
    mailDir: path.join(baseDir, 'mail'),
    oauth2ConfigPath: path.join(baseDir, 'dovecot-oauth2.conf.ext'),
  };
}

/**
 * Dovecot's base_dir (sockets, master.pid). `<baseDir>/run` when that is short enough for unix
 * sockets, otherwise a directory in /tmp whose name is derived from baseDir, so every process
 * computes the same one from the handle.
 */
export function dovecotRuntimeDir(baseDir: string): string {
  const inside = path.join(baseDir, 'run');
  if (Buffer.byteLength(inside) <= MAX_RUNTIME_DIR_BYTES) return inside;
  const digest = createHash('sha256').update(baseDir).digest('hex').slice(0, 16);
  return path.join('/tmp', `mailroute-dovecot-${digest}`);
}

export function dovecotLogPath(h: Pick<DovecotHandle, 'baseDir'>): string {
  return instancePaths(h.baseDir).logPath;
}

/** Home directory of a mail user (`mail_home`); the Maildir is `<home>/Maildir`. */
export function mailUserDir(h: DovecotHandle, user: string): string {
  return path.join(h.mailDir, normaliseMailUser(user));
}

/** The login name Dovecot will see (lower-cased), or an error for names unsafe in the passwd-file. */
export function normaliseMailUser(user: string): string {
  const login = user.trim().toLowerCase();
  if (!MAIL_USER_NAME.test(login) || login.includes('..')) {
    throw new Error(
      `Invalid mail user name ${JSON.stringify(user)}: use letters, digits, '.', '_', '+', '-' ` + `and at most one '@domain'.`,
    );
  }
  return login;
}

// ---------------------------------------------------------------------------------------------
// dovecot.conf
// ---------------------------------------------------------------------------------------------

export interface DovecotConfigSettings {
  instanceName: string;
  port: number;
  runtimeDir: string;
  stateDir: string;
  logPath: string;
  passwdFile: string;
  mailDir: string;
  mailUid: number;
  mailGid: number;
  /** With OAuth2 logins: the oauth2 passdb's settings file ({@link renderOAuth2Config}). */
  oauth2ConfigPath?: string;
  withoutIdle?: boolean;
}

/** Dovecot 2.3's own capability list after login, without IDLE. */
const CAPABILITIES_WITHOUT_IDLE =
  'IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE SORT SORT=DISPLAY THREAD=REFERENCES THREAD=REFS THREAD=ORDEREDSUBJECT ' +
  'MULTIAPPEND URL-PARTIAL CATENATE UNSELECT CHILDREN NAMESPACE UIDPLUS LIST-EXTENDED I18NLEVEL=1 CONDSTORE QRESYNC ESEARCH ' +
  'ESORT SEARCHRES WITHIN CONTEXT=SEARCH LIST-STATUS BINARY MOVE SNIPPET=FUZZY PREVIEW=FUZZY PREVIEW STATUS=SIZE SAVEDATE ' +
  'LITERAL+ NOTIFY SPECIAL-USE';

/** SASL mechanisms offered to IMAP clients: passwords, plus the token mechanisms when OAuth2 is on. */
function authMechanisms(s: DovecotConfigSettings): string[] {
  return s.oauth2ConfigPath ? ['plain', 'login', 'xoauth2', 'oauthbearer'] : ['plain', 'login'];
}

/** The oauth2 passdb's settings: every token is introspected, and must be active and name the user. */
export function renderOAuth2Config(introspectionUrl: string): string {
  if (!/^http:\/\/127\.0\.0\.1:\d+\/[\w/-]*$/.test(introspectionUrl)) {
    throw new Error(`oauth2IntrospectionUrl must be a loopback http URL, got ${introspectionUrl}`);
  }
  return [
    'introspection_mode = post',
    `introspection_url = ${introspectionUrl}`,
    'force_introspection = yes',
    'username_attribute = username',
    'active_attribute = active',
    'active_value = true',
    '',
  ].join('\n');
}

function renderPassdbs(s: DovecotConfigSettings): string {
  // The oauth2 passdb goes first, restricted to the token mechanisms, so password logins keep using the passwd-file.
  const oauth2 = s.oauth2ConfigPath
    ? ['passdb {', '  driver = oauth2', '  mechanisms = xoauth2 oauthbearer', `  args = ${s.oauth2ConfigPath}`, '}', '']
    : [];
  return [
    ...oauth2,
    'passdb {',
    '  driver = passwd-file',
    // Hashes are written as {SSHA512}…; the scheme here is only the fallback for unprefixed ones.
    `  args = scheme=SSHA512 username_format=%u ${s.passwdFile}`,
    '}',
  ].join('\n');
}

/** A complete, self-contained dovecot.conf (nothing from /etc/dovecot is included). */
export function renderDovecotConfig(s: DovecotConfigSettings): string {
  for (const [name, value] of Object.entries({
    runtimeDir: s.runtimeDir,
    stateDir: s.stateDir,
    logPath: s.logPath,
    passwdFile: s.passwdFile,
    mailDir: s.mailDir,
    ...(s.oauth2ConfigPath ? { oauth2ConfigPath: s.oauth2ConfigPath } : {}),
  })) {
    assertSafePath(value, name);
  }
  return `# Generated by scripts/services/dovecot.ts for a throwaway test instance. Do not edit:
# it is rewritten on every startDovecot(). Nothing from /etc/dovecot is included.
instance_name = ${s.instanceName}
protocols = imap
listen = ${IMAP_HOST}

# Every path lives in the instance directory (the runtime dir may be a short /tmp path instead,
# because unix socket paths are limited to 108 bytes).
base_dir = ${s.runtimeDir}
state_dir = ${s.stateDir}
log_path = ${s.logPath}
log_timestamp = "%Y-%m-%d %H:%M:%S "

# Started as root, but the pre-login processes must not run as root, and internal services run
# as the unprivileged dovecot user.
default_login_user = dovenull
default_internal_user = dovecot
default_internal_group = dovecot

# Mail is never owned by uid 0: every virtual user maps to the system "mail" user.
mail_uid = ${s.mailUid}
mail_gid = ${s.mailGid}
first_valid_uid = ${s.mailUid}
first_valid_gid = ${s.mailGid}
mail_home = ${s.mailDir}/%u
mail_location = maildir:~/Maildir
# No plugins: anything inherited from a distribution config (quota, fts, …) could fail to load.
mail_plugins =

namespace inbox {
  inbox = yes
  separator = /
  mailbox Drafts {
    special_use = \\Drafts
    auto = subscribe
  }
  mailbox Sent {
    special_use = \\Sent
    auto = subscribe
  }
  mailbox Trash {
    special_use = \\Trash
    auto = subscribe
  }
  mailbox Junk {
    special_use = \\Junk
    auto = subscribe
  }
}

# Plain-text logins over loopback, no TLS.
ssl = no
disable_plaintext_auth = no
auth_mechanisms = ${authMechanisms(s).join(' ')}
auth_username_format = %Lu
auth_verbose = yes
# Tests try wrong passwords on purpose: no 2 s delay before each failure reply (see also the
# auth penalty in service anvil below).
auth_failure_delay = 0

${renderPassdbs(s)}

userdb {
  driver = passwd-file
  args = username_format=%u ${s.passwdFile}
}

# Tests open many sessions at once (IDLE watchers, workers, several jest processes).
default_process_limit = 1000
default_client_limit = 4000
mail_max_userip_connections = 200
# IDLE is woken by inotify; when inotify instances run out (128 per uid by default, and every IMAP
# process runs as "mail") Dovecot falls back to polling at this interval.
mailbox_idle_check_interval = 1 secs
imap_hibernate_timeout = 0
shutdown_clients = yes
verbose_proctitle = yes

service anvil {
  # No auth penalty: otherwise a few failed logins from 127.0.0.1 delay *every* later login from
  # loopback, even correct ones, by 2 to 15 s. Mode 0: the socket is not created, so auth runs
  # without penalties (and says nothing about it, as long as no stale socket file is left).
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}

service imap-login {
  inet_listener imap {
    address = ${IMAP_HOST}
    port = ${s.port}
  }
  inet_listener imaps {
    port = 0
  }
}

service imap {
  process_limit = 1000
}

protocol imap {
  mail_plugins = $mail_plugins${s.withoutIdle ? `\n  imap_capability = ${CAPABILITIES_WITHOUT_IDLE}` : ''}
}
`;
}

// ---------------------------------------------------------------------------------------------
// Lifecycle
// ---------------------------------------------------------------------------------------------

/**
 * Writes a fresh dovecot.conf into `baseDir` and starts Dovecot on a loopback port. If a Dovecot of
 * this baseDir is already running it is stopped first. Existing mail and users are kept.
 */
export async function startDovecot(options: StartDovecotOptions): Promise<DovecotHandle> {
  assertRunningAsRoot();
  const dovecotBin = await findExecutable('dovecot');
  await findExecutable('doveadm');

  const baseDir = path.resolve(options.baseDir);
  assertSafePath(baseDir, 'baseDir');
  const paths = instancePaths(baseDir);
  const runtimeDir = dovecotRuntimeDir(baseDir);
  const timeoutMs = options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;

  await assertTraversableByServiceUsers(baseDir); // before creating anything
  await fs.mkdir(baseDir, { recursive: true });
  await fs.chmod(baseDir, 0o755);
  await assertTraversableByServiceUsers(baseDir); // parents just created under a strict umask

  const previous: DovecotHandle = {
    host: IMAP_HOST,
    port: 0,
    baseDir,
    configPath: paths.configPath,
    passwdFile: paths.passwdFile,
    mailDir: paths.mailDir,
  };
  // "Idempotent-ish": whatever runs from this baseDir is stopped first, with or without pid file.
  await stopDovecot(previous);
  for (const orphan of await mastersUsingConfig(paths.configPath)) await terminateMaster(orphan);

  const mailUid = await lookupSystemId('-u', 'mail');
  const mailGid = await lookupSystemId('-g', 'mail');
  await fs.mkdir(paths.stateDir, { recursive: true, mode: 0o755 });
  await fs.mkdir(paths.mailDir, { recursive: true, mode: 0o755 });
  await fs.chown(paths.mailDir, mailUid, mailGid);
  await fs.chmod(paths.mailDir, 0o755);
  await withPasswdLock(paths.passwdLock, async () => {
    if (!(await pathExists(paths.passwdFile))) await writePasswdFileAtomically(paths.passwdFile, []);
  });

  const attempts = options.port === undefined ? 3 : 1;
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const port = options.port ?? (await findFreeLoopbackPort());
    const handle: DovecotHandle = { ...previous, port };
    const config = renderDovecotConfig({
      instanceName: `mailroute-test-${port}`,
      port,
      runtimeDir,
      stateDir: paths.stateDir,
      logPath: paths.logPath,
      passwdFile: paths.passwdFile,
      mailDir: paths.mailDir,
      mailUid,
      mailGid,
      ...(options.oauth2IntrospectionUrl ? { oauth2ConfigPath: paths.oauth2ConfigPath } : {}),
      ...(options.withoutIdle ? { withoutIdle: true } : {}),
    });
    if (options.oauth2IntrospectionUrl) {
      await fs.writeFile(paths.oauth2ConfigPath, renderOAuth2Config(options.oauth2IntrospectionUrl), { mode: 0o644 });
    }
    await fs.writeFile(paths.configPath, config, { mode: 0o644 });
    try {
      await launchDovecot(dovecotBin, handle, timeoutMs);
      return handle;
    } catch (error) {
      lastError = error;
      // Only an auto-picked port can lose a race with another process; retry with a new one.
      if (!/address already in use/i.test(String((error as { message?: unknown })?.message))) throw error;
      await stopDovecot(handle).catch(() => undefined);
    }
  }
  throw lastError;
}

/**
 * Stops the instance and disconnects its clients. No-op when not running.
 *
 * SIGTERM to the master alone is not enough: an imap process serving a client outlives its
 * master by about ten seconds, still answering from the old instance. So the master's children
 * are signalled too (by pid, checked against their start time), and SIGKILLed if they linger.
 */
export async function stopDovecot(h: DovecotHandle): Promise<void> {
  const runtimeDir = dovecotRuntimeDir(h.baseDir);
  const masterPid = await readMasterPid(runtimeDir);
  const master = masterPid === undefined ? undefined : await readProcessInfo(masterPid);
  if (master && isLiveDovecotMaster(master)) await terminateMaster(master);
  // Nothing of ours may still hold the listening socket when a restart binds it again.
  if (h.port > 0) await waitUntilPortIsFree(h.host, h.port, STOP_TIMEOUT_MS);
  // A runtime dir outside baseDir (long baseDir paths) would otherwise be left behind in /tmp.
  if (!isInside(runtimeDir, h.baseDir)) await fs.rm(runtimeDir, { recursive: true, force: true });
}

function isInside(candidate: string, dir: string): boolean {
  const relative = path.relative(dir, candidate);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

const CLIENT_PROCESS_NAMES = new Set(['imap', 'imap-login']);

async function terminateMaster(master: ProcessInfo): Promise<void> {
  const children = await childProcesses(master.pid);
  signal(master.pid, 'SIGTERM');
  // Client-facing processes at once, so connections drop now rather than when the master is gone.
  for (const child of children) if (CLIENT_PROCESS_NAMES.has(child.comm)) signal(child.pid, 'SIGTERM');

  await waitUntilGone([master], STOP_TIMEOUT_MS);
  const survivors = await stillRunning(children);
  for (const child of survivors) signal(child.pid, 'SIGTERM');
  await waitUntilGone(survivors, 5_000);
  for (const proc of await stillRunning([master, ...children])) signal(proc.pid, 'SIGKILL');
  await waitUntilGone([master, ...children], 5_000);
}

/**
 * Masters started with this config file whose pid file is gone (e.g. the instance directory was
 * deleted while Dovecot ran, or a test run was killed): found by their command line.
 */
async function mastersUsingConfig(configPath: string): Promise<ProcessInfo[]> {
  const masters: ProcessInfo[] = [];
  for (const entry of await fs.readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry)) continue;
    const info = await readProcessInfo(Number(entry));
    if (!info || !isLiveDovecotMaster(info)) continue;
    const argv = (await fs.readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '')).split('\0');
    const config = argv.indexOf('-c');
    if (config >= 0 && argv[config + 1] === configPath) masters.push(info);
  }
  return masters;
}

/**
 * Stops and starts the instance again with the same config file, port and data (tests restart the
 * IMAP server in the middle of a mail burst). Connected clients are disconnected.
 */
export async function restartDovecot(h: DovecotHandle, options: { startTimeoutMs?: number } = {}): Promise<DovecotHandle> {
  assertRunningAsRoot();
  const dovecotBin = await findExecutable('dovecot');
  await stopDovecot(h);
  await launchDovecot(dovecotBin, h, options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS);
  return h;
}

/** True while the instance's master process is alive. */
export async function isDovecotRunning(h: DovecotHandle): Promise<boolean> {
  const pid = await readMasterPid(dovecotRuntimeDir(h.baseDir));
  return pid !== undefined && (await isDovecotProcess(pid));
}

async function launchDovecot(dovecotBin: string, h: DovecotHandle, timeoutMs: number): Promise<void> {
  const runtimeDir = dovecotRuntimeDir(h.baseDir);
  // Stale sockets from a killed instance confuse the new one (e.g. a leftover anvil-auth-penalty
  // socket makes auth log connection errors), so start from an empty runtime directory.
  await fs.rm(runtimeDir, { recursive: true, force: true });
  await fs.mkdir(runtimeDir, { recursive: true, mode: 0o755 });
  await fs.chmod(runtimeDir, 0o755);

  // Without -F the master daemonizes; it exits non-zero when the config is invalid or it cannot
  // bind its listeners. The daemon keeps the stderr it was given open for good, so it gets a file
  // (never a pipe, which would keep a waiting parent from ever seeing it close).
  const startupLog = instancePaths(h.baseDir).startupLogPath;
  const exitCode = await runDetached(dovecotBin, ['-c', h.configPath], startupLog);
  if (exitCode !== 0) {
    const detail = (await fs.readFile(startupLog, 'utf8').catch(() => '')).trim();
    throw new Error(
      `dovecot failed to start (exit ${exitCode}, config ${h.configPath}): ${detail}\n` +
        `--- last lines of ${dovecotLogPath(h)} ---\n${await readLogTail(h)}`,
    );
  }

  const deadline = Date.now() + timeoutMs;
  let lastProblem = 'no answer yet';
  while (Date.now() < deadline) {
    const probe = await probeImapGreeting(h.host, h.port, Math.min(5_000, deadline - Date.now()));
    if (probe.ready) return;
    lastProblem = probe.problem;
    if (!(await isDovecotRunning(h))) {
      lastProblem = `the dovecot master exited (${lastProblem})`;
      break;
    }
    await sleep(100);
  }
  throw new Error(
    `Dovecot on ${h.host}:${h.port} did not send an IMAP greeting within ${timeoutMs} ms: ` +
      `${lastProblem}\n--- last lines of ${dovecotLogPath(h)} ---\n${await readLogTail(h)}`,
  );
}

type GreetingProbe = { ready: true } | { ready: false; problem: string };

/**
 * Connects and waits for a real greeting. While the auth process is still starting, Dovecot first
 * sends "* OK Waiting for authentication process to respond.." and only later the real one.
 */
function probeImapGreeting(host: string, port: number, timeoutMs: number): Promise<GreetingProbe> {
  return new Promise((resolve) => {
    let received = '';
    let settled = false;
    const socket = net.connect({ host, port });
    const finish = (result: GreetingProbe) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (result.ready) socket.end('z LOGOUT\r\n');
      else socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(
      () => finish({ ready: false, problem: `timed out; received ${JSON.stringify(received)}` }),
      Math.max(timeoutMs, 1),
    );
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      received += chunk;
      for (const line of received.split('\r\n').slice(0, -1)) {
        if (line.startsWith('* OK') && !/waiting for auth/i.test(line)) return finish({ ready: true });
        if (line.startsWith('* BYE')) return finish({ ready: false, problem: line });
      }
    });
    socket.on('error', (error) => finish({ ready: false, problem: error.message }));
    socket.on('close', () => finish({ ready: false, problem: `connection closed; received ${JSON.stringify(received)}` }));
  });
}

// ---------------------------------------------------------------------------------------------
// Users
// ---------------------------------------------------------------------------------------------

/**
 * Adds a mail user (or changes its password). Idempotent, safe while the server runs and from
 * several processes at once. When the server is running, resolves only once Dovecot accepts the
 * login: Dovecot re-reads a changed passwd-file at most once per second, so a login right after the
 * write could otherwise still be refused.
 */
export async function addMailUser(h: DovecotHandle, credentials: MailUserCredentials): Promise<void> {
  const login = normaliseMailUser(credentials.user);
  const { password } = credentials;
  if (password.length === 0 || /[\r\n\0]/.test(password)) {
    throw new Error(`Invalid password for ${login}: it must be non-empty and single-line.`);
  }
  const lockPath = instancePaths(h.baseDir).passwdLock;

  for (let attempt = 1; ; attempt++) {
    await withPasswdLock(lockPath, async () => {
      const entries = await readPasswdEntries(h.passwdFile);
      const existing = entries.find((entry) => entry.user === login);
      if (existing && verifySsha512(password, existing.passwordHash)) return;
      const updated: PasswdEntry = { user: login, passwordHash: hashSsha512(password) };
      const next = existing ? entries.map((entry) => (entry.user === login ? updated : entry)) : [...entries, updated];
      await writePasswdFileAtomically(h.passwdFile, next);
    });
    // Belt and braces against a lost update (e.g. a stale lock broken by two processes at once).
    const written = (await readPasswdEntries(h.passwdFile)).find((entry) => entry.user === login);
    if (written && verifySsha512(password, written.passwordHash)) break;
    if (attempt >= 5) throw new Error(`Could not record mail user ${login} in ${h.passwdFile}.`);
  }

  if (await isDovecotRunning(h)) await waitUntilLoginIsAccepted(h, login, password);
}

async function waitUntilLoginIsAccepted(h: DovecotHandle, login: string, password: string) {
  const deadline = Date.now() + LOGIN_VISIBLE_TIMEOUT_MS;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      await doveadm(h, ['auth', 'test', '-x', 'service=imap', login, password]);
      return;
    } catch (error) {
      lastError = error;
      if (!(await isDovecotRunning(h))) return; // stopped meanwhile: it will read the file on start
    }
    await sleep(100);
  }
  const detail = lastError instanceof DovecotCommandError ? lastError.stdout + lastError.stderr : String(lastError);
  throw new Error(`Dovecot still refuses the new user ${login} after ${LOGIN_VISIBLE_TIMEOUT_MS} ms: ${detail}`);
}

interface PasswdEntry {
  user: string;
  passwordHash: string;
}

async function readPasswdEntries(passwdFile: string): Promise<PasswdEntry[]> {
  let text: string;
  try {
    text = await fs.readFile(passwdFile, 'utf8');
  } catch (error) {
    if (isErrnoException(error) && error.code === 'ENOENT') return [];
    throw error;
  }
  const entries: PasswdEntry[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const [user, passwordHash] = line.split(':');
    if (user && passwordHash !== undefined) entries.push({ user, passwordHash });
  }
  return entries;
}

/**
 * Replaces the passwd-file with a rename, so Dovecot never reads a half-written file. Dovecot only
 * notices a change when the file's mtime (in whole seconds) or size differs from the copy it
 * holds, so every new version gets an mtime strictly later than the previous one.
 */
async function writePasswdFileAtomically(passwdFile: string, entries: readonly PasswdEntry[]): Promise<void> {
  // Fields: user:password:uid:gid:gecos:home:shell:extra. uid/gid/home come from mail_uid,
  // mail_gid and mail_home.
  const body =
    '# Managed by scripts/services/dovecot.ts (addMailUser). Replaced atomically; do not edit.\n' +
    entries.map((entry) => `${entry.user}:${entry.passwordHash}::::::\n`).join('');
  const temporary = `${passwdFile}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  let previousMtimeSeconds = 0;
  try {
    previousMtimeSeconds = Math.floor((await fs.stat(passwdFile)).mtimeMs / 1000);
  } catch (error) {
    if (!(isErrnoException(error) && error.code === 'ENOENT')) throw error;
  }
  const mtimeSeconds = Math.max(Math.floor(Date.now() / 1000), previousMtimeSeconds + 1);
  try {
    const file = await fs.open(temporary, 'wx', 0o644);
    try {
      await file.writeFile(body, 'utf8');
      await file.sync();
    } finally {
      await file.close();
    }
    // The auth process runs as the dovecot user: the file must be world-readable (umask aside).
    await fs.chmod(temporary, 0o644);
    await fs.utimes(temporary, mtimeSeconds, mtimeSeconds);
    await fs.rename(temporary, passwdFile);
  } catch (error) {
    await fs.rm(temporary, { force: true });
    throw error;
  }
}

/** A cross-process mutex: an exclusively created lock file holding the owner's pid. */
async function withPasswdLock<T>(lockPath: string, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + PASSWD_LOCK_TIMEOUT_MS;
  const token = `${process.pid} ${randomBytes(8).toString('hex')}`;
  for (;;) {
    try {
      await fs.writeFile(lockPath, token, { flag: 'wx', mode: 0o644 });
      break;
    } catch (error) {
      if (!(isErrnoException(error) && error.code === 'EEXIST')) throw error;
    }
    if (await isStaleLock(lockPath)) {
      await fs.rm(lockPath, { force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(`Timed out waiting for ${lockPath} (held by ${await fs.readFile(lockPath, 'utf8').catch(() => '?')}).`);
    }
    await sleep(5 + Math.random() * 20);
  }
  try {
    return await fn();
  } finally {
    // Only remove the lock if it is still ours.
    const current = await fs.readFile(lockPath, 'utf8').catch(() => undefined);
    if (current === token) await fs.rm(lockPath, { force: true });
  }
}

async function isStaleLock(lockPath: string): Promise<boolean> {
  try {
    const [content, stat] = await Promise.all([fs.readFile(lockPath, 'utf8'), fs.stat(lockPath)]);
    const pid = Number.parseInt(content.split(' ')[0] ?? '', 10);
    if (Number.isInteger(pid) && pid > 0 && !isProcessAlive(pid)) return true;
    return Date.now() - stat.mtimeMs > PASSWD_LOCK_STALE_MS;
  } catch {
    return false; // vanished or half-written: just retry
  }
}

/** Dovecot's {SSHA512}: base64(sha512(password + salt) + salt). */
function hashSsha512(password: string): string {
  const salt = randomBytes(16);
  const digest = createHash('sha512').update(password, 'utf8').update(salt).digest();
  return `{SSHA512}${Buffer.concat([digest, salt]).toString('base64')}`;
}

function verifySsha512(password: string, stored: string): boolean {
  const prefix = '{SSHA512}';
  if (!stored.startsWith(prefix)) return false;
  const raw = Buffer.from(stored.slice(prefix.length), 'base64');
  if (raw.length <= 64) return false;
  const digest = raw.subarray(0, 64);
  const salt = raw.subarray(64);
  const actual = createHash('sha512').update(password, 'utf8').update(salt).digest();
  return timingSafeEqual(actual, digest);
}

// ---------------------------------------------------------------------------------------------
// doveadm
// ---------------------------------------------------------------------------------------------

/**
 * Runs `doveadm -c <config> <args…>` and returns its stdout, e.g.
 * `doveadm(h, ['mailbox', 'update', '--uid-validity', '123', '-u', user, 'INBOX'])`.
 * Rejects with a {@link DovecotCommandError} on a non-zero exit.
 */
export async function doveadm(h: DovecotHandle, args: readonly string[]): Promise<string> {
  const doveadmBin = await findExecutable('doveadm');
  const { stdout } = await run(doveadmBin, ['-c', h.configPath, ...args]);
  return stdout;
}

/**
 * Server-side count of logged-in IMAP sessions (from anvil, via `doveadm who -1`), optionally only
 * those of one user. A session is counted from its successful login until Dovecot has processed the
 * disconnect, so poll when waiting for a change.
 */
export async function countImapConnections(h: DovecotHandle, user?: string): Promise<number> {
  const login = user === undefined ? undefined : normaliseMailUser(user);
  const output = (await doveadm(h, ['-f', 'json', 'who', '-1'])).trim();
  if (output === '') return 0;
  const sessions: unknown = JSON.parse(output);
  if (!Array.isArray(sessions)) throw new Error(`Unexpected doveadm who output: ${output}`);
  return sessions.filter((session: unknown) => {
    if (typeof session !== 'object' || session === null) return false;
    const { username, service } = session as { username?: unknown; service?: unknown };
    return service === 'imap' && (login === undefined || username === login);
  }).length;
}

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

function run(command: string, args: readonly string[]): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(command, [...args], { maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (!error) return resolve({ stdout, stderr });
      const exitCode = typeof error.code === 'number' ? error.code : null;
      reject(
        new DovecotCommandError(
          `${path.basename(command)} ${args.join(' ')} failed (exit ${exitCode ?? error.code ?? '?'}): ` +
            `${(stderr || stdout || error.message).trim()}`,
          command,
          args,
          exitCode,
          stdout,
          stderr,
        ),
      );
    });
  });
}

/** Runs a command whose output goes to a file, resolving with its exit code once it exits. */
async function runDetached(command: string, args: readonly string[], outputPath: string): Promise<number | null> {
  const output = await fs.open(outputPath, 'w', 0o644);
  try {
    return await new Promise<number | null>((resolve, reject) => {
      const child = spawn(command, [...args], { stdio: ['ignore', output.fd, output.fd] });
      child.on('error', reject);
      child.on('exit', (code, signalName) => resolve(signalName ? null : code));
    });
  } finally {
    await output.close();
  }
}

/** True when `doveadm auth test` said the credentials were wrong (as opposed to other failures). */
export function isAuthFailure(error: unknown): boolean {
  return error instanceof DovecotCommandError && error.exitCode === DOVEADM_EXIT_AUTH_FAILED;
}

const executableCache = new Map<string, string>();

async function findExecutable(name: 'dovecot' | 'doveadm'): Promise<string> {
  const cached = executableCache.get(name);
  if (cached) return cached;
  const pathDirs = (process.env.PATH ?? '').split(path.delimiter).filter((dir) => dir !== '');
  const searched = [...new Set([...EXECUTABLE_DIRS, ...pathDirs])];
  for (const dir of searched) {
    const candidate = path.join(dir, name);
    try {
      await fs.access(candidate, fsConstants.X_OK);
      executableCache.set(name, candidate);
      return candidate;
    } catch {
      // keep looking
    }
  }
  throw new DovecotNotInstalledError(name, searched);
}

function assertRunningAsRoot(): void {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new Error(
      'Test Dovecot instances must be started as root: Dovecot switches to the dovenull, dovecot ' + 'and mail users itself.',
    );
  }
}

function assertSafePath(value: string, what: string): void {
  if (!SAFE_PATH.test(value)) {
    throw new Error(
      `${what} ${JSON.stringify(value)} must be an absolute path of letters, digits and . _ / + - ` +
        `only: it is written unquoted into dovecot.conf.`,
    );
  }
}

/** dovenull, dovecot and mail must be able to reach files inside baseDir (missing dirs are skipped). */
async function assertTraversableByServiceUsers(baseDir: string): Promise<void> {
  let dir = path.dirname(baseDir);
  for (;;) {
    const mode = await fs.stat(dir).then(
      (stat) => stat.mode,
      () => undefined,
    );
    if (mode !== undefined && (mode & 0o001) === 0) {
      throw new Error(
        `Dovecot's unprivileged users cannot reach ${baseDir}: ${dir} is not world-traversable ` +
          `(mode ${(mode & 0o777).toString(8)}). Use a directory under /tmp or chmod o+x ${dir}.`,
      );
    }
    const parent = path.dirname(dir);
    if (parent === dir) return;
    dir = parent;
  }
}

async function lookupSystemId(flag: '-u' | '-g', name: string): Promise<number> {
  const { stdout } = await run('id', [flag, name]).catch(() => {
    throw new Error(`The system user "${name}" is missing; Dovecot stores test mail as that user.`);
  });
  const id = Number.parseInt(stdout.trim(), 10);
  if (!Number.isInteger(id) || id <= 0) throw new Error(`Unexpected id for ${name}: ${stdout}`);
  return id;
}

async function readMasterPid(runtimeDir: string): Promise<number | undefined> {
  try {
    const pid = Number.parseInt((await fs.readFile(path.join(runtimeDir, 'master.pid'), 'utf8')).trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

interface ProcessInfo {
  pid: number;
  ppid: number;
  /** Executable name (at most 15 characters), e.g. "dovecot", "imap", "imap-login". */
  comm: string;
  /** R, S, D, Z (zombie), … */
  state: string;
  /** Clock ticks since boot: tells a process apart from a later one that reuses its pid. */
  startTime: string;
}

/** From /proc/<pid>/stat; undefined when the process is gone (or there is no procfs). */
async function readProcessInfo(pid: number): Promise<ProcessInfo | undefined> {
  let stat: string;
  try {
    stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // "pid (comm) state ppid …": comm may contain spaces and parentheses, so split at the last ')'.
  const close = stat.lastIndexOf(')');
  const comm = stat.slice(stat.indexOf('(') + 1, close);
  const fields = stat.slice(close + 2).split(' ');
  // fields[0] is the state (stat field 3), so stat field n is fields[n - 3].
  return { pid, ppid: Number(fields[1]), comm, state: fields[0] ?? '?', startTime: fields[19] ?? '' };
}

function isLive(info: ProcessInfo): boolean {
  // A daemonized master is re-parented to pid 1, which may never reap it: zombies count as gone.
  return info.state !== 'Z' && info.state !== 'X';
}

function isLiveDovecotMaster(info: ProcessInfo): boolean {
  return isLive(info) && info.comm === 'dovecot';
}

/** Alive, not a zombie, and really a dovecot master (not a process that reused the pid). */
async function isDovecotProcess(pid: number): Promise<boolean> {
  const info = await readProcessInfo(pid);
  if (info) return isLiveDovecotMaster(info);
  return isProcessAlive(pid) && !(await pathExists('/proc/self/stat')); // no procfs: trust kill(pid, 0)
}

async function childProcesses(parentPid: number): Promise<ProcessInfo[]> {
  const children: ProcessInfo[] = [];
  for (const entry of await fs.readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry)) continue;
    const info = await readProcessInfo(Number(entry));
    if (info && info.ppid === parentPid && isLive(info)) children.push(info);
  }
  return children;
}

/** The processes from `processes` that still run (same pid *and* start time). */
async function stillRunning(processes: readonly ProcessInfo[]): Promise<ProcessInfo[]> {
  const running: ProcessInfo[] = [];
  for (const proc of processes) {
    const now = await readProcessInfo(proc.pid);
    if (now && isLive(now) && now.startTime === proc.startTime) running.push(proc);
  }
  return running;
}

async function waitUntilGone(processes: readonly ProcessInfo[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await stillRunning(processes)).length > 0 && Date.now() < deadline) await sleep(25);
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return isErrnoException(error) && error.code === 'EPERM';
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    if (!(isErrnoException(error) && error.code === 'ESRCH')) throw error;
  }
}

function findFreeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, IMAP_HOST, () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('Could not determine a free port'));
      });
    });
  });
}

function canListen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

async function waitUntilPortIsFree(host: string, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await canListen(host, port))) {
    if (Date.now() > deadline) throw new Error(`${host}:${port} is still in use after stopping Dovecot.`);
    await sleep(50);
  }
}

async function readLogTail(h: Pick<DovecotHandle, 'baseDir'>, lines = 40): Promise<string> {
  try {
    const text = await fs.readFile(dovecotLogPath(h), 'utf8');
    return text
      .split('\n')
      .slice(-lines - 1)
      .join('\n');
  } catch {
    return '(no log)';
  }
}

/** The last lines of the instance's log, for test failure messages. */
export function readDovecotLogTail(h: Pick<DovecotHandle, 'baseDir'>, lines = 40): Promise<string> {
  return readLogTail(h, lines);
}

async function pathExists(p: string): Promise<boolean> {
  try {
    await fs.access(p);
    return true;
  } catch {
    return false;
  }
}

/** Not `instanceof Error`: Node's own errors fail that check inside jest's sandboxed realm. */
function isErrnoException(error: unknown): error is NodeJS.ErrnoException {
  return typeof error === 'object' && error !== null && 'code' in error;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
