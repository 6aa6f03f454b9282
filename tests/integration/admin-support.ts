/**
 * The API alone (no worker) over real PostgreSQL and Temporal, on port 0, for the admin API tests;
 * its pino output is captured so a test can read every log line.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { Client, Connection } from '@temporalio/client';
import type { Express } from 'express';
import { createApp } from '../../api/app';
import { issueToken } from '../../services/auth';
import { createStore } from '../../store';
import { createWatcherControl } from '../../services/mailbox-watchers';
import { createDatabase, type Database } from '../../store/db';
import { createLogger } from '../../platform/logger';
import { createSecretBox } from '../../platform/secrets';
import { createOutboundGuard, parseOutboundAllowList } from '../../platform/outbound';
import { TEST_OUTBOUND_ALLOW, testEnvironment } from '../support/test-environment';

export type Role = 'admin' | 'supervisor' | 'agent';

export interface Reply {
  status: number;
  body: any;
  headers: Headers;
}

export function client(baseUrl: string, token?: string) {
  return async function call(method: string, route: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
    const response = await fetch(`${baseUrl}${route}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON (e.g. /docs): keep the text
    }
    return { status: response.status, body: parsed, headers: response.headers };
  };
}
export type Call = ReturnType<typeof client>;

export interface AdminApi {
  url: string;
  app: Express;
  db: Database;
  temporal: Client;
  /** Every log line the API wrote, as text. */
  logs: string[];
  users: Record<Role, { id: number; call: Call; token: string }>;
  anonymous: Call;
  /** A new user of that role with a token. */
  newUser(role: Role): Promise<{ id: number; call: Call; token: string }>;
  close(): Promise<void>;
}

export function unique(): string {
  return randomBytes(4).toString('hex');
}

/** `databaseUrl`: a database of the test's own (a scratch one), for tests about platform-wide state. */
export async function startAdminApi(options: { databaseUrl?: string } = {}): Promise<AdminApi> {
  const environment = testEnvironment();
  const db = createDatabase(options.databaseUrl ?? environment.databaseUrl, { poolSize: 5 });
  const connection = await Connection.connect({ address: environment.temporalAddress });
  const temporal = new Client({ connection });
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logs.push(chunk.toString('utf8'));
      callback();
    },
  });
  const app = createApp({
    db,
    temporal,
    secrets: createSecretBox(environment.secretKey),
    logger: createLogger({ level: 'trace', name: 'admin-api-test', destination }),
    watchers: createWatcherControl(temporal, { taskQueue: `admin-${unique()}`, heartbeatTimeoutSeconds: 5 }),
    liveEvents: { subscribe: () => () => undefined, publish: async () => undefined },
    links: { namespace: 'default' },
    outbound: createOutboundGuard({ allow: parseOutboundAllowList(TEST_OUTBOUND_ALLOW) }),
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  async function newUser(role: Role) {
    const user = await db.user.create({ data: { name: `${role} ${unique()}`, email: `${role}-${unique()}@admin-test.invalid`, role } });
    const { token } = await issueToken(createStore(db).tokens, { userId: user.id, name: 'admin-test' });
    return { id: user.id, token, call: client(url, token) };
  }

  return {
    url,
    app,
    db,
    temporal,
    logs,
    users: { admin: await newUser('admin'), supervisor: await newUser('supervisor'), agent: await newUser('agent') },
    anonymous: client(url),
    newUser,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await connection.close();
      await db.$disconnect();
    },
  };
}

/** A fresh 5-character account key (parallel tests share one database). */
export function accountKey(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  return Array.from(randomBytes(5), (byte) => alphabet[byte % alphabet.length]).join('');
}

export function minimalAccount(overrides: Record<string, unknown> = {}) {
  const key = accountKey();
  return { name: `Support ${key}`, key, emailAddress: `support-${key.toLowerCase()}@example.test`, ...overrides };
}
