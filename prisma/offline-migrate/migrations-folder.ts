/** The migrations directory as the Prisma CLI reads it: migration_lock.toml and one folder per migration. */
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';

export interface MigrationDirectory {
  /** Folder name, e.g. `20261124120000_init`; it is the `migration_name`. */
  name: string;
  /** The script, or why it could not be read. */
  script: { ok: true; text: string } | { ok: false; error: string };
}

export interface MigrationsFolder {
  /** Provider from migration_lock.toml; null without a lock file. */
  lockedProvider: string | null;
  migrations: MigrationDirectory[];
}

/** Lists migration folders as the Prisma CLI does (every sub-folder, sorted with localeCompare). */
export async function readMigrationsFolder(migrationsDir: string): Promise<MigrationsFolder> {
  const lockText = await readFile(path.join(migrationsDir, 'migration_lock.toml'), 'utf8').catch(() => null);

  let entries: { name: string; isDirectory(): boolean }[];
  try {
    entries = await readdir(migrationsDir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { lockedProvider: providerOf(lockText), migrations: [] };
    throw error;
  }

  const migrations: MigrationDirectory[] = [];
  for (const entry of entries.filter((e) => e.isDirectory())) {
    const file = path.join(migrationsDir, entry.name, 'migration.sql');
    const script = await readFile(file, 'utf8').then(
      (text) => ({ ok: true as const, text }),
      (error: Error) => ({ ok: false as const, error: error.message }),
    );
    migrations.push({ name: entry.name, script });
  }
  migrations.sort((a, b) => a.name.localeCompare(b.name));
  return { lockedProvider: providerOf(lockText), migrations };
}

/** The engine's reading of migration_lock.toml: the first line starting with `provider`. */
function providerOf(lockText: string | null): string | null {
  if (lockText === null) return null;
  const line = lockText.split(/\r?\n/).find((l) => l.startsWith('provider'));
  if (!line) return '<PROVIDER NOT FOUND>';
  return line.replace(/^(provider = )+/, '').replace(/^"+|"+$/g, '');
}
