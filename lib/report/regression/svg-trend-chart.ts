import { formatValue } from './metric-direction.ts';
import type { PairTrend, TrendPoint } from './trends.ts';

const WIDTH = 620;
const HEIGHT = 240;
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

/**
 * An inline SVG line chart of one pair's p50 and p95 over runs: baseline band shaded, baseline
 * runs' points filled, the latest point ringed, red when it regressed and green when it improved.
 * No script and no external resource, so it renders offline and in any viewer.
 */
export function renderTrendChart(trend: PairTrend, statistic: 'p50' | 'p95'): string {
  const { points } = trend;
  if (points.length === 0) return '<p class="empty">No runs in this group measured this pair.</p>';
  const values = points.flatMap((point) => [point.p50, point.p95]);
  if (trend.band) values.push(trend.band.low, trend.band.high);
  const span = Math.max(...values) - Math.min(...values) || Math.abs(values[0]) || 1;
  const ticks = niceTicks(Math.min(...values) - span * 0.08, Math.max(...values) + span * 0.08);
  const low = Math.min(ticks[0], Math.min(...values));
  const high = Math.max(ticks[ticks.length - 1], Math.max(...values));
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (index: number) => MARGIN.left + (points.length === 1 ? plotWidth / 2 : (index / (points.length - 1)) * plotWidth);
  const y = (value: number) => MARGIN.top + (1 - (value - low) / (high - low || 1)) * plotHeight;
  const parts: string[] = [];
  for (const tick of ticks) {
    parts.push(`<line class="grid" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y(tick).toFixed(1)}" y2="${y(tick).toFixed(1)}"/>`);
    parts.push(`<text class="tick" x="${MARGIN.left - 8}" y="${(y(tick) + 4).toFixed(1)}" text-anchor="end">${escapeXml(formatValue(tick, trend.unit))}</text>`);
  }
  if (trend.band) {
    const top = y(Math.min(high, trend.band.high));
    const bottom = y(Math.max(low, trend.band.low));
    parts.push(`<rect class="band" x="${MARGIN.left}" y="${top.toFixed(1)}" width="${plotWidth}" height="${Math.max(1, bottom - top).toFixed(1)}"><title>baseline band (${statistic}): ${escapeXml(formatValue(trend.band.low, trend.unit))} – ${escapeXml(formatValue(trend.band.high, trend.unit))}</title></rect>`);
  }
  if (trend.baselineValue !== undefined && Number.isFinite(trend.baselineValue)) {
    parts.push(`<line class="baseline" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y(trend.baselineValue).toFixed(1)}" y2="${y(trend.baselineValue).toFixed(1)}"><title>baseline ${statistic}: ${escapeXml(formatValue(trend.baselineValue, trend.unit))}</title></line>`);
  }
  parts.push(polyline(points.map((point, index) => [x(index), y(point.p95)]), 'line-p95'));
  parts.push(polyline(points.map((point, index) => [x(index), y(point.p50)]), 'line-p50'));
  points.forEach((point, index) => parts.push(pointMarks(point, x(index), y, trend, statistic)));
  parts.push(...xLabels(points, x));
  const title = `${trend.from} → ${trend.to} ${trend.metric}: p50 and p95 over ${points.length} run(s)`;
  return (
    `<svg class="trend" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="${escapeXml(title)}" xmlns="http://www.w3.org/2000/svg">` +
    `<title>${escapeXml(title)}</title>${parts.join('')}</svg>`
  );
}

function polyline(coordinates: Array<[number, number]>, className: string): string {
  return `<polyline class="${className}" points="${coordinates.map(([px, py]) => `${px.toFixed(1)},${py.toFixed(1)}`).join(' ')}"/>`;
}

function pointMarks(point: TrendPoint, px: number, y: (value: number) => number, trend: PairTrend, statistic: string): string {
  const tip = escapeXml(
    `${point.runId}${point.label ? ` "${point.label}"` : ''}\n${point.startedAtIso}${point.gitCommit ? `\ncommit ${point.gitCommit.slice(0, 10)}` : ''}` +
      `\np50 ${formatValue(point.p50, trend.unit)}, p95 ${formatValue(point.p95, trend.unit)}\n${point.role}${point.verdict ? `: ${point.verdict}` : ''}`,
  );
  const p95 = `<circle class="pt-p95" cx="${px.toFixed(1)}" cy="${y(point.p95).toFixed(1)}" r="2.5"><title>${tip}</title></circle>`;
  const p50 = `<circle class="pt-p50 role-${point.role}" cx="${px.toFixed(1)}" cy="${y(point.p50).toFixed(1)}" r="${point.role === 'latest' ? 4.5 : 3.2}"><title>${tip}</title></circle>`;
  if (point.role !== 'latest' || (point.verdict !== 'regression' && point.verdict !== 'improvement')) return p95 + p50;
  const judged = y(statistic === 'p95' ? point.p95 : point.p50);
  const word = point.verdict === 'regression' ? 'regressed' : 'improved';
  return (
    p95 +
    p50 +
    `<circle class="mark-${point.verdict}" data-verdict="${point.verdict}" cx="${px.toFixed(1)}" cy="${judged.toFixed(1)}" r="9"><title>${tip}</title></circle>` +
    `<text class="mark-label mark-label-${point.verdict}" x="${(px - 12).toFixed(1)}" y="${(judged - 13).toFixed(1)}" text-anchor="end">${word}</text>`
  );
}

function xLabels(points: readonly TrendPoint[], x: (index: number) => number): string[] {
  const chosen = points.length <= 2 ? points.map((_, index) => index) : [0, Math.floor((points.length - 1) / 2), points.length - 1];
  return chosen.map((index) => {
    const anchor = points.length === 1 ? 'middle' : index === 0 ? 'start' : index === points.length - 1 ? 'end' : 'middle';
    const when = points[index].startedAtIso.replace('T', ' ').slice(0, 16);
    return `<text class="tick" x="${x(index).toFixed(1)}" y="${HEIGHT - 10}" text-anchor="${anchor}">${escapeXml(when)}</text>`;
  });
}
