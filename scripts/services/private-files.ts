/**
 * The data directory of `npm start` holds secrets (the key for secrets at rest, the admin password, PostgreSQL's
 * credentials) and databases: its files are readable by their owner only.
 */
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Creates `dir` for this user only. As root, PostgreSQL runs as the system user `postgres` in its own 0700
 * directory inside: the data directory then lets other users pass through (0711) but not list or read it.
 */
export function preparePrivateDataDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, process.getuid?.() === 0 ? 0o711 : 0o700);
}

/** Takes group and other permissions off `target` and, for a directory, everything in it (symbolic links left alone). */
export function restrictToOwner(target: string): void {
  if (!existsSync(target)) return;
  const stats = lstatSync(target);
  if (stats.isSymbolicLink()) return;
  if ((stats.mode & 0o077) !== 0) chmodSync(target, stats.mode & 0o700);
  if (stats.isDirectory()) for (const entry of readdirSync(target)) restrictToOwner(path.join(target, entry));
}

/** A secret kept in `file` (mode 0600), made by `make` the first time. */
export function persistentSecret(file: string, make: () => string): string {
  if (existsSync(file)) {
    restrictToOwner(file);
    return readFileSync(file, 'utf8').trim();
  }
  const value = make();
  writeFileSync(file, `${value}\n`, { mode: 0o600 });
  return value;
}
