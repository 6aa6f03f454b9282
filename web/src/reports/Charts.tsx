/**
 * Hand-written SVG charts for the reports page (no charting library: two bar charts cost less than its import). Each
 * chart is an image with a label saying what it shows, and its numbers are in a table beside it for screen readers
 * and for copying.
 */
import type { ComponentChildren } from 'preact';

export interface Series {
  name: string;
  values: number[];
  /** A CSS class giving the bars their colour (reports.css). */
  tone: string;
}

const HEIGHT = 160;
const GAP = 2;
/** The drawing's width in its own units (the SVG scales to the page): bars get narrower as days get more. */
const PLOT_WIDTH = 720;
const WIDTH = PLOT_WIDTH + 40;

/** The largest value rounded up to a tidy axis maximum (1, 2 or 5 times a power of ten). */
export function niceMax(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  return ([1, 2, 5, 10].find((step) => step * power >= value) ?? 10) * power;
}

/** Grouped bars: one group per label, one bar per series. */
export function BarChart({
  title,
  labels,
  series,
  describe,
  children,
}: {
  title: string;
  labels: string[];
  series: Series[];
  /** One sentence summing the chart up, read as the image's name. */
  describe: string;
  children?: ComponentChildren;
}) {
  const max = niceMax(Math.max(0, ...series.flatMap((one) => one.values)));
  const groupWidth = PLOT_WIDTH / Math.max(1, labels.length);
  const barWidth = Math.max(1, Math.min(24, (groupWidth - GAP * 2) / series.length));
  const offset = (groupWidth - barWidth * series.length) / 2;
  // About ten labels at most, so they never overlap.
  const every = Math.ceil(labels.length / 10);
  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      <div class="chart-legend" aria-hidden="true">
        {series.map((one) => (
          <span key={one.name}>
            <i class={one.tone} /> {one.name}
          </span>
        ))}
      </div>
      <svg role="img" aria-label={`${title}: ${describe}`} viewBox={`0 0 ${WIDTH} ${HEIGHT + 30}`} preserveAspectRatio="xMinYMin meet">
        <line x1="36" y1={HEIGHT} x2={WIDTH} y2={HEIGHT} class="axis" />
        <text x="32" y="10" class="tick" text-anchor="end">
          {max}
        </text>
        <text x="32" y={HEIGHT} class="tick" text-anchor="end">
          0
        </text>
        {labels.map((label, index) => (
          <g key={label} transform={`translate(${40 + index * groupWidth}, 0)`}>
            {series.map((one, seriesIndex) => {
              const height = Math.round(((one.values[index] ?? 0) / max) * (HEIGHT - 12));
              return (
                <rect
                  key={one.name}
                  class={one.tone}
                  x={offset + seriesIndex * barWidth}
                  y={HEIGHT - height}
                  width={Math.max(0.5, barWidth - 1)}
                  height={height}
                />
              );
            })}
            {index % every === 0 && (
              <text x={groupWidth / 2} y={HEIGHT + 16} class="tick" text-anchor="middle">
                {label}
              </text>
            )}
          </g>
        ))}
      </svg>
      <details>
        <summary>{title}: the numbers</summary>
        <table>
          <thead>
            <tr>
              <th scope="col">{children ?? 'Label'}</th>
              {series.map((one) => (
                <th key={one.name} scope="col">
                  {one.name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {labels.map((label, index) => (
              <tr key={label}>
                <th scope="row">{label}</th>
                {series.map((one) => (
                  <td key={one.name}>{one.values[index] ?? 0}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
