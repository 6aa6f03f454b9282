/**
 * The latency plot of the benchmark: empirical distribution functions of notification → offer and APPEND → offer
 * (and notification → offer beside a parked backlog), on a log time axis, per backend. Hand-written SVG.
 */
import type { BackendResult } from '../suite/result';

export const BACKEND_NAMES: Record<BackendResult['backend'], string> = {
  dev: 'Temporal dev server (SQLite)',
  postgres: 'Temporal server on PostgreSQL',
};

/** Empirical distribution functions on a log time axis, one line per backend and load. */
export function latencySvg(results: BackendResult[]): string {
  const width = 760;
  const legendRows = results.length * 3;
  const plotHeight = 400;
  // The legend sits under the plot, one row per line.
  const height = plotHeight + legendRows * 18 + 10;
  const margin = { left: 60, right: 40, top: 40, bottom: height - plotHeight + 50 };
  const series = results.flatMap((r, index) => {
    const color = ['#1f77b4', '#d62728'][index % 2]!;
    return [
      { label: `${BACKEND_NAMES[r.backend]}: notification → offer`, samples: r.latency.samples.noticeToOffer, color, dash: '' },
      { label: `${BACKEND_NAMES[r.backend]}: APPEND → offer`, samples: r.latency.samples.appendToOffer, color, dash: '2 3' },
      {
        label: `${BACKEND_NAMES[r.backend]}: notification → offer, ${r.parking.parked.toLocaleString('en-US')} parked`,
        samples: r.parking.newEmail.samples.noticeToOffer,
        color,
        dash: '8 4',
      },
    ];
  });
  const all = series.flatMap((s) => s.samples).filter((value) => value > 0);
  const low = Math.pow(10, Math.floor(Math.log10(Math.max(1, Math.min(...all, 10)))));
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
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14">email → offer on the agent&apos;s live stream, cumulative</text>`,
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
