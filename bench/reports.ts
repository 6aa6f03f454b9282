/**
 * `npm run bench:reports`: latency of the reports API on 1,000,000 seeded interactions (a year of five accounts, with
 * their customer emails, offers, sent replies and autoreplies, routing events, transfers and SLA targets), through the
 * real HTTP server and PostgreSQL. Each report (summary, per agent, per queue) runs over a day, a week, a month and a
 * quarter, for an account, a queue and an agent. Prints a table and writes bench/results/reports.json. Not part of
 * `npm test`.
 *
 * The seed is bulk SQL (generate_series) with the report triggers off, then report_rebuild() fills the report tables
 * at once, as the migration does for an existing database.
 *
 * Uses DATABASE_URL's server when set (it creates and drops its own database), else a private cluster.
 * BENCH_INTERACTIONS and BENCH_REQUESTS change the size and the requests per case; BENCH_KEEP_DATABASE=1 keeps the
 * database (its URL is printed) to try queries on.
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

const INTERACTIONS = Number(process.env.BENCH_INTERACTIONS ?? 1_000_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 20);
const ACCOUNTS = 5;
const AGENTS_PER_ACCOUNT = 20;
/** The year the interactions spread over, ending here. */
const END = '2026-11-01T00:00:00Z';

/** Bulk seed: one statement per table, each row derived from the interaction number g. */
const SEED = [
  `INSERT INTO "EmailAccount" (name, key, "emailAddress", "updatedAt")
   SELECT 'Bench ' || a, 'B' || a, 'bench' || a || '@example.test', now() FROM generate_series(1, ${ACCOUNTS}) a`,
  `INSERT INTO "Queue" (name, "updatedAt") SELECT 'Queue ' || q, now() FROM generate_series(1, ${ACCOUNTS * 2}) q`,
  `INSERT INTO "AccountQueue" ("accountId", "queueId") SELECT 1 + (q - 1) / 2, q FROM generate_series(1, ${ACCOUNTS * 2}) q`,
  `INSERT INTO "User" (name, email, role, "updatedAt")
   SELECT 'Agent ' || u, 'agent' || u || '@bench.test', 'agent', now() FROM generate_series(1, ${ACCOUNTS * AGENTS_PER_ACCOUNT}) u`,
  `INSERT INTO "AccountAgent" ("accountId", "userId") SELECT 1 + (u - 1) / ${AGENTS_PER_ACCOUNT}, u FROM generate_series(1, ${ACCOUNTS * AGENTS_PER_ACCOUNT}) u`,
  `INSERT INTO "Disposition" ("accountId", name) SELECT 1 + (d - 1) / 3, 'Disposition ' || d FROM generate_series(1, ${ACCOUNTS * 3}) d`,
  // A year of interactions, evenly spread; 90 % accepted, 80 % closed (a third of them with a disposition).
  `INSERT INTO "Interaction" (id, "accountId", subject, "customerEmail", status, "agentId", "queueId", "dispositionId", "routingState",
     "createdAt", "closedAt", "lastMessageAt", "updatedAt")
   SELECT g, 1 + g % ${ACCOUNTS}, 'Order ' || g, 'customer' || (g % 50000) || '@shop.test',
          (CASE WHEN g % 5 <> 0 AND g % 10 <> 9 THEN 'closed' ELSE 'open' END)::"InteractionStatus",
          CASE WHEN g % 10 <> 9 THEN 1 + (g % ${ACCOUNTS}) * ${AGENTS_PER_ACCOUNT} + (g / 7) % ${AGENTS_PER_ACCOUNT} END,
          1 + (g % ${ACCOUNTS}) * 2 + (g / 5) % 2,
          CASE WHEN g % 5 <> 0 AND g % 10 <> 9 AND g % 3 = 0 THEN 1 + (g % ${ACCOUNTS}) * 3 + (g / 3) % 3 END,
          CASE WHEN g % 10 <> 9 THEN 'closed' ELSE 'waiting-for-agents' END,
          t, CASE WHEN g % 5 <> 0 AND g % 10 <> 9 THEN t + ((60 + (g::bigint * 7919) % 86400) || ' seconds')::interval END, t, now()
   FROM (SELECT g, timestamp '${END}' - ((g::float8 / $1) * 365 * 86400 || ' seconds')::interval AS t
         FROM generate_series(1, $1) g) s`,
  // Every interaction's customer email, and a second one for half of them an hour later.
  `INSERT INTO "Message" ("interactionId", "accountId", direction, "receivedAt", "createdAt")
   SELECT id, "accountId", 'inbound', "createdAt", "createdAt" FROM "Interaction"`,
  `INSERT INTO "Message" ("interactionId", "accountId", direction, "receivedAt", "createdAt")
   SELECT id, "accountId", 'inbound', "createdAt" + interval '1 hour', "createdAt" FROM "Interaction" WHERE id % 2 = 0`,
  // The accepted offer (10 s to 2 h after arrival) and, for a third, one an agent let time out before it.
  `INSERT INTO "Offer" ("interactionId", "messageId", "userId", "workflowId", reservation, source, "queueId", state, "createdAt", "expiresAt", "respondedAt")
   SELECT id, id, "agentId", 'wf-' || id, 'a', 'queue-step', "queueId", 'accepted', "createdAt", "createdAt" + interval '2 hours',
          "createdAt" + ((10 + (id::bigint * 104729) % 7200) || ' seconds')::interval
   FROM "Interaction" WHERE "agentId" IS NOT NULL`,
  `INSERT INTO "Offer" ("interactionId", "messageId", "userId", "workflowId", reservation, source, "queueId", state, "createdAt", "expiresAt", "respondedAt")
   SELECT id, id, 1 + ("agentId" % ${ACCOUNTS * AGENTS_PER_ACCOUNT}), 'wf-' || id, 't', 'queue-step', "queueId", 'timeout', "createdAt", "createdAt" + interval '30 seconds', NULL
   FROM "Interaction" WHERE "agentId" IS NOT NULL AND id % 3 = 0`,
  // The agent's reply for 85 %, an autoreply for 40 %.
  `INSERT INTO "OutboundEmail" ("interactionId", "accountId", kind, "authorId", "messageIdHeader", status, envelope, "sentAt", "createdAt", "updatedAt")
   SELECT i.id, i."accountId", 'reply', i."agentId", '<r' || i.id || '@bench.test>', 'sent', '{}', o."respondedAt" + ((30 + (i.id * 31) % 3600) || ' seconds')::interval, now(), now()
   FROM "Interaction" i JOIN "Offer" o ON o."interactionId" = i.id AND o.state = 'accepted' WHERE i.id % 20 <> 7`,
  `INSERT INTO "OutboundEmail" ("interactionId", "accountId", kind, "messageIdHeader", status, envelope, "sentAt", "createdAt", "updatedAt")
   SELECT id, "accountId", 'autoreply', '<a' || id || '@bench.test>', 'sent', '{}', "createdAt" + interval '3 seconds', now(), now()
   FROM "Interaction" WHERE id % 5 < 2`,
  // The routing story: accepted (and closed) for each, a transfer for 5 %.
  `INSERT INTO "RoutingEvent" ("interactionId", type, detail, "createdAt")
   SELECT "interactionId", 'accepted', json_build_object('agentId', "userId"), "respondedAt" FROM "Offer" WHERE state = 'accepted'`,
  `INSERT INTO "RoutingEvent" ("interactionId", type, detail, "createdAt")
   SELECT id, 'closed', '{}', "closedAt" FROM "Interaction" WHERE "closedAt" IS NOT NULL`,
  `INSERT INTO "RoutingEvent" ("interactionId", type, detail, "createdAt")
   SELECT id, 'transfer-started', json_build_object('fromAgentId', "agentId"), "createdAt" + interval '20 minutes'
   FROM "Interaction" WHERE "agentId" IS NOT NULL AND id % 20 = 3`,
  // A first-response target for 60 %: met by the reply when it came within an hour, else breached.
  `INSERT INTO "interaction_sla" ("interactionId", target, cycle, "startedAt", "dueAt", "metAt", "breachedAt")
   SELECT i.id, 'first-response', 0, i."createdAt", i."createdAt" + interval '1 hour', e."sentAt",
          CASE WHEN e."sentAt" IS NULL OR e."sentAt" > i."createdAt" + interval '1 hour' THEN i."createdAt" + interval '1 hour' END
   FROM "Interaction" i LEFT JOIN "OutboundEmail" e ON e."interactionId" = i.id AND e.kind = 'reply' WHERE i.id % 5 < 3`,
];

const RANGES = {
  day: { from: '2026-10-15', to: '2026-10-15' },
  week: { from: '2026-10-05', to: '2026-10-11' },
  month: { from: '2026-09-01', to: '2026-09-30' },
  quarter: { from: '2026-07-01', to: '2026-09-30' },
};
const SCOPES = { account: 'accountId=1', queue: 'queueId=2', agent: 'agentId=8' };
const REPORTS = ['summary', 'agents', 'queues'];

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
    // Dropping the database at the end ends this connection: not an error.
    sql.on('error', () => undefined);
    await sql.connect();
    const seedStarted = Date.now();
    const triggered = ['Interaction', 'Message', 'Offer', 'OutboundEmail', 'RoutingEvent', 'interaction_sla'];
    for (const table of triggered) await sql.query(`ALTER TABLE "${table}" DISABLE TRIGGER USER`);
    for (const statement of SEED) await sql.query(statement, statement.includes('$1') ? [INTERACTIONS] : []);
    for (const table of triggered) await sql.query(`ALTER TABLE "${table}" ENABLE TRIGGER USER`);
    await sql.query(`SELECT setval(pg_get_serial_sequence('"Interaction"', 'id'), $1)`, [INTERACTIONS]);
    const seedSeconds = (Date.now() - seedStarted) / 1000;
    await sql.query('ANALYZE');
    const rebuildStarted = Date.now();
    await sql.query('SELECT report_rebuild()');
    await sql.query('VACUUM ANALYZE');
    const rebuildSeconds = (Date.now() - rebuildStarted) / 1000;
    const counts: Record<string, number> = {};
    for (const table of ['Interaction', 'Message', 'Offer', 'OutboundEmail', 'RoutingEvent', 'interaction_sla', 'ReportActivity'])
      counts[table] = Number((await sql.query(`SELECT count(*) AS n FROM "${table}"`)).rows[0].n);
    console.log(`seeded in ${seedSeconds} s, report tables rebuilt in ${rebuildSeconds} s:`, counts);

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

    // The machine is shared: its load average before and after the requests says how much the figures owe to others.
    const loadBefore = os.loadavg()[0]!;
    const results: Array<{ report: string; range: string; scope: string; p50: number; p95: number; rows: number }> = [];
    for (const report of REPORTS)
      for (const [rangeName, range] of Object.entries(RANGES))
        for (const [scopeName, scope] of Object.entries(SCOPES)) {
          const address = `${apiUrl}/api/reports/${report}?from=${range.from}&to=${range.to}&tz=Europe/Rome&${scope}`;
          const timings: number[] = [];
          let rows = 0;
          for (let index = 0; index < REQUESTS + 1; index++) {
            const started = performance.now();
            const response = await fetch(address, { headers: { authorization: `Bearer ${token}` } });
            const json = (await response.json()) as { rows?: unknown[]; volumes?: { newInteractions: number } };
            if (response.status !== 200) throw new Error(`${address}: ${response.status} ${JSON.stringify(json)}`);
            // The first request warms the connection pool and the cache: not counted.
            if (index > 0) timings.push(performance.now() - started);
            rows = json.rows?.length ?? json.volumes?.newInteractions ?? 0;
          }
          timings.sort((a, b) => a - b);
          results.push({
            report,
            range: rangeName,
            scope: scopeName,
            p50: round(percentile(timings, 50)),
            p95: round(percentile(timings, 95)),
            rows,
          });
          console.log(
            `${report} ${rangeName} ${scopeName}: p50 ${round(percentile(timings, 50))} ms, p95 ${round(percentile(timings, 95))} ms`,
          );
        }

    const report = {
      date: new Date().toISOString(),
      machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.release()}`,
      node: process.version,
      postgres: (await sql.query('SHOW server_version')).rows[0].server_version,
      interactions: INTERACTIONS,
      rows: counts,
      requestsPerCase: REQUESTS,
      seedSeconds,
      rebuildSeconds,
      loadAverage: { before: round(loadBefore), after: round(os.loadavg()[0]!), cores: os.cpus().length },
      worstP95: Math.max(...results.map((result) => result.p95)),
      results,
    };
    const outputDir = path.resolve(__dirname, 'results');
    mkdirSync(outputDir, { recursive: true });
    writeFileSync(path.join(outputDir, 'reports.json'), `${JSON.stringify(report, null, 2)}\n`);
    console.log(
      `\nReports on ${INTERACTIONS.toLocaleString('en')} interactions (${REQUESTS} requests each, loopback HTTP, Europe/Rome days)`,
    );
    console.log(`${report.machine}; Node ${report.node}; PostgreSQL ${report.postgres}; ${report.date}\n`);
    console.log(
      '| report | range | scope | p50 ms | p95 ms | rows (summary: new interactions) |\n| --- | --- | --- | ---: | ---: | ---: |',
    );
    for (const result of results)
      console.log(`| ${result.report} | ${result.range} | ${result.scope} | ${result.p50} | ${result.p95} | ${result.rows} |`);
    console.log(
      `\nworst p95: ${report.worstP95} ms (target 500 ms); load average ${report.loadAverage.before} → ${report.loadAverage.after}`,
    );

    server.closeAllConnections();
    server.close();
    await db.$disconnect();
    await sql.end();
  } catch (error) {
    console.error(error);
    process.exitCode = 1;
  } finally {
    if (process.env.BENCH_KEEP_DATABASE) console.log(`kept ${databaseUrl}`);
    else await admin.query(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
    await admin.end();
  }
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
