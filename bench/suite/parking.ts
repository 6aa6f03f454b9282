/**
 * Parking: a backlog of emails ingested and routed by the real path (APPENDed to the mailbox, then the account
 * activated) on a queue whose agents are all offline, until every one waits for an agent; then the platform's cost
 * while they wait (CPU and memory over a window, beside the same window before the backlog); then a new email to
 * another queue's idle agents; then the queue's agents come online and work the backlog off over the REST API, and
 * the offers are checked: made in the line's order (allowing for concurrent dispatches), never two accepted for one
 * interaction, never one interaction offered to two agents at once.
 */
import { Prisma } from '../../store/db';
import { openLiveEvents } from '../../tests/support/live-events';
import { testEnvironment } from '../../tests/support/test-environment';
import { createDesk, startAgents, type Desk } from '../support/desk';
import type { BenchPlatform } from '../support/platform';
import { rssMiB, startCpuWindow, type MeasuredProcess } from '../support/proc';
import { round, sleep } from '../support/stats';
import { bulkAppend, singles, type OfferClock } from './offers';
import type { BackendResult, BenchSizes } from './result';
import { drainOrder } from './queue-order';

export interface ParkingContext {
  platform: BenchPlatform;
  /** CPU windows: the worker, the Temporal server (and its database), the API, mailroute's PostgreSQL (read each time:
   * the worker process is replaced on the way). */
  measured: () => MeasuredProcess[];
  /** Whose memory is reported: the worker and the Temporal server. */
  memory: () => MeasuredProcess[];
  /** Another queue's desk with idle agents, and its offer clock, for the new email while the backlog waits. */
  idleDesk: Desk;
  idleClock: OfferClock;
  sizes: BenchSizes;
  log: (line: string) => void;
}

const rssOf = (memory: MeasuredProcess[]) => Object.fromEntries(memory.map((p) => [p.name, rssMiB(p.pid)]));

async function cpuAndMemory(memory: MeasuredProcess[], processes: MeasuredProcess[], seconds: number) {
  const maxRssMiB: Record<string, number | null> = rssOf(memory);
  const window = startCpuWindow(processes);
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    await sleep(Math.min(5000, end - Date.now()));
    for (const [name, value] of Object.entries(rssOf(memory))) if (value !== null) maxRssMiB[name] = Math.max(maxRssMiB[name] ?? 0, value);
  }
  return { cpu: window.end(), rssMiB: rssOf(memory), maxRssMiB };
}

async function waitingIn(platform: BenchPlatform, queueId: number): Promise<number> {
  return platform.db.routingWait.count({ where: { queueId } });
}

async function closedOf(platform: BenchPlatform, accountId: number): Promise<number> {
  return platform.db.interaction.count({ where: { accountId, status: 'closed' } });
}

export async function parking(context: ParkingContext): Promise<BackendResult['parking']> {
  const { platform, measured, memory, sizes, log } = context;
  const target = sizes.parked;
  const desk = await createDesk(platform, {
    dovecot: testEnvironment().dovecot,
    agents: sizes.drainAgents,
    capacity: 1,
    strategy: 'rrmemory',
    offerTimeoutSeconds: 3600,
    queueStepSeconds: 6 * 3600,
    online: false,
    activate: false,
  });
  const appendSeconds = await bulkAppend(desk, target, 'parked');
  log(`parking: ${target} emails in the mailbox (appended in ${round(appendSeconds)} s, ${round(target / appendSeconds)}/s)`);

  log(`parking: CPU and memory for ${sizes.parkedCpuSeconds} s before the backlog`);
  const before = await cpuAndMemory(memory(), measured(), sizes.parkedCpuSeconds);

  const t0 = performance.now();
  const activated = await platform.admin.patch(`/api/accounts/${desk.account.id}`, { active: true });
  if (activated.status !== 200) throw new Error(`activating the parking account: HTTP ${activated.status}`);
  const deadline = Date.now() + sizes.parkBudgetSeconds * 1000;
  let parked = 0;
  let lastLog = Date.now();
  while (parked < target && Date.now() < deadline) {
    await sleep(1000);
    parked = await waitingIn(platform, desk.queueId);
    if (Date.now() - lastLog > 30_000) {
      lastLog = Date.now();
      log(`parking: ${parked} waiting after ${round((performance.now() - t0) / 1000)} s`);
    }
  }
  const parkSeconds = round((performance.now() - t0) / 1000);
  log(`parking: ${parked} of ${target} waiting after ${parkSeconds} s (${round(parked / parkSeconds)}/s)`);

  // The last workflow tasks and activities settle before the quiet window.
  await sleep(5000);
  log(`parking: CPU and memory for ${sizes.parkedCpuSeconds} s while ${parked} wait`);
  const during = await cpuAndMemory(memory(), measured(), sizes.parkedCpuSeconds);

  log(`parking: ${sizes.parkedSingles} single emails to another queue's idle agents`);
  const newEmail = await singles(platform, context.idleDesk, context.idleClock, {
    count: sizes.parkedSingles,
    intervalMs: sizes.singleIntervalMs,
    label: 'beside the backlog',
  });

  // What the worker's memory is made of: a new worker process, same backlog, nothing in its workflow cache yet (a
  // parked interaction needs no workflow task until an agent frees up). The drain runs on this worker.
  await platform.replaceWorker();
  await sleep(10_000);
  const freshWorkerRssMiB = rssMiB(platform.worker.pid);
  log(`parking: worker RSS ${during.rssMiB.worker} MiB with its cache filled, ${freshWorkerRssMiB} MiB for a new worker process`);

  const drain = await drainBacklog(context, desk, parked);
  return {
    target,
    appended: target,
    appendSeconds: round(appendSeconds),
    parked,
    parkSeconds,
    before,
    during,
    freshWorkerRssMiB,
    newEmail,
    drain,
  };
}

async function drainBacklog(context: ParkingContext, desk: Desk, parked: number): Promise<BackendResult['parking']['drain']> {
  const { platform, measured, sizes, log } = context;
  // The line as it stands before anyone comes online: priority, then waiting time (the dispatcher's order).
  const line = await platform.db.$queryRaw<Array<{ interactionId: number }>>(Prisma.sql`
    SELECT "interactionId" FROM "RoutingWait" WHERE "queueId" = ${desk.queueId}
    ORDER BY priority DESC, "waitingSince", "interactionId"`);
  const agentErrors: Record<string, number> = {};
  const agents = startAgents(desk.agents, {
    reply: false,
    close: true,
    pollMs: 1000,
    onError: ({ action, status }) => {
      const key = `${action} ${status}`;
      agentErrors[key] = (agentErrors[key] ?? 0) + 1;
    },
  });
  // Agents are woken by their offers' live events, as a desk is.
  const stream = await openLiveEvents(platform.apiUrl, platform.adminToken, (event) => {
    if (event.event === 'offer' && Number(event.data.accountId) === desk.account.id) agents.wake(Number(event.data.agentId));
  });
  log(`drain: ${desk.agents.length} agents come online in the parked queue`);
  const window = startCpuWindow(measured());
  const t0 = performance.now();
  for (let start = 0; start < desk.agents.length; start += 20) {
    await Promise.all(desk.agents.slice(start, start + 20).map((agent) => agent.api.put('/api/me/presence', { presence: 'online' })));
  }
  const deadline = Date.now() + sizes.drainBudgetSeconds * 1000;
  let closed = 0;
  let lastLog = Date.now();
  while (closed < parked && Date.now() < deadline) {
    await sleep(1000);
    closed = await closedOf(platform, desk.account.id);
    if (Date.now() - lastLog > 30_000) {
      lastLog = Date.now();
      log(`drain: ${closed} closed after ${round((performance.now() - t0) / 1000)} s`);
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = window.end();
  await agents.stop();
  stream.close();
  log(`drain: ${closed} of ${parked} accepted and closed in ${round(seconds)} s (${round(closed / seconds)}/s)`);

  const checks = await drainOrder(
    platform,
    desk.account.id,
    line.map((row) => row.interactionId),
    desk.agents.length,
  );
  return { agents: desk.agents.length, closed, seconds: round(seconds), perSecond: round(closed / seconds), ...checks, agentErrors, cpu };
}
