import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import net from 'node:net';

/** Runs a program to completion; rejects with its output when it exits non-zero. */
export function run(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { env: options.env ?? process.env, cwd: options.cwd, timeout: options.timeoutMs ?? 120_000, maxBuffer: 32 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`${command} ${args.join(' ')} failed: ${error.message}\n${stdout}\n${stderr}`.trim()));
        } else {
          resolve(stdout);
        }
      },
    );
  });
}

/** A free TCP port on loopback, chosen by the kernel. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export function isPortOpen(port: number, host = '127.0.0.1', timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function readPidFile(path: string): number | undefined {
  if (!existsSync(path)) return undefined;
  const pid = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
  return Number.isInteger(pid) && pid > 0 && isProcessAlive(pid) ? pid : undefined;
}

export async function waitFor(
  what: string,
  probe: () => Promise<boolean>,
  { timeoutMs = 30_000, intervalMs = 100, explain }: { timeoutMs?: number; intervalMs?: number; explain?: () => string } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${explain ? `\n${explain()}` : ''}`);
}

export function tail(path: string, lines = 30): string {
  if (!existsSync(path)) return `(no ${path})`;
  return readFileSync(path, 'utf8').split('\n').slice(-lines).join('\n');
}

export { spawn };

/** Whether every ancestor of `dir` lets other users through (o+x), as unprivileged server users need. */
export function isTraversableByOthers(dir: string): boolean {
  let current = path.resolve(dir);
  for (;;) {
    if (existsSync(current) && (statSync(current).mode & 0o001) === 0) return false;
    const parent = path.dirname(current);
    if (parent === current) return true;
    current = parent;
  }
}

/**
 * A directory for servers that run as other users (PostgreSQL as `postgres`, Dovecot's `mail`/`dovenull`).
 * It is `preferred` when those users can reach it; inside a private checkout (e.g. a 0700 temp dir) it is
 * a per-checkout directory under /var/tmp instead.
 */
export function serverStateDir(preferred: string): string {
  if (isTraversableByOthers(path.dirname(preferred))) return preferred;
  const fallback = path.join(
    '/var/tmp',
    `mailroute-${createHash('sha256').update(path.resolve(preferred)).digest('hex').slice(0, 12)}`,
    path.basename(preferred),
  );
  mkdirSync(fallback, { recursive: true });
  for (let dir = fallback; dir !== '/var/tmp'; dir = path.dirname(dir)) chmodSync(dir, 0o755);
  return fallback;
}
