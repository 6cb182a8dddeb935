import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { EXIT_CHECK_FAILED } from '../../common/errors.ts';
import {
  buildLatencyReport,
  parseAlpha,
  parseLossPoints,
  parseMinEffects,
  parseMinRuns,
  parseSpreadK,
  parseThresholdPercent,
  renderHtml,
  renderMarkdown,
  renderTable,
  ReportInputError,
  type LatencyReport,
} from '../../report/regression/index.ts';
import { printDocument, schemaId } from '../output.ts';

interface LatencyFlags {
  history?: string;
  baseline?: string;
  since?: string;
  run?: string;
  threshold: string;
  alpha: string;
  statistic: string;
  lossThreshold: string;
  minEffect: string[];
  spreadK: string;
  minRuns: string;
  trendRuns: string;
  format: string;
  json?: boolean;
  out?: string;
}

const FORMATS = ['table', 'markdown', 'html', 'json'] as const;

/** The `report` command group; other report kinds add subcommands to the same parent. */
export function reportCommand(program: Command): Command {
  return (
    program.commands.find((command) => command.name() === 'report') ??
    program
      .command('report')
      .description('reports built from recorded runs (latency history, ...)')
      .addHelpText('after', '\nExamples:\n  npx hybrid-lab report latency\n  npx hybrid-lab report latency --baseline git:main --format markdown --out reports/latency.md')
  );
}

export function registerReport(program: Command): void {
  reportCommand(program)
    .command('latency')
    .description('compare the latest recorded run with a baseline, per pair and metric; exit 1 on a regression')
    .option('--history <file>', 'history file (default: reports/history/latency.jsonl or $HYBRID_LAB_HISTORY)')
    .option('-b, --baseline <ref>', 'last:K (default last:10), run:ID-OR-LABEL, git:REF, or a bare label or git ref')
    .option('--since <when>', 'only runs started after this: 90m, 12h, 7d, 2w or an ISO date')
    .option('--run <id>', 'judge this run (id or label) instead of the newest')
    .option('--threshold <percent>', 'smallest relative change that counts', '20%')
    .option('--min-effect <class=value>', 'smallest absolute change that counts, per class (repeatable): rtt=0.05ms, dns=0.2ms, throughput=20Mbit, jitter=0.2ms', collect, [])
    .option('--spread-k <k>', 'a change must also exceed k × the baseline runs\' spread (prediction interval)', '3')
    .option('--min-runs <n>', 'baseline runs needed to fail; with fewer, a worse run is "low confidence"', '5')
    .option('--alpha <p>', 'significance level of the Mann–Whitney U veto on raw samples', '0.01')
    .option('--statistic <p50|p95>', 'per-run value compared and charted as the band', 'p50')
    .option('--loss-threshold <points>', 'extra packet loss, in percentage points, that counts as a regression', '5')
    .option('--trend-runs <n>', 'runs shown in HTML trend charts', '30')
    .option('--format <format>', `output format: ${FORMATS.join('|')}`, 'table')
    .option('--json', 'same as --format json')
    .option('-o, --out <file>', 'write the report to a file (the summary line still goes to stdout)')
    .addHelpText(
      'after',
      `
Examples:
  npx hybrid-lab report latency                        latest run vs the pool of the 10 before it
  npx hybrid-lab report latency --baseline git:main    vs runs recorded at main's commit
  npx hybrid-lab report latency --baseline release-0.3 --threshold 10%
  npx hybrid-lab report latency --since 7d --format html --out reports/latency.html
  npx hybrid-lab report latency --format markdown --out comment.md   (for a CI comment)

The run is the unit: the latest run's statistic is compared with the baseline runs' statistics.
A change counts only beyond the noise floor, the largest of --threshold, the class's --min-effect
and --spread-k × the runs' spread; raw samples can veto (Mann–Whitney p ≥ --alpha) but never flag
alone. With fewer than --min-runs baseline runs the floor doubles and a worse run is reported as
"low confidence" without failing. Loss (--loss-threshold) and UDP jitter are judged on their own.
Runs with another VM acceleration (KVM/TCG/none) or topology are never compared:
the report lists those groups. Exit codes: 0 no regression, 1 regression, 2 bad input.`,
    )
    .action(async (flags: LatencyFlags) => {
      const format = flags.json ? 'json' : flags.format;
      if (!(FORMATS as readonly string[]).includes(format)) throw new ReportInputError(`--format "${format}": expected one of ${FORMATS.join(', ')}`);
      if (flags.statistic !== 'p50' && flags.statistic !== 'p95') throw new ReportInputError(`--statistic "${flags.statistic}": expected p50 or p95`);
      if (flags.history) await checkHistoryPath(flags.history);
      const trendRuns = Number(flags.trendRuns);
      if (!Number.isInteger(trendRuns) || trendRuns < 1) throw new ReportInputError(`--trend-runs "${flags.trendRuns}": expected a whole number ≥ 1`);
      const report = await buildLatencyReport({
        historyPath: flags.history,
        baseline: flags.baseline,
        since: flags.since,
        run: flags.run,
        trendRuns,
        settings: {
          thresholdPercent: parseThresholdPercent(flags.threshold),
          alpha: parseAlpha(flags.alpha),
          statistic: flags.statistic,
          lossThresholdPoints: parseLossPoints(flags.lossThreshold),
          minEffect: parseMinEffects(flags.minEffect),
          spreadK: parseSpreadK(flags.spreadK),
          minBaselineRuns: parseMinRuns(flags.minRuns),
        },
      });
      await emit(report, format as (typeof FORMATS)[number], flags.out);
      if (report.outcome === 'regression') process.exitCode = EXIT_CHECK_FAILED;
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** A directory given as --history is a plain mistake: say so with the path, not EISDIR. */
async function checkHistoryPath(path: string): Promise<void> {
  const isDirectory = await stat(path).then((found) => found.isDirectory(), () => false);
  if (isDirectory) throw new ReportInputError(`--history ${path} is a directory, not a history file. Fix: give the file, e.g. --history ${join(path, 'latency.jsonl')}`);
}

async function emit(report: LatencyReport, format: (typeof FORMATS)[number], out?: string): Promise<void> {
  if (!out && format === 'json') return printDocument('latency-report', report);
  const text =
    format === 'json' ? `${JSON.stringify({ schema: schemaId('latency-report'), ...report }, null, 2)}\n` : format === 'markdown' ? renderMarkdown(report) : format === 'html' ? renderHtml(report) : renderTable(report);
  if (!out) {
    process.stdout.write(text);
    return;
  }
  await writeFile(out, text);
  const { counts } = report;
  process.stdout.write(`wrote ${out}: ${report.outcome}, ${counts.regression} regression(s), ${counts.improvement} improvement(s), ${counts.unchanged} unchanged\n`);
}
