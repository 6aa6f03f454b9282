/**
 * The instance's passwd-file: {SSHA512} entries, replaced atomically under a cross-process lock so that several
 * processes (jest workers, a tsx one-liner) can add users while Dovecot reads it.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { isProcessAlive } from './processes';
import { isErrnoException, sleep } from './system';

export interface PasswdEntry {
  user: string;
  passwordHash: string;
}

const PASSWD_LOCK_TIMEOUT_MS = 15_000;
const PASSWD_LOCK_STALE_MS = 30_000;

export async function readPasswdEntries(passwdFile: string): Promise<PasswdEntry[]> {
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
export async function writePasswdFileAtomically(passwdFile: string, entries: readonly PasswdEntry[]): Promise<void> {
  // Fields: user:password:uid:gid:gecos:home:shell:extra. uid/gid/home come from mail_uid,
  // mail_gid and mail_home.
  const body =
    '# Managed by scripts/services/dovecot (addMailUser). Replaced atomically; do not edit.\n' +
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
export async function withPasswdLock<T>(lockPath: string, fn: () => Promise<T>): Promise<T> {
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
export function hashSsha512(password: string): string {
  const salt = randomBytes(16);
  const digest = createHash('sha512').update(password, 'utf8').update(salt).digest();
  return `{SSHA512}${Buffer.concat([digest, salt]).toString('base64')}`;
}

export function verifySsha512(password: string, stored: string): boolean {
  const prefix = '{SSHA512}';
  if (!stored.startsWith(prefix)) return false;
  const raw = Buffer.from(stored.slice(prefix.length), 'base64');
  if (raw.length <= 64) return false;
  const digest = raw.subarray(0, 64);
  const salt = raw.subarray(64);
  const actual = createHash('sha512').update(password, 'utf8').update(salt).digest();
  return timingSafeEqual(actual, digest);
}
