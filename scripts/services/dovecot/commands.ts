/**
 * The dovecot and doveadm programs: finding them, running them, and what doveadm tells about an instance.
 */
import { execFile, spawn } from 'node:child_process';
import { constants as fsConstants, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { normaliseMailUser, type DovecotHandle } from './instance';

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

/** `doveadm auth test` exits with this code when the credentials are rejected. */
const DOVEADM_EXIT_AUTH_FAILED = 77;

const EXECUTABLE_DIRS = ['/usr/sbin', '/usr/local/sbin', '/usr/bin', '/usr/local/bin', '/sbin', '/bin'];

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

/** True when `doveadm auth test` said the credentials were wrong (as opposed to other failures). */
export function isAuthFailure(error: unknown): boolean {
  return error instanceof DovecotCommandError && error.exitCode === DOVEADM_EXIT_AUTH_FAILED;
}

export function run(command: string, args: readonly string[]): Promise<{ stdout: string; stderr: string }> {
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
export async function runDetached(command: string, args: readonly string[], outputPath: string): Promise<number | null> {
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

const executableCache = new Map<string, string>();

export async function findExecutable(name: 'dovecot' | 'doveadm'): Promise<string> {
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
