/**
 * Mail users of a test instance: added (or re-passworded) in the passwd-file, and visible to a running Dovecot
 * before the call returns.
 */
import { DovecotCommandError, doveadm } from './commands';
import { instancePaths, normaliseMailUser, type DovecotHandle, type MailUserCredentials } from './instance';
import { readPasswdEntries, hashSsha512, verifySsha512, withPasswdLock, writePasswdFileAtomically, type PasswdEntry } from './passwd-file';
import { isDovecotRunning } from './processes';
import { sleep } from './system';

const LOGIN_VISIBLE_TIMEOUT_MS = 10_000;

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
