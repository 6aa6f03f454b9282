/**
 * The benchmark's Markdown table and its latency plot (a hand-written SVG: empirical distribution functions of
 * email → offer latency, log-scaled time axis), from the per-backend JSON results.
 */
import type { BackendResult } from '../suite/result';
import type { LatencySummary } from './stats';

const NAMES: Record<BackendResult['backend'], string> = {
  dev: 'Temporal dev server (SQLite)',
  postgres: 'Temporal server on PostgreSQL',
};

const ms = (value: number) =>
  Number.isFinite(value) ? (value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${Math.round(value)} ms`) : '–';
const pct = (summary: LatencySummary, keys: Array<'p50' | 'p95' | 'p99'>) =>
  `${keys.map((key) => ms(summary[key])).join(' / ')} (n=${summary.n})`;
/** Email → offer: percentiles of the emails offered in time, and how many were not. */
const offerLatency = (latency: BackendResult['latency']) =>
  latency.summary.n === 0
    ? `none of ${latency.missing} offered in time`
    : pct(latency.summary, ['p50', 'p95', 'p99']) + (latency.missing ? `; ${latency.missing} not offered in time` : '');
const int = (value: number) => value.toLocaleString('en-US');

export function markdownTable(results: BackendResult[]): string {
  const rows: Array<[string, (result: BackendResult) => string]> = [
    ['email → offer, p50 / p95 / p99', (r) => offerLatency(r.latency)],
    [
      'burst: all offered',
      (r) => `${int(r.burst.offered)} of ${int(r.burst.emails)} in ${r.burst.seconds} s = **${r.burst.emailsPerSecond} emails/s**`,
    ],
    [
      'bare Temporal, same server and client',
      (r) => `${int(r.bare.workflows)} trivial workflows in ${r.bare.seconds} s = **${r.bare.workflowsPerSecond} workflows/s**`,
    ],
    ['ratio mailroute / bare', (r) => `**${r.ratio}**`],
    [`accept round trip, p50 / p95 (${results[0]?.sizes.agents ?? 50} agents)`, (r) => pct(r.accept, ['p50', 'p95'])],
    [
      'parking: routing workflows started / waiting for agents',
      (r) =>
        `${int(r.parking.started)} of ${int(r.parking.target)} started in ${r.sizes.parkBudgetSeconds} s; ${int(r.parking.parked)} had reached waiting-for-agents ${r.parking.parkSeconds} s after the first start`,
    ],
    ['parking: worker RSS / Temporal server RSS', (r) => `${r.parking.workerRssMiB ?? '–'} MiB / ${r.parking.serverRssMiB ?? '–'} MiB`],
    ['parking: email → offer, p50 / p95 / p99', (r) => `${offerLatency(r.parking.latency)} (within ${r.sizes.parkedWaitSeconds ?? 120} s)`],
    ...(['config read (GET account)', 'config write (PATCH queue)', 'interaction search'] as const).map(
      (name) =>
        [
          `API ${name}, p50 / p99, errors`,
          (r: BackendResult) => {
            const figures = r.api[name];
            return figures
              ? `${ms(figures.summary.p50)} / ${ms(figures.summary.p99)}, ${figures.errors} errors of ${figures.requests}` +
                  (figures.errors
                    ? ` (${Object.entries(figures.errorStatuses ?? {})
                        .map(([status, count]) => `${count}× ${status}`)
                        .join(', ')})`
                    : '')
              : '–';
          },
        ] as [string, (result: BackendResult) => string],
    ),
  ];
  const header = `| figure | ${results.map((r) => NAMES[r.backend]).join(' | ')} |`;
  const rule = `| --- | ${results.map(() => '---').join(' | ')} |`;
  return [header, rule, ...rows.map(([name, cell]) => `| ${name} | ${results.map(cell).join(' | ')} |`)].join('\n');
}

export function markdownReport(results: BackendResult[], options: { svgFile: string }): string {
  const first = results[0];
  const facts = first?.environment ?? {};
  const lines = [
    `# mailroute benchmark`,
    '',
    `Run on ${first?.date.slice(0, 10) ?? 'unknown date'} by \`npm run bench\` (the whole command, both backends: ${Math.round(results.reduce((sum, r) => sum + r.seconds, 0) / 60)} min plus start-up).`,
    '',
    `- machine: ${facts.machine}; ${facts.os}; Node ${facts.node}; PostgreSQL ${facts.postgresql}; Dovecot ${facts.dovecot}`,
    ...results.map(
      (r) =>
        `- ${NAMES[r.backend]}: ${r.temporal.kind}, server ${r.temporal.serverVersion}, ${r.temporal.persistence}; measured in ${r.seconds} s` +
        (r.environment['load average at start (1/5/15 min)']
          ? `; load average ${r.environment['load average at start (1/5/15 min)']} at the start, ${r.environment['load average at end (1/5/15 min)']} at the end (shared machine)`
          : ''),
    ),
    ...results.map((r) => `- sizes (${NAMES[r.backend]}): ${describeSizes(r.sizes)}`),
    ...results.flatMap((r) => r.notes.map((note) => `- note (${NAMES[r.backend]}): ${note}`)),
    '',
    markdownTable(results),
    '',
    `![email → offer latency distributions](${options.svgFile})`,
    '',
  ];
  return lines.join('\n');
}

function describeSizes(sizes: BackendResult['sizes']): string {
  return [
    `${int(sizes.singles)} single emails, one APPEND every ${sizes.singleIntervalMs} ms`,
    `a burst of ${int(sizes.burst)} over 4 IMAP sessions`,
    `${int(sizes.bareWorkflows)} bare workflows, 50 in flight`,
    `${sizes.agents} agents`,
    `API at ${sizes.apiRatePerSecond} requests/s per kind for ${sizes.apiSeconds} s`,
    `parking target ${int(sizes.parked)} within ${sizes.parkBudgetSeconds} s, then ${sizes.parkedSingles} emails`,
  ].join('; ');
}

/** Empirical distribution functions on a log time axis, one line per backend and load. */
export function latencySvg(results: BackendResult[]): string {
  const width = 760;
  const legendRows = results.length * 2;
  const plotHeight = 400;
  // The legend sits under the plot, one row per line.
  const height = plotHeight + legendRows * 18 + 10;
  const margin = { left: 60, right: 40, top: 40, bottom: height - plotHeight + 50 };
  const series = results.flatMap((r, index) => [
    { label: `${NAMES[r.backend]}`, samples: r.latency.samples, color: ['#1f77b4', '#d62728'][index % 2]!, dash: '' },
    {
      label: `${NAMES[r.backend]}, parking (${int(r.parking.started)} started)`,
      samples: r.parking.latency.samples,
      color: ['#1f77b4', '#d62728'][index % 2]!,
      dash: '6 4',
    },
  ]);
  const all = series.flatMap((s) => s.samples).filter((value) => value > 0);
  const low = Math.pow(10, Math.floor(Math.log10(Math.max(1, Math.min(...all, 100)))));
  const high = Math.pow(10, Math.ceil(Math.log10(Math.max(...all, 1000))));
  const x = (value: number) =>
    margin.left +
    ((Math.log10(Math.max(value, low)) - Math.log10(low)) / (Math.log10(high) - Math.log10(low))) * (width - margin.left - margin.right);
  const y = (fraction: number) => height - margin.bottom - fraction * (height - margin.top - margin.bottom);
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
  );
  parts.push(`<rect width="${width}" height="${height}" fill="white"/>`);
  parts.push(
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14">email → offer latency (APPEND done → offer over SSE), cumulative</text>`,
  );
  for (let decade = low; decade <= high; decade *= 10) {
    for (const step of [1, 2, 5]) {
      const value = decade * step;
      if (value > high) break;
      parts.push(`<line x1="${x(value)}" y1="${y(0)}" x2="${x(value)}" y2="${y(1)}" stroke="#ddd"/>`);
      parts.push(`<text x="${x(value)}" y="${y(0) + 16}" text-anchor="middle">${axisLabel(value)}</text>`);
    }
  }
  for (const fraction of [0, 0.25, 0.5, 0.75, 0.95]) {
    parts.push(`<line x1="${margin.left}" y1="${y(fraction)}" x2="${width - margin.right}" y2="${y(fraction)}" stroke="#ddd"/>`);
    parts.push(`<text x="${margin.left - 6}" y="${y(fraction) + 4}" text-anchor="end">${Math.round(fraction * 100)}%</text>`);
  }
  parts.push(`<text x="${width / 2}" y="${y(0) + 36}" text-anchor="middle">latency (log scale)</text>`);
  series.forEach((s, index) => {
    const sorted = [...s.samples].sort((a, b) => a - b);
    const legendY = y(0) + 62 + index * 18;
    const legendX = margin.left + 10;
    if (sorted.length === 0) {
      parts.push(`<text x="${legendX + 36}" y="${legendY + 4}">${escapeXml(s.label)}: none offered in time</text>`);
      return;
    }
    const points = sorted.map((value, rank) => `${x(value).toFixed(1)},${y((rank + 1) / sorted.length).toFixed(1)}`);
    parts.push(
      `<polyline fill="none" stroke="${s.color}" stroke-width="2" ${s.dash ? `stroke-dasharray="${s.dash}"` : ''} points="${x(sorted[0]!).toFixed(1)},${y(0)} ${points.join(' ')}"/>`,
    );
    parts.push(
      `<line x1="${legendX}" y1="${legendY}" x2="${legendX + 30}" y2="${legendY}" stroke="${s.color}" stroke-width="2" ${s.dash ? `stroke-dasharray="${s.dash}"` : ''}/>`,
    );
    parts.push(`<text x="${legendX + 36}" y="${legendY + 4}">${escapeXml(s.label)} (n=${sorted.length})</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

/** 100 ms, 1 s, 20 s: axis ticks without decimals. */
function axisLabel(value: number): string {
  return value >= 1000 ? `${value / 1000} s` : `${value} ms`;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
