/**
 * `npm start`: runs the whole platform on this machine. Without TEMPORAL_ADDRESS it starts the Temporal
 * dev server (SQLite file under .data/, Web UI on); without DATABASE_URL a private PostgreSQL cluster
 * under .data/. Then it applies migrations, starts a worker process and the API, and prints the URLs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { runApi } from '../api/server';
import { ensureSearchAttributes } from '../services/temporal-namespace';
import { isPortOpen, serverStateDir } from './services/process-tools';
import { startPostgres, stopPostgres } from './services/postgres';
import { startTemporalDevServer, stopTemporalDevServer, type TemporalDevServerHandle } from './services/temporal';

const ROOT = path.resolve(__dirname, '..');
const DATA = path.join(ROOT, '.data');

function persistentSecret(file: string, make: () => string): string {
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const value = make();
  writeFileSync(file, `${value}\n`, { mode: 0o600 });
  return value;
}

async function main(): Promise<void> {
  const startedAt = Date.now();
  mkdirSync(DATA, { recursive: true });
  const stops: Array<() => Promise<void>> = [];

  if (!process.env.DATABASE_URL) {
    const postgres = await startPostgres({
      dataDir: serverStateDir(path.join(DATA, 'postgres')),
      port: Number(process.env.MAILROUTE_PG_PORT ?? 55432),
    });
    process.env.DATABASE_URL = postgres.url;
    stops.push(() => stopPostgres(postgres));
  }
  let devServer: TemporalDevServerHandle | undefined;
  if (!process.env.TEMPORAL_ADDRESS) {
    const port = (await isPortOpen(7233)) ? undefined : 7233;
    const uiPort = (await isPortOpen(8233)) ? undefined : 8233;
    devServer = await startTemporalDevServer({ dbFile: path.join(DATA, 'temporal', 'temporal.db'), port, uiPort });
    process.env.TEMPORAL_ADDRESS = devServer.address;
    process.env.TEMPORAL_UI_URL ??= devServer.uiUrl;
    const server = devServer;
    stops.push(() => stopTemporalDevServer(server));
  } else {
    const connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS });
    const added = await ensureSearchAttributes(connection, process.env.TEMPORAL_NAMESPACE ?? 'default');
    if (added.length > 0) console.log(`registered search attributes: ${added.join(', ')}`);
    await connection.close();
  }
  process.env.MAILROUTE_SECRET_KEY ??= persistentSecret(path.join(DATA, 'secret-key'), () => randomBytes(32).toString('base64'));
  process.env.MAILROUTE_ADMIN_PASSWORD ??= persistentSecret(path.join(DATA, 'admin-password'), () => randomBytes(12).toString('base64url'));

  const api = await runApi();
  const worker: ChildProcess = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'worker.ts')], {
    env: process.env,
    stdio: 'inherit',
  });
  stops.unshift(async () => {
    if (worker.exitCode === null) {
      worker.kill('SIGTERM');
      await new Promise((resolve) => worker.once('exit', resolve));
    }
  });
  stops.unshift(() => api.close());

  console.log(`
mailroute is running (up in ${((Date.now() - startedAt) / 1000).toFixed(1)} s)
  API            ${api.url}/api
  OpenAPI docs   ${api.url}/docs   (document: ${api.url}/openapi.json)
  Temporal UI    ${process.env.TEMPORAL_UI_URL ?? '(external Temporal: see your own Web UI)'}
  Temporal       ${process.env.TEMPORAL_ADDRESS}
  Admin login    ${process.env.MAILROUTE_ADMIN_EMAIL ?? 'admin@mailroute.local'} / password in .data/admin-password (unless MAILROUTE_ADMIN_PASSWORD is set)
Press Ctrl+C to stop.`);

  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    for (const stop of stops) await stop().catch((error) => console.error(error));
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  worker.once('exit', (code) => {
    if (!stopping) {
      console.error(`worker exited with code ${code}; stopping`);
      void shutdown();
    }
  });
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
