/** The API process: applies migrations, makes sure watchers run for active accounts, and listens. */
import { Client, Connection } from '@temporalio/client';
import { Pool } from 'pg';
import { deployMigrations } from '../prisma/migrate';
import { loadConfig } from '../platform/config';
import { createStore } from '../store';
import { createDatabase } from '../store/db';
import { createLogger } from '../platform/logger';
import { createLiveEventHub } from '../platform/live-events';
import { createOutboundGuard, parseOutboundAllowList } from '../platform/outbound';
import { createSecretBox } from '../platform/secrets';
import { createApp } from './app';
import { closableServer } from './close-server';
import { hashPassword } from '../services/auth';
import { createWatcherControl } from '../services/mailbox-watchers';

export async function runApi(): Promise<{ url: string; close(): Promise<void> }> {
  const config = loadConfig();
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'mailroute-api', format: config.LOG_FORMAT });
  await deployMigrations({ databaseUrl: config.DATABASE_URL, log: (line: string, level) => logger[level](line) });
  const db = createDatabase(config.DATABASE_URL);
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  const watchers = createWatcherControl(temporal, {
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    heartbeatTimeoutSeconds: config.WATCHER_HEARTBEAT_SECONDS,
  });

  const store = createStore(db);
  if (config.MAILROUTE_ADMIN_PASSWORD && (await store.users.countWithRole('admin')) === 0) {
    if (await store.users.emailTaken(config.MAILROUTE_ADMIN_EMAIL.toLowerCase()))
      throw new Error(
        `cannot create the bootstrap admin: a user with ${config.MAILROUTE_ADMIN_EMAIL} exists already and is not an admin; set MAILROUTE_ADMIN_EMAIL to another address (or make that user an admin)`,
      );
    await store.users.create({
      name: 'Administrator',
      email: config.MAILROUTE_ADMIN_EMAIL.toLowerCase(),
      role: 'admin',
      passwordHash: await hashPassword(config.MAILROUTE_ADMIN_PASSWORD),
    });
    logger.info({ email: config.MAILROUTE_ADMIN_EMAIL }, 'bootstrap admin created');
  }
  for (const account of await store.accounts.listActive()) {
    await watchers.sync(account, 'created');
  }

  const pool = new Pool({ connectionString: config.DATABASE_URL, max: 2 });
  const liveEvents = await createLiveEventHub(pool);
  const app = createApp({
    liveEvents,
    db,
    temporal,
    secrets: createSecretBox(config.MAILROUTE_SECRET_KEY, config.MAILROUTE_PREVIOUS_SECRET_KEYS.split(',')),
    logger,
    watchers,
    links: { temporalUiUrl: config.TEMPORAL_UI_URL, namespace: config.TEMPORAL_NAMESPACE },
    outbound: createOutboundGuard({ allow: parseOutboundAllowList(config.MAILROUTE_OUTBOUND_ALLOW) }),
    publicUrl: config.MAILROUTE_PUBLIC_URL,
    metricsToken: config.MAILROUTE_METRICS_TOKEN,
  });
  const server = app.listen(config.PORT, config.HOST);
  const closeServer = closableServer(server);
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const url = config.MAILROUTE_PUBLIC_URL ?? `http://${config.HOST}:${port}`;
  logger.info({ url }, 'API listening');
  return {
    url,
    async close() {
      await closeServer();
      await liveEvents.close();
      await pool.end();
      await connection.close();
      await db.$disconnect();
    },
  };
}

if (require.main === module) {
  runApi().then(
    (api) => {
      // Under `npm start` the supervisor waits for this before it starts the worker (scripts/start.ts).
      process.send?.({ kind: 'api-ready', url: api.url });
      let closing = false;
      const stop = () => {
        if (closing) return;
        closing = true;
        api.close().then(
          () => process.exit(0),
          (error: unknown) => {
            console.error(error);
            process.exit(1);
          },
        );
      };
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, stop);
    },
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
