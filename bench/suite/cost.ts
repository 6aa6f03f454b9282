/**
 * What one email costs: CPU time of each process (/proc deltas) and database round trips (pg_stat_statements calls,
 * by the role of the process that sent them) over a piece of work, divided by its emails. And the full scenario of
 * the committed replay histories, `queue-accept-reply-dispose-close`, run for N emails: an email arrives, is offered
 * in the queue, the agent accepts it (woken by the live offer event, as a desk is), replies, closes without a
 * disposition (the account asks for one: the interaction waits in "disposing"), then closes with one.
 */
import { routingWorkflowId } from '../../contracts/route-email';
import { openLiveEvents } from '../../tests/support/live-events';
import { startSmtpSink } from '../../tests/support/smtp-sink';
import { testEnvironment } from '../../tests/support/test-environment';
import { countActions, type ActionKind } from '../support/actions';
import { createDesk } from '../support/desk';
import type { BenchPlatform } from '../support/platform';
import { startCpuWindow, type MeasuredProcess } from '../support/proc';
import { statementsPerEmail, statementsSnapshot } from '../support/statements';
import { sleep } from '../support/stats';
import type { CostPerEmail, ScenarioCost } from './result';
import { singles, offerClock } from './offers';

export async function measureCost(
  platform: BenchPlatform,
  processes: MeasuredProcess[],
  emails: () => number,
  work: () => Promise<void>,
): Promise<CostPerEmail> {
  const before = await statementsSnapshot(platform.statsUrl, platform.databaseName);
  const window = startCpuWindow(processes);
  const t0 = performance.now();
  await work();
  const seconds = (performance.now() - t0) / 1000;
  const cpu = window.end();
  const after = await statementsSnapshot(platform.statsUrl, platform.databaseName);
  const count = Math.max(1, emails());
  const cpuMsPerEmail = Object.fromEntries(
    Object.entries(cpu.cpuSeconds).map(([name, used]) => [name, used === null ? null : Math.round((used * 1000 * 100) / count) / 100]),
  );
  return { emails: count, seconds: Math.round(seconds * 10) / 10, cpu, cpuMsPerEmail, ...statementsPerEmail(before, after, count) };
}

export async function fullScenarioCost(
  platform: BenchPlatform,
  processes: MeasuredProcess[],
  options: { emails: number; intervalMs: number; agents?: number },
  log: (line: string) => void,
): Promise<ScenarioCost> {
  const smtp = await startSmtpSink();
  const desk = await createDesk(platform, {
    dovecot: testEnvironment().dovecot,
    agents: options.agents ?? 10,
    capacity: 10,
    strategy: 'rrmemory',
    offerTimeoutSeconds: 600,
    smtpPort: smtp.port,
    online: true,
    activate: false,
  });
  const { admin } = platform;
  await admin.patch(`/api/accounts/${desk.account.id}`, { mandatoryDisposition: true });
  const disposition = await admin.post<{ id: number }>(`/api/accounts/${desk.account.id}/dispositions`, { name: 'Solved' });
  if (disposition.status !== 201) throw new Error(`disposition: HTTP ${disposition.status}`);
  await admin.patch(`/api/accounts/${desk.account.id}`, { active: true });

  // Each agent works an offer the moment its live event arrives: accept, reply, close, close with the disposition.
  let closed = 0;
  const failures: string[] = [];
  const work = async (agent: (typeof desk.agents)[number], offerId: number, interactionId: number) => {
    const steps: Array<[string, () => Promise<{ status: number }>]> = [
      ['accept', () => agent.api.post(`/api/offers/${offerId}/accept`)],
      ['reply', () => agent.api.post(`/api/interactions/${interactionId}/reply`, { text: 'Thank you, it is on its way.' })],
      ['close', () => agent.api.post(`/api/interactions/${interactionId}/close`, {})],
      ['dispose', () => agent.api.post(`/api/interactions/${interactionId}/close`, { dispositionId: disposition.body.id })],
    ];
    for (const [name, step] of steps) {
      const answer = await step();
      if (answer.status !== 200) {
        failures.push(`${name} ${answer.status}`);
        return;
      }
    }
    closed += 1;
  };
  const inFlight: Promise<void>[] = [];
  const clock = offerClock();
  const streams = await Promise.all(
    desk.agents.map((agent) =>
      openLiveEvents(platform.apiUrl, agent.api.token!, (event) => {
        clock.onEvent(event);
        if (event.event === 'offer') inFlight.push(work(agent, Number(event.data.offerId), Number(event.data.interactionId)));
      }),
    ),
  );
  // Warm-up: a few emails through the same path first (connections, caches, the account's first watch batch).
  const warm = 5;
  await singles(platform, desk, clock, { count: warm, intervalMs: options.intervalMs, label: 'warm-up' });
  const warmDeadline = Date.now() + 60_000;
  while (closed < warm && Date.now() < warmDeadline) await sleep(100);

  const perEmail = await measureCost(
    platform,
    processes,
    () => closed - warm,
    async () => {
      await singles(platform, desk, clock, { count: options.emails, intervalMs: options.intervalMs, label: 'scenario' });
      const deadline = Date.now() + 120_000;
      while ((closed < warm + options.emails || smtp.messages.length < warm + options.emails) && Date.now() < deadline) await sleep(100);
      // The workflows end after the last close answered: wait for their completion before reading the counters.
      const query = `MailrouteAccount = '${desk.account.key}' AND ExecutionStatus = 'Completed'`;
      while ((await platform.temporal.workflow.count(query)).count < warm + options.emails && Date.now() < deadline) await sleep(250);
    },
  );
  await Promise.all(inFlight);
  for (const stream of streams) stream.close();
  // Its watcher stops: nothing of this desk runs during the later measurements.
  await admin.patch(`/api/accounts/${desk.account.id}`, { active: false });
  await smtp.close();
  if (failures.length > 0) log(`cost scenario: ${failures.length} agent steps failed: ${[...new Set(failures)].join(', ')}`);

  // The same runs' histories, counted like the committed ones.
  const messages = await platform.db.message.findMany({
    where: { accountId: desk.account.id, direction: 'inbound', subject: { startsWith: 'scenario ' } },
    select: { uid: true, uidValidity: true },
  });
  const totals: Record<string, number> = {};
  let actions = 0;
  for (const message of messages) {
    const workflowId = routingWorkflowId({ accountKey: desk.account.key, uidValidity: message.uidValidity!, uid: message.uid! });
    const history = await platform.temporal.workflow.getHandle(workflowId).fetchHistory();
    const counted = countActions((history.events ?? []) as unknown as Array<Record<string, unknown>>);
    actions += counted.total;
    for (const [kind, value] of Object.entries(counted.byKind)) totals[kind] = (totals[kind] ?? 0) + value;
  }
  const per = (value: number) => Math.round((value / Math.max(1, messages.length)) * 100) / 100;
  return {
    scenario: 'queue-accept-reply-dispose-close',
    perEmail,
    temporalActionsPerEmail: per(actions),
    actionBreakdown: Object.fromEntries(Object.entries(totals).map(([kind, value]) => [kind as ActionKind, per(value)])),
  };
}
