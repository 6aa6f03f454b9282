/**
 * `npm run bench:desk`: list and search latency of the interactions API on 100,000 seeded interactions,
 * through the real HTTP server and PostgreSQL, plus the query plans (EXPLAIN) that show which index serves
 * each search. Prints a table and writes bench/results/desk.json. Not part of `npm test`.
 *
 * Uses DATABASE_URL's server when set (it creates and drops its own database), else a private cluster.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client as TemporalClient } from '@temporalio/client';
import { Client as PgClient } from 'pg';
import { createApp } from '../api/app';
import { createOutboundGuard, parseOutboundAllowList } from '../platform/outbound';
import { issueToken } from '../services/auth';
import { createStore } from '../store';
import { createDatabase } from '../store/db';
import { createLogger } from '../platform/logger';
import { createSecretBox } from '../platform/secrets';
import { applyMigrations } from '../prisma/migrate';
import { serverStateDir } from '../scripts/services/process-tools';
import { startPostgres } from '../scripts/services/postgres';

const INTERACTIONS = Number(process.env.BENCH_INTERACTIONS ?? 100_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 200);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main() {
  const serverUrl =
    process.env.DATABASE_URL ?? (await startPostgres({ dataDir: serverStateDir(path.resolve(__dirname, '../.data/bench-postgres')) })).url;
  const databaseName = `mailroute_bench_${randomBytes(4).toString('hex')}`;
  const admin = new PgClient({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${databaseName}`);
  const url = new URL(serverUrl);
  url.pathname = `/${databaseName}`;
  const databaseUrl = url.toString();
  try {
    await applyMigrations({ databaseUrl, log: () => undefined });
    const sql = new PgClient({ connectionString: databaseUrl });
    await sql.connect();
    const seedStarted = Date.now();
    await sql.query(
      `INSERT INTO "EmailAccount" (name, key, "emailAddress", "updatedAt") VALUES ('Bench', 'BENCH', 'bench@example.test', now()), ('Other', 'OTHER', 'other@example.test', now())`,
    );
    await sql.query(
      `INSERT INTO "User" (name, email, role, "updatedAt") SELECT 'Agent ' || g, 'agent' || g || '@bench.test', 'agent', now() FROM generate_series(1, 50) g`,
    );
    await sql.query(
      `INSERT INTO "Interaction" ("accountId", subject, "customerEmail", status, read, "agentId", priority, tags, "routingState", "createdAt", "lastMessageAt", "updatedAt")
       SELECT 1 + (g % 2), 'Order ' || g || CASE WHEN g % 97 = 0 THEN ' refund request' ELSE ' question' END, 'customer' || (g % 5000) || '@shop.test',
              (CASE WHEN g % 3 = 0 THEN 'closed' ELSE 'open' END)::"InteractionStatus", g % 4 = 0, 1 + (g % 50), g % 5,
              CASE WHEN g % 10 = 0 THEN ARRAY['vip'] ELSE ARRAY[]::text[] END, 'accepted',
              now() - (g || ' minutes')::interval, now() - (g || ' minutes')::interval, now()
       FROM generate_series(1, $1) g`,
      [INTERACTIONS],
    );
    await sql.query('ANALYZE');
    const seedSeconds = (Date.now() - seedStarted) / 1000;

    const db = createDatabase(databaseUrl);
    const app = createApp({
      db,
      temporal: new TemporalClient(),
      secrets: createSecretBox(randomBytes(32).toString('base64')),
      logger: createLogger({ level: 'silent' }),
      watchers: { sync: async () => undefined, taskQueue: 'bench' },
      liveEvents: { subscribe: () => () => undefined, publish: async () => undefined },
      links: { namespace: 'default' },
      outbound: createOutboundGuard({ allow: parseOutboundAllowList('') }),
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const adminUser = await db.user.create({ data: { name: 'Bench admin', email: 'admin@bench.test', role: 'admin' } });
    const { token } = await issueToken(createStore(db).tokens, { userId: adminUser.id, name: 'bench' });

    const searches: Record<string, object> = {
      'list, newest first (one account)': { accountId: 1 },
      'filter: open and unread': { accountId: 1, status: 'open', read: false },
      'filter: agent': { accountId: 1, agentId: 7 },
      'filter: tag vip': { accountId: 1, tags: ['vip'] },
      'advanced all: customer + subject contains': {
        accountId: 1,
        match: 'all',
        conditions: [
          { field: 'customerEmail', operator: 'equals', value: 'customer42@shop.test' },
          { field: 'subject', operator: 'contains', value: 'order' },
        ],
      },
      'advanced any: subject contains "refund" or priority > 3': {
        match: 'any',
        conditions: [
          { field: 'subject', operator: 'contains', value: 'refund' },
          { field: 'priority', operator: 'greaterThan', value: 3 },
        ],
      },
      'page 20 (cursor)': { accountId: 1, page: 20 },
    };
    const results: Array<{ search: string; p50: number; p95: number; rows: number }> = [];
    for (const [name, body] of Object.entries(searches)) {
      const { page, ...request } = body as { page?: number };
      let cursor: string | undefined;
      for (let index = 1; index < (page ?? 1); index++) {
        const response = (await (await post(apiUrl, token, { ...request, ...(cursor ? { cursor } : {}) })).json()) as {
          nextCursor: string;
        };
        cursor = response.nextCursor;
      }
      const timings: number[] = [];
      let rows = 0;
      for (let index = 0; index < REQUESTS; index++) {
        const started = performance.now();
        const response = await post(apiUrl, token, { ...request, ...(cursor ? { cursor } : {}) });
        const json = (await response.json()) as { items: unknown[] };
        timings.push(performance.now() - started);
        rows = json.items.length;
      }
      timings.sort((a, b) => a - b);
      results.push({ search: name, p50: round(percentile(timings, 50)), p95: round(percentile(timings, 95)), rows });
    }

    const plans: Record<string, string> = {};
    for (const [name, query] of Object.entries({
      list: `SELECT id FROM "Interaction" WHERE "accountId" IN (1) ORDER BY "createdAt" DESC, id DESC LIMIT 51`,
      agent: `SELECT id FROM "Interaction" WHERE "accountId" IN (1) AND "agentId" = 7 ORDER BY "createdAt" DESC, id DESC LIMIT 51`,
    })) {
      const plan = await sql.query(`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) ${query}`);
      plans[name] = plan.rows.map((row: Record<string, string>) => row['QUERY PLAN']).join('\n');
    }

    const report = {
      date: new Date().toISOString(),
      machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.release()}`,
      node: process.version,
      postgres: (await sql.query('SHOW server_version')).rows[0].server_version,
      interactions: INTERACTIONS,
      requestsPerSearch: REQUESTS,
      seedSeconds,
      results,
      plans,
    };
    const outputDir = path.resolve(__dirname, 'results');
    mkdirSync(outputDir, { recursive: true });
    writeFileSync(path.join(outputDir, 'desk.json'), `${JSON.stringify(report, null, 2)}\n`);
    console.log(
      `\nInteractions list/search on ${INTERACTIONS.toLocaleString('en')} interactions (${REQUESTS} requests each, loopback HTTP)`,
    );
    console.log(`${report.machine}; Node ${report.node}; PostgreSQL ${report.postgres}; ${report.date}\n`);
    console.log('| search | p50 ms | p95 ms | rows |\n| --- | ---: | ---: | ---: |');
    for (const result of results) console.log(`| ${result.search} | ${result.p50} | ${result.p95} | ${result.rows} |`);
    for (const [name, plan] of Object.entries(plans)) console.log(`\nEXPLAIN ${name}:\n${plan}`);

    server.closeAllConnections();
    server.close();
    await db.$disconnect();
    await sql.end();
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
    await admin.end();
  }
}

function post(apiUrl: string, token: string, body: object) {
  return fetch(`${apiUrl}/api/interactions/search`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
