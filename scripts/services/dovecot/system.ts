/**
 * What a test instance needs from the machine: root, the system "mail" user, directories Dovecot's unprivileged
 * users can reach, and a loopback port.
 */
import { promises as fs } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { run } from './commands';

export function assertRunningAsRoot(): void {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new Error(
      'Test Dovecot instances must be started as root: Dovecot switches to the dovenull, dovecot ' + 'and mail users itself.',
    );
  }
}

/** dovenull, dovecot and mail must be able to reach files inside baseDir (missing dirs are skipped). */
export async function assertTraversableByServiceUsers(baseDir: string): Promise<void> {
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

export async function lookupSystemId(flag: '-u' | '-g', name: string): Promise<number> {
  const { stdout } = await run('id', [flag, name]).catch(() => {
    throw new Error(`The system user "${name}" is missing; Dovecot stores test mail as that user.`);
  });
  const id = Number.parseInt(stdout.trim(), 10);
  if (!Number.isInteger(id) || id <= 0) throw new Error(`Unexpected id for ${name}: ${stdout}`);
  return id;
}

function canListen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

export async function waitUntilPortIsFree(host: string, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await canListen(host, port))) {
    if (Date.now() > deadline) throw new Error(`${host}:${port} is still in use after stopping Dovecot.`);
    await sleep(50);
  }
}

export async function pathExists(p: string): Promise<boolean> {
  try {
    await fs.access(p);
    return true;
  } catch {
    return false;
  }
}

/** Not `instanceof Error`: Node's own errors fail that check inside jest's sandboxed realm. */
export function isErrnoException(error: unknown): error is NodeJS.ErrnoException {
  return typeof error === 'object' && error !== null && 'code' in error;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
