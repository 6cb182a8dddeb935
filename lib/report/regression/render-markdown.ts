import { familySuffix } from '../measurement.ts';
import type { LatencyReport } from './build-report.ts';
import { comparisonCells, comparisonHeader, runLine, settingsText, summaryLine } from './render-text.ts';
import { describeGroupKey } from './run-groups.ts';

/** Markdown for a CI comment: verdict first, regressions at the top of the table, details folded. */
export function renderMarkdown(report: LatencyReport): string {
  const icon = report.outcome === 'regression' ? '❌' : report.outcome === 'no-baseline' ? 'ℹ️' : '✅';
  const escape = (cell: string) => cell.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const header = comparisonHeader(report);
  const lines = [
    `### ${icon} Latency report: ${escape(summaryLine(report))}`,
    '',
    escape(runLine(report)),
    '',
    `| ${header.join(' | ')} |`,
    `|${header.map((_, index) => (index >= 2 && index <= 8 ? ' ---: ' : ' --- ')).join('|')}|`,
    ...report.comparisons.map((comparison) => `| ${comparisonCells(comparison, report.settings).map(escape).join(' | ')} |`),
    '',
  ];
  const flagged = report.comparisons.filter((comparison) => ['regression', 'low-confidence', 'improvement'].includes(comparison.verdict));
  for (const comparison of flagged) lines.push(`- **${escape(`${comparison.from} → ${comparison.to}${familySuffix(comparison.family)} ${comparison.metric}`)}**: ${escape(comparison.reason)}`);
  if (flagged.length) lines.push('');
  for (const note of report.notes) lines.push(`> ${escape(note)}`, '');
  lines.push(
    '<details><summary>Groups and settings</summary>',
    '',
    ...report.groups.map((group) => `- ${group.compared ? '**compared:** ' : ''}${describeGroupKey(group)}: ${group.runCount} run(s), ${group.firstIso} … ${group.lastIso}`),
    `- Rule: the latest run's ${report.settings.statistic} vs the median of the baseline runs' ${report.settings.statistic}; it counts beyond the noise floor, the largest of the ${report.settings.thresholdPercent}% threshold, the metric class's minimum effect and ${report.settings.spreadK}σ of the runs' spread (t·√(1+1/K)·σ̂, needs ≥ 3 runs); below ${report.settings.minBaselineRuns} baseline runs the threshold and minimum double and a worse run is "low confidence". Raw samples can veto (Mann–Whitney U, p ≥ α=${report.settings.alpha}) but never flag alone. Loss: own floor, ${report.settings.lossThresholdPoints} points or more.`,
    `- Settings: ${settingsText(report.settings)}`,
    `- History: \`${report.historyPath}\``,
    '',
    '</details>',
    '',
  );
  return lines.join('\n');
}
