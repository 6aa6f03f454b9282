/**
 * The worker process: composition root only. It runs the routing and watcher workflows and all activities on the
 * shared task queue, and the watches of accounts pinned to its host (MAILROUTE_HOSTNAME) on that host's own queue.
 * `WORKFLOW_BUNDLE_PATH` selects a prebuilt workflow bundle (production, tests).
 */
import http from 'node:http';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { Pool } from 'pg';
import { createRoutingActivities } from './activities/routing';
import { createOutboxActivities } from './activities/outbox';
import { createHttpActivities } from './activities/http';
import { createQuarantineActivities } from './activities/quarantine';
import { createUncertainSendActivities } from './activities/uncertain-sends';
import { vanishedRowsAreNotFound } from './activities/failures';
import { createImapActivities } from './activities/imap';
import { createPlacementActivities } from './activities/placement';
import { createSlaActivities } from './activities/sla';
import { createSlaEscalations } from './services/sla-escalations';
import { createSlaWebhookDeliverer, startSlaWebhookDelivery } from './services/sla-webhooks';
import { createDispatcher } from './services/dispatch';
import { createPresence } from './services/presence';
import { startRoutingSweeper } from './services/routing-sweeper';
import { resumeUnassigned } from './services/start-routing';
import { createSmtpActivities } from './activities/smtp';
import { loadConfig } from './platform/config';
import { createDatabase } from './store/db';
import { createStore } from './store';
import { createOutboundLock } from './store/outbound-lock';
import { createIngestAndRoute } from './services/ingest-and-route';
import { createRoutingEvents } from './services/routing-events';
import { createLogger, temporalLogger } from './platform/logger';
import { checkReadiness, databaseCheck, workersCheck } from './services/readiness';
import { createPgEventBus } from './platform/live-events';
import { createWorkerMetricsHandler, freeLoopbackPort, platformMetrics, temporalSdkMetrics } from './platform/metrics';
import { createSecretBox } from './platform/secrets';
import { createOAuth2TokenSource } from './platform/oauth2';
import { createOutboundGuard, parseOutboundAllowList } from './platform/outbound';
import { watcherTaskQueue } from './services/mailbox-watchers';

export async function runWorker(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'mailroute-worker', format: config.LOG_FORMAT });
  // Before any native connection: the SDK's lines, its Rust core's and workflow/activity `log` calls come out as ours.
  // The SDK's worker metrics on a loopback port; the health server's /metrics appends them to ours.
  const sdkMetricsPort = config.TEMPORAL_METRICS_PORT || (await freeLoopbackPort());
  Runtime.install({
    logger: temporalLogger(logger),
    telemetryOptions: {
      logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} },
      metrics: temporalSdkMetrics(sdkMetricsPort),
    },
  });
  const db = createDatabase(config.DATABASE_URL, { poolSize: config.WORKER_DATABASE_CONNECTIONS });
  const pool = new Pool({ connectionString: config.DATABASE_URL, max: 10 });
  const secrets = createSecretBox(config.MAILROUTE_SECRET_KEY, config.MAILROUTE_PREVIOUS_SECRET_KEYS.split(','));
  const clientConnection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  const temporal = new Client({ connection: clientConnection, namespace: config.TEMPORAL_NAMESPACE });
  const workerConnection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });

  const store = createStore(db);
  const outbound = createOutboundGuard({ allow: parseOutboundAllowList(config.MAILROUTE_OUTBOUND_ALLOW) });
  const oauth2Tokens = createOAuth2TokenSource({ outbound });
  const events = createPgEventBus(pool);
  const routingEvents = createRoutingEvents({ store: store.routingEvents, events });
  // Routing workflows started by this process's mailbox watch run their first task here at once (eager start): the
  // starting client shares the worker's connection.
  const starter = new Client({ connection: workerConnection, namespace: config.TEMPORAL_NAMESPACE });
  const ingest = createIngestAndRoute({ store, temporal: starter, taskQueue: config.TEMPORAL_TASK_QUEUE, eager: true });

  const warn = (message: string, detail: Record<string, unknown>) => logger.warn(detail, message);
  const dispatcher = createDispatcher({ dispatch: store.dispatch, temporal, events, warn });
  const presence = createPresence({ store, temporal, dispatcher });
  const agentHooks = {
    onAgentPaused: (agentId: number) => presence.agentUnavailable(agentId),
    onAgentsFreed: (agentIds: number[]) => presence.agentsFreed(agentIds),
  };

  // SLA escalations' webhooks: delivered from their rows, at once after an escalation and retried every few seconds.
  const slaWebhooks = startSlaWebhookDelivery(createSlaWebhookDeliverer({ store: store.sla, outbound, warn }), 5_000, warn);
  const slaEscalations = createSlaEscalations({ store: store.sla, events, metrics: platformMetrics, onWebhooks: slaWebhooks.kick });

  const activities = {
    ...createRoutingActivities({ store, events, routingEvents, ...agentHooks }),
    ...createPlacementActivities({
      placement: store.placement,
      offerAnswers: store.offerAnswers,
      dispatcher,
      routingEvents,
      ...agentHooks,
    }),
    ...createOutboxActivities({ store, routingEvents }),
    ...createUncertainSendActivities({ store, routingEvents }),
    ...createSmtpActivities({ store, withOutboundLock: createOutboundLock(pool), secrets, oauth2Tokens }),
    ...createHttpActivities({ store, outbound }),
    ...createSlaActivities({ store, escalations: slaEscalations }),
    ...createQuarantineActivities({ store, ingest }),
    ...createImapActivities({
      store,
      ingest,
      secrets,
      oauth2Tokens,
      logger,
      maxEmailBytes: config.MAX_EMAIL_BYTES,
      maxAttachmentBytes: config.MAX_ATTACHMENT_BYTES,
    }),
  };
  const bundlePath = process.env.WORKFLOW_BUNDLE_PATH;
  const common = {
    connection: workerConnection,
    namespace: config.TEMPORAL_NAMESPACE,
    // Says which host ran a task (the Web UI shows it on each activity): the name accounts are pinned to.
    identity: `${process.pid}@${config.MAILROUTE_HOSTNAME}`,
    ...(bundlePath ? { workflowBundle: { codePath: bundlePath } } : { workflowsPath: require.resolve('./workflows') }),
    activities,
    interceptors: { activity: [() => ({ inbound: vanishedRowsAreNotFound })] },
  };
  // The watches of accounts pinned to this host; the routing workflows they start go to the shared queue.
  const hostWorker = await Worker.create({
    ...common,
    taskQueue: watcherTaskQueue(config.TEMPORAL_TASK_QUEUE, config.MAILROUTE_HOSTNAME),
    maxCachedWorkflows: 100,
    shutdownGraceTime: '5 seconds',
  });
  const worker = await Worker.create({
    ...common,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    // Activities and local activities wait on the database pool: more in flight than connections only queue.
    maxConcurrentActivityTaskExecutions: 100,
    maxConcurrentLocalActivityExecutions: config.WORKER_DATABASE_CONNECTIONS * 2,
    maxCachedWorkflows: config.WORKER_CACHED_WORKFLOWS,
    shutdownGraceTime: '5 seconds',
    // A dead worker's workflows move to another worker after this (default 10 s).
    stickyQueueScheduleToStartTimeout: '3 seconds',
  });

  const sweeper = startRoutingSweeper({
    dispatch: store.dispatch,
    offerAnswers: store.offerAnswers,
    dispatcher,
    warn,
    stranded: {
      find: (limit) => store.unassigned.stranded(limit),
      resume: (interaction) => resumeUnassigned({ store, temporal, taskQueue: config.TEMPORAL_TASK_QUEUE }, interaction),
    },
  });
  const readinessChecks = {
    workers: workersCheck({
      [config.TEMPORAL_TASK_QUEUE]: worker,
      [watcherTaskQueue(config.TEMPORAL_TASK_QUEUE, config.MAILROUTE_HOSTNAME)]: hostWorker,
    }),
    database: databaseCheck(store),
  };
  const serveMetrics = createWorkerMetricsHandler({
    sdkMetricsUrl: `http://127.0.0.1:${sdkMetricsPort}/metrics`,
    token: config.MAILROUTE_METRICS_TOKEN,
  });
  const health = http.createServer((request, response) => {
    if (request.url?.split('?')[0] === '/metrics') return void serveMetrics(request, response);
    void checkReadiness(readinessChecks).then((readiness) => {
      response.writeHead(readiness.status === 'ready' ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      response.end(JSON.stringify(readiness));
    });
  });
  health.listen(config.HEALTH_PORT, config.HOST);

  // A stop often arrives twice (a terminal's Ctrl-C reaches the whole process group, then `npm start` sends SIGTERM):
  // shut down once, and keep listening, so a repeated signal neither throws (shutdown() outside RUNNING) nor, with
  // no listener left, kills the draining worker.
  const shutdown = () => {
    for (const running of [worker, hostWorker]) if (running.getState() === 'RUNNING') running.shutdown();
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, shutdown);
  logger.info(
    { taskQueue: config.TEMPORAL_TASK_QUEUE, hostname: config.MAILROUTE_HOSTNAME, temporal: config.TEMPORAL_ADDRESS },
    'worker running',
  );
  try {
    // One stopping stops both: a worker half running would keep its host's watches without routing, or the reverse.
    const ended = await Promise.allSettled([worker.run().finally(shutdown), hostWorker.run().finally(shutdown)]);
    for (const result of ended) if (result.status === 'rejected') throw result.reason;
  } finally {
    sweeper.stop();
    await slaWebhooks.stop();
    health.close();
    await clientConnection.close();
    await workerConnection.close();
    await pool.end();
    await db.$disconnect();
  }
}

if (require.main === module) {
  runWorker().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
