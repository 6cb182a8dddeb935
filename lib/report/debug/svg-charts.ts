/**
 * Small inline SVG charts for the debug report: no script, no external fetch, styled by the
 * page's CSS classes so light and dark themes both work.
 */

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));

/**
 * An axis for values up to `value`: a 1/2/5 x 10^k step giving at most `maxTicks` intervals, and
 * the first multiple of it at or above the value (252 -> 0..300 by 50, not 0..500). Counts get
 * whole-number steps only.
 */
export function niceScale(value: number, integer: boolean, maxTicks = 5): { max: number; step: number } {
  if (!(value > 0)) return { max: 1, step: integer ? 1 : 0.25 };
  const rough = value / maxTicks;
  const power = 10 ** Math.floor(Math.log10(rough));
  let step = [1, 2, 5, 10].map((m) => m * power).find((candidate) => candidate >= rough) ?? 10 * power;
  if (integer) step = Math.max(1, Math.round(step));
  return { max: Math.ceil(value / step - 1e-9) * step, step };
}

function shortNumber(n: number): string {
  if (n >= 1e6) return `${fmt(n / 1e6)}M`;
  if (n >= 1e3) return `${fmt(n / 1e3)}k`;
  return fmt(n);
}

export interface BarDatum {
  label: string;
  value: number;
  /** Tooltip text (SVG <title>). */
  title?: string;
}

interface ColumnChartOptions {
  className: string;
  ariaLabel: string;
  xLabel: string;
  yLabel: string;
  width?: number;
  height?: number;
  /** The values are counts: whole-number ticks only (default true). */
  integer?: boolean;
}

/** Vertical bars along an axis: packets over time, histograms. */
export function columnChart(data: BarDatum[], options: ColumnChartOptions): string {
  const width = options.width ?? 640;
  const height = options.height ?? 240;
  const left = 52;
  const right = 12;
  const top = 14;
  const bottom = 42;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const { max, step } = niceScale(data.reduce((m, d) => Math.max(m, d.value), 0), options.integer ?? true);
  const slot = plotW / Math.max(1, data.length);
  const barW = Math.max(1, slot * 0.8);
  const ticks = Array.from({ length: Math.round(max / step) + 1 }, (_, i) => i * step);
  const grid = ticks
    .map((tick) => {
      const y = top + plotH - (tick / max) * plotH;
      return `<line class="grid" x1="${left}" x2="${width - right}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}"/><text class="tick" x="${left - 6}" y="${(y + 4).toFixed(1)}" text-anchor="end">${shortNumber(tick)}</text>`;
    })
    .join('');
  const labelEvery = Math.max(1, Math.ceil(data.length / 10));
  const bars = data
    .map((d, i) => {
      // A non-zero count stays visible even beside a tall bar.
      const h = d.value > 0 ? Math.max(2, (d.value / max) * plotH) : 0;
      const x = left + i * slot + (slot - barW) / 2;
      const label = i % labelEvery === 0 ? `<text class="tick" x="${(x + barW / 2).toFixed(1)}" y="${height - bottom + 16}" text-anchor="middle">${escapeHtml(d.label)}</text>` : '';
      return `<rect class="bar" x="${x.toFixed(1)}" y="${(top + plotH - h).toFixed(1)}" width="${barW.toFixed(1)}" height="${h.toFixed(1)}"><title>${escapeHtml(d.title ?? `${d.label}: ${d.value}`)}</title></rect>${label}`;
    })
    .join('');
  const axes = `<text class="axis-label" x="${left + plotW / 2}" y="${height - 6}" text-anchor="middle">${escapeHtml(options.xLabel)}</text><text class="axis-label" transform="translate(12 ${top + plotH / 2}) rotate(-90)" text-anchor="middle">${escapeHtml(options.yLabel)}</text>`;
  return `<svg class="chart ${options.className}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(options.ariaLabel)}" xmlns="http://www.w3.org/2000/svg">${grid}${bars}${axes}</svg>`;
}

export interface StackedBarDatum {
  label: string;
  values: number[];
  title?: string;
}

/** Horizontal stacked bars (top talkers: sent + received). */
export function horizontalBarChart(data: StackedBarDatum[], options: { className: string; ariaLabel: string; seriesClasses: string[]; width?: number; valueFormat?: (n: number) => string }): string {
  const width = options.width ?? 640;
  const rowH = 26;
  const labelW = 190;
  const valueW = 80;
  const height = Math.max(1, data.length) * rowH + 8;
  const plotW = width - labelW - valueW;
  const max = data.reduce((m, d) => Math.max(m, d.values.reduce((a, b) => a + b, 0)), 1);
  const format = options.valueFormat ?? shortNumber;
  const rows = data
    .map((d, i) => {
      const y = 4 + i * rowH;
      let x = labelW;
      const segments = d.values
        .map((v, s) => {
          const w = (v / max) * plotW;
          const rect = `<rect class="bar ${options.seriesClasses[s] ?? ''}" x="${x.toFixed(1)}" y="${y + 4}" width="${Math.max(0, w).toFixed(1)}" height="${rowH - 10}"><title>${escapeHtml(d.title ?? d.label)}</title></rect>`;
          x += w;
          return rect;
        })
        .join('');
      const total = d.values.reduce((a, b) => a + b, 0);
      return `<text class="row-label" x="${labelW - 8}" y="${y + rowH / 2 + 3}" text-anchor="end">${escapeHtml(d.label)}</text>${segments}<text class="tick" x="${(x + 6).toFixed(1)}" y="${y + rowH / 2 + 3}">${escapeHtml(format(total))}</text>`;
    })
    .join('');
  return `<svg class="chart ${options.className}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(options.ariaLabel)}" xmlns="http://www.w3.org/2000/svg">${rows}</svg>`;
}

/** Bins samples into at most `binCount` equal-width bins for a histogram. */
export function histogramBins(samples: readonly number[], binCount = 20): BarDatum[] {
  if (samples.length === 0) return [];
  // A loop, not Math.min(...samples): spreading 125,000+ arguments overflows the call stack.
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const sample of samples) {
    if (sample < min) min = sample;
    if (sample > max) max = sample;
  }
  const span = max - min || Math.max(0.001, max * 0.1);
  const bins = Math.min(binCount, Math.max(1, samples.length));
  const width = span / bins;
  const counts = new Array<number>(bins).fill(0);
  for (const s of samples) counts[Math.min(bins - 1, Math.floor((s - min) / width))]++;
  const digits = width < 0.01 ? 3 : width < 1 ? 2 : 1;
  return counts.map((count, i) => {
    const from = min + i * width;
    return { label: from.toFixed(digits), value: count, title: `${from.toFixed(digits)}–${(from + width).toFixed(digits)} ms: ${count}` };
  });
}

/**
 * The distribution's tail at a glance: share of samples at or below each value (CDF), on a log
 * time axis so 0.05 ms and 50 ms both get room. Marks p50, p95, p99 and the maximum.
 */
export function cdfChart(samples: readonly number[], options: { className: string; ariaLabel: string; xLabel: string; width?: number; height?: number }): string | undefined {
  const values = samples.filter((v) => v > 0).sort((a, b) => a - b);
  if (values.length === 0) return undefined;
  const width = options.width ?? 640;
  const height = options.height ?? 220;
  const left = 52;
  const right = 16;
  const top = 12;
  const bottom = 40;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const lowExp = Math.floor(Math.log10(values[0]));
  const highExp = Math.max(lowExp + 1, Math.ceil(Math.log10(values[values.length - 1])));
  const x = (v: number) => left + ((Math.log10(v) - lowExp) / (highExp - lowExp)) * plotW;
  const y = (share: number) => top + plotH - share * plotH;
  // At most ~400 points: a step every n-th sample keeps the path small for any sample size.
  const every = Math.max(1, Math.floor(values.length / 400));
  const points: string[] = [];
  for (let i = 0; i < values.length; i += every) points.push(`${x(values[i]).toFixed(1)},${y((i + 1) / values.length).toFixed(1)}`);
  points.push(`${x(values[values.length - 1]).toFixed(1)},${y(1).toFixed(1)}`);
  const decades = Array.from({ length: highExp - lowExp + 1 }, (_, i) => 10 ** (lowExp + i));
  const xTicks = decades.map((d) => `<line class="grid" x1="${x(d).toFixed(1)}" x2="${x(d).toFixed(1)}" y1="${top}" y2="${top + plotH}"/><text class="tick" x="${x(d).toFixed(1)}" y="${height - bottom + 16}" text-anchor="middle">${d >= 1 ? shortNumber(d) : String(Number(d.toPrecision(1)))}</text>`).join('');
  const yTicks = [0, 0.5, 0.9, 1].map((f) => `<line class="grid" x1="${left}" x2="${width - right}" y1="${y(f).toFixed(1)}" y2="${y(f).toFixed(1)}"/><text class="tick" x="${left - 6}" y="${(y(f) + 4).toFixed(1)}" text-anchor="end">${Math.round(f * 100)}%</text>`).join('');
  const rank = (p: number) => values[Math.min(values.length - 1, Math.max(0, Math.ceil(p * values.length) - 1))];
  const marks = ([['p50', 0.5], ['p95', 0.95], ['p99', 0.99], ['max', 1]] as const)
    .map(([label, p]) => `<circle class="mark" cx="${x(rank(p)).toFixed(1)}" cy="${y(p).toFixed(1)}" r="3"><title>${label} ${Number(rank(p).toPrecision(4))}</title></circle>`)
    .join('');
  const axes = `<text class="axis-label" x="${left + plotW / 2}" y="${height - 6}" text-anchor="middle">${escapeHtml(options.xLabel)} (log scale)</text><text class="axis-label" transform="translate(12 ${top + plotH / 2}) rotate(-90)" text-anchor="middle">share at or below</text>`;
  return `<svg class="chart ${options.className}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(options.ariaLabel)}" xmlns="http://www.w3.org/2000/svg">${xTicks}${yTicks}<polyline class="cdf" points="${points.join(' ')}"/>${marks}${axes}</svg>`;
}
