import Table from 'cli-table3';
import { familySuffix } from '../measurement.ts';
import type { LatencyReport } from './build-report.ts';
import type { PairComparison } from './compare-pair.ts';
import { describeRule } from './judge-aspects.ts';
import { formatPercent, formatValue } from './metric-direction.ts';
import { METRIC_CLASSES, metricClassOf } from './noise-floor.ts';
import { describeGroupKey } from './run-groups.ts';

const VERDICT_TEXT: Record<PairComparison['verdict'], string> = {
  regression: '✖ regression',
  'low-confidence': '◌ worse, low confidence',
  improvement: '▲ improvement',
  unchanged: '✔ unchanged',
  new: '• new',
  missing: '? missing',
};

/** What the row's value is, in the words of its metric class. */
const VALUE_NAME: Record<string, string> = { rtt: 'rtt', dns: 'dns time', throughput: 'throughput', jitter: 'jitter' };

/** The verdict cell: which aspects (value, loss, jitter) were flagged, so a loss regression never reads as an RTT one. */
export function verdictCell(comparison: PairComparison): string {
  const text = VERDICT_TEXT[comparison.verdict];
  if (comparison.flagged.length === 0) return text;
  const names = comparison.flagged.map((aspect) => (aspect === 'value' ? VALUE_NAME[metricClassOf(comparison.metric)] : aspect));
  return `${text}: ${names.join(', ')}`;
}

/** The noise floor on the worse side a row's statistic was held to: `+0.050 ms min effect`, `−4.1 Gbit/s 3σ of 8 runs`. */
export function floorCell(comparison: PairComparison, settings: LatencyReport['settings']): string {
  if (!comparison.floor) return '–';
  const sign = comparison.direction === 'lower-is-better' ? '+' : '−';
  return `${sign}${formatValue(comparison.floor.amount, comparison.unit)} ${describeRule(comparison.floor, settings)}`;
}

/** Loss, baseline → latest, with the change in points; flagged with its own mark. */
export function lossCell(comparison: PairComparison): string {
  const { loss } = comparison;
  if (!loss) return '–';
  const rise = `${loss.risePoints >= 0 ? '+' : '−'}${Math.abs(loss.risePoints).toFixed(1)} pts`;
  const mark = loss.verdict === 'regression' ? ' ✖' : loss.verdict === 'low-confidence' ? ' ◌' : '';
  return `${loss.baselinePercent.toFixed(1)}% → ${loss.latestPercent.toFixed(1)}% (${rise})${mark}`;
}

/** Jitter, baseline → latest, with its relative change; flagged with its own mark. */
export function jitterCell(comparison: PairComparison): string {
  const { jitter } = comparison;
  if (!jitter) return '–';
  const mark = jitter.verdict === 'regression' ? ' ✖' : jitter.verdict === 'low-confidence' ? ' ◌' : '';
  return `${formatValue(jitter.baseline.value, 'ms')} → ${formatValue(jitter.latest.value, 'ms')} (${formatPercent(jitter.changePercent)})${mark}`;
}

/** Cells shared by the terminal table and the Markdown table. */
export function comparisonCells(comparison: PairComparison, settings: LatencyReport['settings']): string[] {
  const { unit } = comparison;
  const baseline = comparison.baseline ? `${formatValue(comparison.baseline.value, unit)} (${comparison.baseline.runCount} run${comparison.baseline.runCount === 1 ? '' : 's'})` : '–';
  const pValue = comparison.pValue === undefined ? '–' : comparison.pValue < 1e-4 ? '<1e-4' : comparison.pValue.toPrecision(2);
  return [
    `${comparison.from} → ${comparison.to}${familySuffix(comparison.family)}`,
    comparison.metric,
    baseline,
    formatValue(comparison.latest?.value, unit),
    formatPercent(comparison.changePercent),
    floorCell(comparison, settings),
    lossCell(comparison),
    jitterCell(comparison),
    pValue,
    verdictCell(comparison),
  ];
}

export function comparisonHeader(report: LatencyReport): string[] {
  const stat = report.settings.statistic;
  return ['Pair', 'Metric', `Baseline ${stat}`, `Latest ${stat}`, 'Change', 'Noise floor', 'Loss', 'Jitter', 'p (M–W)', 'Verdict'];
}

/** One line naming the latest run and what it was compared with. */
export function runLine(report: LatencyReport): string {
  const { latest } = report;
  const commit = latest.gitCommit ? `, commit ${latest.gitCommit.slice(0, 10)}` : '';
  const label = latest.label ? ` "${latest.label}"` : '';
  return `Latest run ${latest.runId}${label} (${latest.startedAtIso}${commit}; ${describeGroupKey(latest)}) vs baseline: ${report.baseline.description}`;
}

/** The verdict in one line: what CI logs show last. */
export function summaryLine(report: LatencyReport): string {
  const { counts, settings } = report;
  const head = report.outcome === 'regression' ? '✖ REGRESSION' : report.outcome === 'no-baseline' ? '• NO BASELINE' : '✔ OK';
  const parts = [`${counts.regression} regression(s)`];
  if (counts['low-confidence']) parts.push(`${counts['low-confidence']} low-confidence`);
  parts.push(`${counts.improvement} improvement(s)`, `${counts.unchanged} unchanged`);
  if (counts.new) parts.push(`${counts.new} new`);
  if (counts.missing) parts.push(`${counts.missing} missing`);
  return `${head}: ${parts.join(', ')} (${settingsText(settings)})`;
}

/** The rule's knobs in one parenthesis: threshold, minimum effects, k, minimum of runs, statistic. */
export function settingsText(settings: LatencyReport['settings']): string {
  const minimums = METRIC_CLASSES.map((metricClass) => `${metricClass} ${formatValue(settings.minEffect[metricClass], metricClass === 'throughput' ? 'bitsPerSec' : 'ms')}`).join(', ');
  return `threshold ${settings.thresholdPercent}%, min effect ${minimums}, ${settings.spreadK}σ of runs, ≥ ${settings.minBaselineRuns} baseline runs, statistic ${settings.statistic}`;
}

/** The terminal rendering: run line, table, notes, summary. */
export function renderTable(report: LatencyReport): string {
  const table = new Table({ head: comparisonHeader(report), style: { head: [], border: [] },
    // No rule between rows: denser, and still aligned.
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  for (const comparison of report.comparisons) table.push(comparisonCells(comparison, report.settings));
  const lines = [runLine(report), table.toString()];
  const reasons = report.comparisons.filter((comparison) => ['regression', 'low-confidence', 'improvement'].includes(comparison.verdict));
  for (const comparison of reasons) lines.push(`  ${comparison.from} → ${comparison.to}${familySuffix(comparison.family)} ${comparison.metric}: ${comparison.reason}`);
  for (const note of report.notes) lines.push(`note: ${note}`);
  lines.push(summaryLine(report));
  return `${lines.join('\n')}\n`;
}
