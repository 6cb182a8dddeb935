import type { LatencyReport } from './build-report.ts';
import { comparisonCells, comparisonHeader, runLine, summaryLine } from './render-text.ts';
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
    `|${header.map((_, index) => (index >= 2 && index <= 6 ? ' ---: ' : ' --- ')).join('|')}|`,
    ...report.comparisons.map((comparison) => `| ${comparisonCells(comparison).map(escape).join(' | ')} |`),
    '',
  ];
  const flagged = report.comparisons.filter((comparison) => comparison.verdict === 'regression' || comparison.verdict === 'improvement');
  for (const comparison of flagged) lines.push(`- **${escape(`${comparison.from} → ${comparison.to} ${comparison.metric}`)}**: ${escape(comparison.reason)}`);
  if (flagged.length) lines.push('');
  for (const note of report.notes) lines.push(`> ${escape(note)}`, '');
  lines.push(
    '<details><summary>Groups and settings</summary>',
    '',
    ...report.groups.map((group) => `- ${group.compared ? '**compared:** ' : ''}${describeGroupKey(group)}: ${group.runCount} run(s), ${group.firstIso} … ${group.lastIso}`),
    `- Significance: Mann–Whitney U on raw samples, α=${report.settings.alpha}; band: ${report.settings.bandSigmas}σ-equivalent prediction interval of the baseline runs' ${report.settings.statistic} (median ± t·√(1+1/K)·MAD·1.4826, needs ≥ 3 runs); loss threshold ${report.settings.lossThresholdPoints} points.`,
    `- History: \`${report.historyPath}\``,
    '',
    '</details>',
    '',
  );
  return lines.join('\n');
}
