import type { Verdict } from './compare-pair.ts';
import { formatValue } from './metric-direction.ts';
import type { PairTrend, TrendPoint } from './trends.ts';

const WIDTH = 620;
const MARGIN = { top: 16, right: 20, bottom: 34, left: 78 };

/** Escapes text for HTML and SVG content and attributes. */
export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Round tick values covering [low, high] (1-2-5 steps). */
export function niceTicks(low: number, high: number, count = 5): number[] {
  if (!(high > low)) return [low];
  const rough = (high - low) / count;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((factor) => factor * power).find((candidate) => candidate >= rough) ?? rough;
  const ticks: number[] = [];
  for (let tick = Math.ceil(low / step) * step; tick <= high + step * 1e-9; tick += step) ticks.push(Number(tick.toPrecision(12)));
  return ticks;
}

/** One line of a chart: a value per trend point (NaN where the run has none). */
interface Series {
  name: string;
  lineClass: string;
  pointClass: string;
  values: number[];
  /** The judged series: points carry role classes, the latest may be ringed. */
  primary: boolean;
}

interface ChartSpec {
  svgClass: string;
  height: number;
  title: string;
  points: readonly TrendPoint[];
  series: Series[];
  format: (value: number) => string;
  band?: { low: number; high: number };
  bandTitle: string;
  baselineValue?: number;
  /** The verdict of the judged series (not the row's): only it rings the latest point. */
  verdict?: Verdict;
}

/**
 * An inline SVG line chart of one pair's p50 and p95 over runs: the noise-floor band shaded,
 * baseline runs' points filled, the latest point ringed when the statistic itself regressed (a
 * loss or jitter regression rings its own chart, not this one). No script, no external resource.
 */
export function renderTrendChart(trend: PairTrend, statistic: 'p50' | 'p95'): string {
  if (trend.points.length === 0) return '<p class="empty">No runs in this group measured this pair.</p>';
  const p50 = trend.points.map((point) => point.p50);
  const p95 = trend.points.map((point) => point.p95);
  return renderChart({
    svgClass: 'trend',
    height: 240,
    title: `${trend.from} → ${trend.to} ${trend.metric}: p50 and p95 over ${trend.points.length} run(s)`,
    points: trend.points,
    series: [
      { name: 'p95', lineClass: 'line-p95', pointClass: 'pt-p95', values: p95, primary: statistic === 'p95' },
      { name: 'p50', lineClass: 'line-p50', pointClass: 'pt-p50', values: p50, primary: statistic === 'p50' },
    ],
    format: (value) => formatValue(value, trend.unit),
    ...(trend.band ? { band: trend.band } : {}),
    bandTitle: `baseline ${statistic} ± noise floor`,
    ...(trend.baselineValue === undefined ? {} : { baselineValue: trend.baselineValue }),
    ...(trend.verdicts.value ? { verdict: trend.verdicts.value } : {}),
  });
}

/** A smaller chart of one aspect (loss in %, or jitter in ms) per run, when the pair records it. */
export function renderAspectChart(trend: PairTrend, aspect: 'loss' | 'jitter'): string {
  const values = trend.points.map((point) => (aspect === 'loss' ? point.lossPercent : point.jitterMs) ?? NaN);
  if (!values.some(Number.isFinite)) return '';
  const band = aspect === 'loss' ? trend.lossBand : trend.jitterBand;
  const verdict = trend.verdicts[aspect];
  return renderChart({
    svgClass: `aspect aspect-${aspect}`,
    height: 150,
    title: `${trend.from} → ${trend.to} ${aspect === 'loss' ? 'packet loss' : 'UDP jitter'} over ${trend.points.length} run(s)`,
    points: trend.points,
    series: [{ name: aspect, lineClass: `line-${aspect}`, pointClass: `pt-${aspect}`, values, primary: true }],
    format: aspect === 'loss' ? (value) => `${value.toFixed(value < 10 ? 1 : 0)}%` : (value) => formatValue(value, 'ms'),
    ...(band ? { band } : {}),
    bandTitle: `baseline ${aspect} ± its floor`,
    ...(verdict ? { verdict } : {}),
  });
}

function renderChart(spec: ChartSpec): string {
  const { points } = spec;
  const values = spec.series.flatMap((series) => series.values).filter(Number.isFinite);
  if (spec.band) values.push(spec.band.low, spec.band.high);
  if (values.length === 0) values.push(0);
  const span = Math.max(...values) - Math.min(...values) || Math.abs(values[0]) || 1;
  const ticks = niceTicks(Math.min(...values) - span * 0.08, Math.max(...values) + span * 0.08, spec.height < 200 ? 3 : 5);
  const low = Math.min(ticks[0], Math.min(...values));
  const high = Math.max(ticks[ticks.length - 1], Math.max(...values));
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = spec.height - MARGIN.top - MARGIN.bottom;
  const x = (index: number) => MARGIN.left + (points.length === 1 ? plotWidth / 2 : (index / (points.length - 1)) * plotWidth);
  const y = (value: number) => MARGIN.top + (1 - (value - low) / (high - low || 1)) * plotHeight;
  const parts: string[] = [];
  for (const tick of ticks) {
    parts.push(`<line class="grid" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y(tick).toFixed(1)}" y2="${y(tick).toFixed(1)}"/>`);
    parts.push(`<text class="tick" x="${MARGIN.left - 8}" y="${(y(tick) + 4).toFixed(1)}" text-anchor="end">${escapeXml(spec.format(tick))}</text>`);
  }
  if (spec.band) {
    const top = y(Math.min(high, spec.band.high));
    const bottom = y(Math.max(low, spec.band.low));
    parts.push(`<rect class="band" x="${MARGIN.left}" y="${top.toFixed(1)}" width="${plotWidth}" height="${Math.max(1, bottom - top).toFixed(1)}"><title>${escapeXml(`${spec.bandTitle}: ${spec.format(spec.band.low)} – ${spec.format(spec.band.high)}`)}</title></rect>`);
  }
  if (spec.baselineValue !== undefined && Number.isFinite(spec.baselineValue)) {
    parts.push(`<line class="baseline" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y(spec.baselineValue).toFixed(1)}" y2="${y(spec.baselineValue).toFixed(1)}"><title>baseline centre: ${escapeXml(spec.format(spec.baselineValue))}</title></line>`);
  }
  for (const series of spec.series) {
    parts.push(polyline(series.values.flatMap((value, index) => (Number.isFinite(value) ? [[x(index), y(value)] as [number, number]] : [])), series.lineClass));
  }
  for (const series of spec.series) points.forEach((point, index) => parts.push(pointMark(point, series, index, x, y, spec)));
  const primary = spec.series.find((series) => series.primary);
  const latestIndex = points.length - 1;
  if (primary && points[latestIndex]?.role === 'latest' && Number.isFinite(primary.values[latestIndex])) parts.push(ring(spec, x(latestIndex), y(primary.values[latestIndex]), tooltip(points[latestIndex], spec)));
  parts.push(...xLabels(points, x, spec.height));
  return (
    `<svg class="${spec.svgClass}" viewBox="0 0 ${WIDTH} ${spec.height}" width="${WIDTH}" height="${spec.height}" role="img" aria-label="${escapeXml(spec.title)}" xmlns="http://www.w3.org/2000/svg">` +
    `<title>${escapeXml(spec.title)}</title>${parts.join('')}</svg>`
  );
}

function polyline(coordinates: Array<[number, number]>, className: string): string {
  return `<polyline class="${className}" points="${coordinates.map(([px, py]) => `${px.toFixed(1)},${py.toFixed(1)}`).join(' ')}"/>`;
}

function tooltip(point: TrendPoint, spec: ChartSpec): string {
  const values = spec.series.map((series) => `${series.name} ${Number.isFinite(series.values[spec.points.indexOf(point)]) ? spec.format(series.values[spec.points.indexOf(point)]) : '–'}`).join(', ');
  return escapeXml(
    `${point.runId}${point.label ? ` "${point.label}"` : ''}\n${point.startedAtIso}${point.gitCommit ? `\ncommit ${point.gitCommit.slice(0, 10)}` : ''}` +
      `\n${values}\n${point.role}${point.role === 'latest' && spec.verdict ? `: ${spec.verdict}` : ''}`,
  );
}

function pointMark(point: TrendPoint, series: Series, index: number, x: (i: number) => number, y: (v: number) => number, spec: ChartSpec): string {
  const value = series.values[index];
  if (!Number.isFinite(value)) return '';
  const classes = series.primary ? `${series.pointClass} role-${point.role}` : series.pointClass;
  const radius = series.primary ? (point.role === 'latest' ? 4.5 : 3.2) : 2.5;
  return `<circle class="${classes}" cx="${x(index).toFixed(1)}" cy="${y(value).toFixed(1)}" r="${radius}"><title>${tooltip(point, spec)}</title></circle>`;
}

/** A ring and a word on the latest point of the judged series, when that series was flagged. */
function ring(spec: ChartSpec, px: number, py: number, tip: string): string {
  const kind = spec.verdict === 'regression' || spec.verdict === 'improvement' ? spec.verdict : spec.verdict === 'low-confidence' ? 'low-confidence' : undefined;
  if (!kind) return '';
  const word = kind === 'regression' ? 'regressed' : kind === 'improvement' ? 'improved' : 'worse? (low confidence)';
  return (
    `<circle class="mark-${kind}" data-verdict="${kind}" cx="${px.toFixed(1)}" cy="${py.toFixed(1)}" r="9"><title>${tip}</title></circle>` +
    `<text class="mark-label mark-label-${kind}" x="${(px - 12).toFixed(1)}" y="${(py - 13).toFixed(1)}" text-anchor="end">${word}</text>`
  );
}

function xLabels(points: readonly TrendPoint[], x: (index: number) => number, height: number): string[] {
  const chosen = points.length <= 2 ? points.map((_, index) => index) : [0, Math.floor((points.length - 1) / 2), points.length - 1];
  return chosen.map((index) => {
    const anchor = points.length === 1 ? 'middle' : index === 0 ? 'start' : index === points.length - 1 ? 'end' : 'middle';
    const when = points[index].startedAtIso.replace('T', ' ').slice(0, 16);
    return `<text class="tick" x="${x(index).toFixed(1)}" y="${height - 10}" text-anchor="${anchor}">${escapeXml(when)}</text>`;
  });
}
