/**
 * GET /health says whether the API is ready and, when it is not, which dependency failed and why: the database and
 * Temporal make it unready; active accounts without a connected watcher are named as a warning only.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import { createApp } from '../../api/app';
import { createLogger } from '../../platform/logger';
import { createOutboundGuard, parseOutboundAllowList } from '../../platform/outbound';
import { createSecretBox } from '../../platform/secrets';
import { freePort } from '../../scripts/services/process-tools';
import { createWatcherControl } from '../../services/mailbox-watchers';
import { createDatabase, type Database } from '../../store/db';
import { uniqueAccountKey, useTestPlatform } from '../support/platform';
import { testEnvironment } from '../support/test-environment';

jest.setTimeout(120_000);

// A database of its own: the watchers check lists accounts by key, and other files' accounts would crowd ours out.
const platform = useTestPlatform({ worker: false, ownDatabase: true });

interface CheckResult {
  status: 'ok' | 'warn' | 'fail';
  reason?: string;
  accounts?: { key: string }[];
}

interface Readiness {
  status: 'ready' | 'unready';
  checks: { database: CheckResult; temporal: CheckResult; watchers: CheckResult };
}

async function readiness(baseUrl: string): Promise<{ status: number; body: Readiness; ms: number }> {
  const started = Date.now();
  const response = await fetch(`${baseUrl}/health`);
  return { status: response.status, body: (await response.json()) as Readiness, ms: Date.now() - started };
}

/** The API as api/server.ts builds it, on the dependencies given (live events are not what is checked here). */
async function apiOn(deps: { db: Database; temporal: Client }): Promise<{ url: string; close(): Promise<void> }> {
  const app = createApp({
    ...deps,
    liveEvents: { subscribe: () => () => undefined, publish: async () => undefined } as never,
    secrets: createSecretBox(testEnvironment().secretKey),
    logger: createLogger({ level: 'silent' }),
    watchers: createWatcherControl(deps.temporal, { taskQueue: 'readiness-test', heartbeatTimeoutSeconds: 5 }),
    links: { namespace: 'default' },
    outbound: createOutboundGuard({ allow: parseOutboundAllowList('') }),
  });
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

test('a platform whose database and Temporal answer is ready, each check saying ok', async () => {
  const { status, body } = await readiness(platform.apiUrl);
  expect(status).toBe(200);
  expect(body.status).toBe('ready');
  expect(body.checks.database).toEqual({ status: 'ok' });
  expect(body.checks.temporal).toEqual({ status: 'ok' });
  expect(body.checks.watchers.status).toBe('ok');
});

test('an active account whose watcher is not connected is named as a warning, and the API stays ready', async () => {
  const key = uniqueAccountKey();
  await platform.db.emailAccount.create({
    data: { key, name: `Readiness ${key}`, emailAddress: `${key.toLowerCase()}@test.invalid`, active: true },
  });
  const { status, body } = await readiness(platform.apiUrl);
  expect(status).toBe(200);
  expect(body.status).toBe('ready');
  expect(body.checks.watchers.status).toBe('warn');
  expect(body.checks.watchers.reason).toContain(key);
  expect(body.checks.watchers.accounts).toEqual([{ key, lastError: null }]);
});

test('an API pointed at a closed Temporal port is unready, naming Temporal and its address, within a few seconds', async () => {
  const port = await freePort();
  const temporal = new Client({ connection: Connection.lazy({ address: `127.0.0.1:${port}` }) });
  const api = await apiOn({ db: platform.db, temporal });
  try {
    const { status, body, ms } = await readiness(api.url);
    expect(status).toBe(503);
    expect(body.status).toBe('unready');
    expect(body.checks.temporal.status).toBe('fail');
    expect(body.checks.temporal.reason).toContain(`Temporal at 127.0.0.1:${port}`);
    expect(body.checks.database).toEqual({ status: 'ok' });
    expect(ms).toBeLessThan(10_000);
  } finally {
    await api.close();
    // The SDK's gRPC retries (up to ten, with backoff) outlive the probe's answer; closing the channel under a pending
    // retry throws from its timer. Let them end first.
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    await temporal.connection.close();
  }
});

test('an API given a wrong DATABASE_URL is unready, naming the database and what it said', async () => {
  const url = new URL(testEnvironment().databaseUrl);
  url.pathname = '/mailroute_no_such_database';
  const db = createDatabase(url.toString(), { poolSize: 1 });
  const connection = await Connection.connect({ address: testEnvironment().temporalAddress });
  const api = await apiOn({ db, temporal: new Client({ connection }) });
  try {
    const { status, body } = await readiness(api.url);
    expect(status).toBe(503);
    expect(body.status).toBe('unready');
    expect(body.checks.database.status).toBe('fail');
    expect(body.checks.database.reason).toMatch(/^the database (failed|did not answer)/);
    expect(body.checks.database.reason).toContain('mailroute_no_such_database');
    // The watchers cannot be read either, but that only warns: the database check is the one that fails.
    expect(body.checks.watchers.status).toBe('warn');
    expect(body.checks.temporal).toEqual({ status: 'ok' });
  } finally {
    await api.close();
    await connection.close();
    await db.$disconnect();
  }
});
