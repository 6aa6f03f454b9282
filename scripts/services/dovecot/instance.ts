/**
 * One Dovecot instance on disk: the handle every process shares, and where its files live inside `baseDir`.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/** Everything needed to reach and manage one Dovecot instance, from any process. Plain JSON. */
export interface DovecotHandle {
  host: string;
  port: number;
  /** Where Dovecot takes deliveries over LMTP (from an MTA), when started with `lmtp: true`. */
  lmtpPort?: number;
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
  /** Also take deliveries over LMTP on a loopback port (an MTA such as Postfix delivers into the mailboxes). */
  lmtp?: boolean;
}

export interface MailUserCredentials {
  user: string;
  password: string;
}

export const IMAP_HOST = '127.0.0.1';
/**
 * Unix socket paths are limited to 108 bytes (sun_path). The longest socket Dovecot creates under
 * base_dir is about 30 bytes deeper ("token-login/…", "imap-urlauth-worker"), so keep base_dir short.
 */
const MAX_RUNTIME_DIR_BYTES = 70;
/** Only characters that need no quoting anywhere in dovecot.conf (passdb args are space-separated). */
const SAFE_PATH = /^\/[A-Za-z0-9._\/+-]*$/;
/** Lower-case login names; what `auth_username_format = %Lu` turns any login into. */
const MAIL_USER_NAME = /^[a-z0-9][a-z0-9._+-]*(@[a-z0-9][a-z0-9.-]*)?$/;

export function instancePaths(baseDir: string) {
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

export function assertSafePath(value: string, what: string): void {
  if (!SAFE_PATH.test(value)) {
    throw new Error(
      `${what} ${JSON.stringify(value)} must be an absolute path of letters, digits and . _ / + - ` +
        `only: it is written unquoted into dovecot.conf.`,
    );
  }
}

/** The last lines of the instance's log, for test failure messages. */
export async function readDovecotLogTail(h: Pick<DovecotHandle, 'baseDir'>, lines = 40): Promise<string> {
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
