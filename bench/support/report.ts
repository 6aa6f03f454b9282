/**
 * The benchmark's Markdown report (bench/results/bench.md, and the README's table) and bench/results/summary.json,
 * from the per-backend JSON results. Each row names its target where the issue set one.
 */
import type { BackendResult, CostPerEmail, OfferLatency } from '../suite/result';
import { actionsTable, allScenariosTable, type ActionsReport } from '../actions';
import { BACKEND_NAMES } from './plot';
import type { LatencySummary } from './stats';

const ms = (value: number) =>
  Number.isFinite(value)
    ? value >= 1000
      ? `${(value / 1000).toFixed(2)} s`
      : `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`
    : '–';
const int = (value: number) => value.toLocaleString('en-US');
const pct = (summary: LatencySummary, keys: Array<'p50' | 'p95' | 'p99'>) =>
  summary.n === 0 ? 'none' : `${keys.map((key) => ms(summary[key])).join(' / ')} (n=${summary.n})`;
const latencyCell = (latency: OfferLatency, key: 'noticeToOffer' | 'appendToOffer' | 'appendToNotice') =>
  pct(latency[key], ['p50', 'p95', 'p99']) + (latency.missing && key !== 'appendToNotice' ? `; ${latency.missing} not offered` : '');
const mark = (ok: boolean) => (ok ? '✅' : '❌');

/** Worker + Temporal server (+ its database on the PostgreSQL backend), % of one core. */
export function parkedCpu(r: BackendResult, window: 'before' | 'during'): number {
  const percent = r.parking[window].cpu.percentOfOneCore;
  return Math.round(((percent.worker ?? 0) + (percent.temporal ?? 0) + (percent['temporal-postgres'] ?? 0)) * 10) / 10;
}

function cpuBreakdown(cpu: Record<string, number | null>, unit: string): string {
  return Object.entries(cpu)
    .map(([name, value]) => `${name} ${value ?? '–'}${unit}`)
    .join(', ');
}

function costCell(cost: CostPerEmail): string {
  return (
    `CPU ms/email: ${cpuBreakdown(cost.cpuMsPerEmail, '')}; statements/email: worker ${cost.statementsPerEmail.worker}, ` +
    `API ${cost.statementsPerEmail.api} (n=${cost.emails})`
  );
}

type Row = [string, string, (r: BackendResult) => string];

export function markdownTable(results: BackendResult[]): string {
  const rows: Row[] = [
    [
      'bare engine: trivial workflows started eagerly by a worker process, up to 200 in flight',
      '',
      (r) => `**${r.bare.workflowsPerSecond}/s** (${int(r.bare.workflows)} in ${r.bare.seconds} s; ${r.bare.eagerlyStarted} eager)`,
    ],
    [
      'burst: emails in the mailbox at t=0, account activated, until all offered',
      '',
      (r) => `**${r.burst.emailsPerSecond}/s** (${int(r.burst.offered)} of ${int(r.burst.emails)} in ${r.burst.seconds} s)`,
    ],
    ['burstRatio = burst / bare', '≥ 0.5', (r) => `**${r.burstRatio}** ${mark(r.burstRatio >= 0.5)}`],
    [
      'notification → offer (noticedAt → SSE), p50 / p95 / p99',
      'p95 ≤ 50 ms',
      (r) => `${latencyCell(r.latency, 'noticeToOffer')} ${mark(r.latency.noticeToOffer.p95 <= 50)}`,
    ],
    ['APPEND → offer, p50 / p95 / p99', '', (r) => latencyCell(r.latency, 'appendToOffer')],
    ["APPEND → notification (Dovecot's IDLE notify), p50 / p95 / p99", '', (r) => latencyCell(r.latency, 'appendToNotice')],
    [
      `accept, ${results[0]?.sizes.acceptAgents ?? 50} agents at once, p50 / p95`,
      'p95 ≤ 100 ms',
      (r) => `${pct(r.accept.atOnce, ['p50', 'p95'])} ${mark(r.accept.atOnce.p95 <= 100)}`,
    ],
    [
      'ring-all race: all agents accept one offer at once; 200s / 409s per race',
      'exactly one 200',
      (r) =>
        `200s: ${r.accept.races.winners.join(', ')}; 409s: ${r.accept.races.refused.join(', ')}; accepted rows: ` +
        `${r.accept.races.acceptedOffersInDatabase.join(', ')} ${mark(r.accept.races.winners.every((w) => w === 1) && r.accept.races.acceptedOffersInDatabase.every((w) => w === 1))}`,
    ],
    [
      'parking: emails ingested by IMAP and waiting for an agent',
      `all ${int(results[0]?.sizes.parked ?? 10_000)}`,
      (r) =>
        `${int(r.parking.parked)} in ${r.parking.parkSeconds} s (${Math.round(r.parking.parked / r.parking.parkSeconds)}/s) ${mark(r.parking.parked >= r.parking.target)}`,
    ],
    [
      'worker RSS while parked (max over the window)',
      '≤ 300 MB',
      (r) => {
        const rss = megabytes(r.parking.during.maxRssMiB.worker);
        return `${rss ?? '–'} MB (before the backlog ${megabytes(r.parking.before.rssMiB.worker) ?? '–'} MB) ${mark(rss !== null && rss <= 300)}`;
      },
    ],
    [
      '… worker RSS at start / a new worker process with the backlog waiting (empty workflow cache)',
      '',
      (r) => `${megabytes(r.memoryAtStart.worker) ?? '–'} MB / ${megabytes(r.parking.freshWorkerRssMiB) ?? '–'} MB`,
    ],
    [
      'Temporal server RSS while parked (max)',
      '',
      (r) =>
        `${megabytes(r.parking.during.maxRssMiB.temporal) ?? '–'} MB (before ${megabytes(r.parking.before.rssMiB.temporal) ?? '–'} MB)`,
    ],
    [
      'CPU while parked, worker + Temporal, % of one core',
      '≤ 5 %',
      (r) =>
        `**${parkedCpu(r, 'during')} %** (${cpuBreakdown(r.parking.during.cpu.percentOfOneCore, ' %')}); before the backlog ` +
        `${parkedCpu(r, 'before')} % ${mark(parkedCpu(r, 'during') <= 5)}`,
    ],
    [
      'new email to an idle agent of another queue while parked: notification → offer',
      'as without backlog',
      (r) =>
        `${latencyCell(r.parking.newEmail, 'noticeToOffer')} (without: p50 ${ms(r.latency.noticeToOffer.p50)}, p95 ${ms(r.latency.noticeToOffer.p95)})`,
    ],
    [
      '… and APPEND → offer',
      '',
      (r) =>
        `${latencyCell(r.parking.newEmail, 'appendToOffer')} (without: p50 ${ms(r.latency.appendToOffer.p50)}, p95 ${ms(r.latency.appendToOffer.p95)})`,
    ],
    [
      `drain: ${results[0]?.sizes.drainAgents ?? 100} agents online, accept + close over REST`,
      '',
      (r) => `**${r.parking.drain.perSecond}/s** (${int(r.parking.drain.closed)} in ${r.parking.drain.seconds} s)`,
    ],
    [
      'drain order: offered with nobody behind offered first / most overtaken by / overtaken by more than the agents',
      'queue order',
      (r) => {
        const o = r.parking.drain.order;
        return `${int(o.inOrder)} of ${int(o.offers)} / ${o.maxOvertaken} (p99 ${o.p99Overtaken}) / ${o.overtakenBeyondAgents}`;
      },
    ],
    [
      'double offers: interactions accepted twice / offered to two agents at once',
      '0 / 0',
      (r) =>
        `${r.parking.drain.doubleAccepted} / ${r.parking.drain.concurrentOffers} ${mark(r.parking.drain.doubleAccepted + r.parking.drain.concurrentOffers === 0)}`,
    ],
    ['routing workflows started eagerly (sampled burst histories)', '', (r) => `${r.eagerStart.eager} of ${r.eagerStart.sampled}`],
    [
      'Temporal actions per email, measured histories of the full scenario: database placement',
      '',
      (r) => `**${r.cost.placement.temporalActionsPerEmail}** (${cpuBreakdown(r.cost.placement.actionBreakdown, '')})`,
    ],
    [
      '… the same scenario on the polling path (runs started before placement)',
      '',
      (r) => `${r.cost.polling.temporalActionsPerEmail} (${cpuBreakdown(r.cost.polling.actionBreakdown, '')})`,
    ],
    [
      'cost per email, full scenario (accept, reply, close with disposition): database placement',
      '',
      (r) => costCell(r.cost.placement.perEmail),
    ],
    ['… the same scenario on the polling path', '', (r) => costCell(r.cost.polling.perEmail)],
    ['cost per email, burst (ingest → offer)', '', (r) => costCell(r.burst.cost)],
  ];
  const header = `| figure | target | ${results.map((r) => BACKEND_NAMES[r.backend]).join(' | ')} |`;
  const rule = `| --- | --- | ${results.map(() => '---').join(' | ')} |`;
  return [header, rule, ...rows.map(([name, target, cell]) => `| ${name} | ${target} | ${results.map(cell).join(' | ')} |`)].join('\n');
}

export function markdownReport(results: BackendResult[], actions: ActionsReport, options: { svgFile: string }): string {
  const first = results[0];
  const facts = first?.environment ?? {};
  const sizes = first?.sizes;
  return [
    '# mailroute benchmark',
    '',
    `Run on ${first?.date.slice(0, 10) ?? 'unknown date'} by \`npm run bench\`.`,
    '',
    `- machine: ${facts.machine}; ${facts.os}; Node ${facts.node}; PostgreSQL ${facts.postgresql}; Dovecot ${facts.dovecot}`,
    ...results.map(
      (r) =>
        `- ${BACKEND_NAMES[r.backend]}: ${r.temporal.kind}, server ${r.temporal.serverVersion}; ${r.temporal.settings.join('; ')}; ` +
        `measured in ${r.seconds} s; load average ${r.environment['load average at start (1/5/15 min)']} at the start, ` +
        `${r.environment['load average at end (1/5/15 min)']} at the end`,
    ),
    ...(sizes
      ? [
          `- sizes: ${Object.entries(sizes)
            .map(([name, value]) => `${name} ${value}`)
            .join(', ')}`,
        ]
      : []),
    ...results.flatMap((r) => r.notes.map((note) => `- note (${BACKEND_NAMES[r.backend]}): ${note}`)),
    '',
    markdownTable(results),
    '',
    `![notification → offer and APPEND → offer](${options.svgFile})`,
    '',
    '## Where notification → offer goes (single emails, p50 / p95 per stage)',
    '',
    `| stage | ${results.map((r) => BACKEND_NAMES[r.backend]).join(' | ')} |`,
    `| --- | ${results.map(() => '---').join(' | ')} |`,
    ...Object.keys(first?.latencyStages ?? {}).map(
      (stage) =>
        `| ${stage} | ${results.map((r) => (r.latencyStages[stage] ? pct(r.latencyStages[stage], ['p50', 'p95']) : '–')).join(' | ')} |`,
    ),
    '',
    '## Temporal actions per routing run, from the committed replay histories',
    '',
    actionsTable(actions),
    '',
    allScenariosTable(actions),
    '',
    '## Most frequent database statements per email (full scenario, database placement)',
    '',
    ...results.flatMap((r) => [
      `${BACKEND_NAMES[r.backend]}:`,
      '',
      '| calls/email | process | statement |',
      '| ---: | --- | --- |',
      ...r.cost.placement.perEmail.topStatements
        .slice(0, 15)
        .map((s) => `| ${s.callsPerEmail} | ${s.role} | \`${s.query.replace(/\|/g, '\\|')}\` |`),
      '',
    ]),
  ].join('\n');
}

/** MiB (as /proc reports) to MB (as the target is set). */
const megabytes = (mib: number | null | undefined) => (mib === null || mib === undefined ? null : Math.round(mib * 1.048576));

export function summary(results: BackendResult[]) {
  return Object.fromEntries(
    results.map((r) => [
      r.backend,
      {
        burstPerSecond: r.burst.emailsPerSecond,
        bareWorkflowsPerSecond: r.bare.workflowsPerSecond,
        burstRatio: r.burstRatio,
        notifyToOfferP95Ms: r.latency.noticeToOffer.p95,
        appendToOfferP95Ms: r.latency.appendToOffer.p95,
        acceptP95Ms: r.accept.atOnce.p95,
        parked: r.parking.parked,
        parkedWorkerRssMb: megabytes(r.parking.during.maxRssMiB.worker),
        parkedCpuPercentOfOneCore: parkedCpu(r, 'during'),
        drainPerSecond: r.parking.drain.perSecond,
        temporalActionsPerEmail: r.cost.placement.temporalActionsPerEmail,
      },
    ]),
  );
}
