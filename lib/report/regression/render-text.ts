import Table from 'cli-table3';
import type { LatencyReport } from './build-report.ts';
import type { PairComparison } from './compare-pair.ts';
import { formatPercent, formatValue } from './metric-direction.ts';
import { describeGroupKey } from './run-groups.ts';

const VERDICT_TEXT: Record<PairComparison['verdict'], string> = {
  regression: '✖ regression',
  improvement: '▲ improvement',
  unchanged: '✔ unchanged',
  new: '• new',
  missing: '? missing',
};

/** Cells shared by the terminal table and the Markdown table. */
export function comparisonCells(comparison: PairComparison): string[] {
  const { unit } = comparison;
  const baseline = comparison.baseline ? `${formatValue(comparison.baseline.value, unit)} (${comparison.baseline.runCount} run${comparison.baseline.runCount === 1 ? '' : 's'})` : '–';
  const p95 = `${formatValue(comparison.baseline?.p95, unit)} → ${formatValue(comparison.latest?.p95, unit)}`;
  const pValue = comparison.pValue === undefined ? '–' : comparison.pValue < 1e-4 ? '<1e-4' : comparison.pValue.toPrecision(2);
  return [
    `${comparison.from} → ${comparison.to}`,
    comparison.metric,
    baseline,
    formatValue(comparison.latest?.value, unit),
    formatPercent(comparison.changePercent),
    p95,
    pValue,
    VERDICT_TEXT[comparison.verdict],
  ];
}

export function comparisonHeader(report: LatencyReport): string[] {
  const stat = report.settings.statistic;
  return ['Pair', 'Metric', `Baseline ${stat}`, `Latest ${stat}`, 'Change', 'p95 baseline → latest', 'p (M–W)', 'Verdict'];
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
  const parts = [`${counts.regression} regression(s)`, `${counts.improvement} improvement(s)`, `${counts.unchanged} unchanged`];
  if (counts.new) parts.push(`${counts.new} new`);
  if (counts.missing) parts.push(`${counts.missing} missing`);
  return `${head}: ${parts.join(', ')} (threshold ${settings.thresholdPercent}%, α=${settings.alpha}, statistic ${settings.statistic})`;
}

/** The terminal rendering: run line, table, notes, summary. */
export function renderTable(report: LatencyReport): string {
  const table = new Table({ head: comparisonHeader(report), style: { head: [], border: [] },
    // No rule between rows: denser, and still aligned.
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  for (const comparison of report.comparisons) table.push(comparisonCells(comparison));
  const lines = [runLine(report), table.toString()];
  const reasons = report.comparisons.filter((comparison) => comparison.verdict === 'regression' || comparison.verdict === 'improvement');
  for (const comparison of reasons) lines.push(`  ${comparison.from} → ${comparison.to} ${comparison.metric}: ${comparison.reason}`);
  for (const note of report.notes) lines.push(`note: ${note}`);
  lines.push(summaryLine(report));
  return `${lines.join('\n')}\n`;
}
