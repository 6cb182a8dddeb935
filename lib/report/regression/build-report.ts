import { readHistory, type HistoryLineProblem } from '../history/read-history.ts';
import type { Measurement, RunContext, RunRecord } from '../measurement.ts';
import { comparePair, DEFAULT_SETTINGS, pairKey, type ComparisonSettings, type PairComparison } from './compare-pair.ts';
import type { MetricClass } from './noise-floor.ts';
import { parseSince, ReportInputError } from './report-options.ts';
import { chronological, describeGroupKey, describeGroups, groupKeyOf, type RunGroup } from './run-groups.ts';
import { DEFAULT_BASELINE_RUNS, parseBaselineSpec, selectBaseline, selectLatest } from './select-runs.ts';
import { buildTrends, type PairTrend } from './trends.ts';

export interface LatencyReportOptions {
  /** History file; default reports/history/latency.jsonl or $HYBRID_LAB_HISTORY. */
  historyPath?: string;
  /** `last:K` (default last:10), `run:ID-OR-LABEL`, `git:REF`, or a bare label/ref. */
  baseline?: string;
  /** Only runs started after this: `7d`, `12h`, or an ISO date. */
  since?: string;
  /** Run to judge (id or label); default the newest. */
  run?: string;
  settings?: Partial<Omit<ComparisonSettings, 'minEffect'>> & { minEffect?: Partial<Record<MetricClass, number>> };
  /** How many runs the trend charts show, newest last. */
  trendRuns?: number;
  /** Where git refs are resolved. */
  cwd?: string;
  now?: Date;
}

export type ReportOutcome = 'regression' | 'ok' | 'no-baseline';

export interface LatencyReport {
  generatedAtIso: string;
  historyPath: string;
  historyProblems: HistoryLineProblem[];
  settings: ComparisonSettings;
  since?: string;
  groups: Array<RunGroup & { compared: boolean }>;
  latest: RunContext;
  baseline: { spec: string; description: string; runIds: string[] };
  comparisons: PairComparison[];
  trends: PairTrend[];
  notes: string[];
  counts: Record<PairComparison['verdict'], number>;
  outcome: ReportOutcome;
}

const VERDICT_ORDER: Record<PairComparison['verdict'], number> = { regression: 0, 'low-confidence': 1, improvement: 2, missing: 3, new: 4, unchanged: 5 };

/** Reads the history and compares the latest run with its baseline, pair by pair. */
export async function buildLatencyReport(options: LatencyReportOptions = {}): Promise<LatencyReport> {
  const settings: ComparisonSettings = { ...DEFAULT_SETTINGS, ...options.settings, minEffect: { ...DEFAULT_SETTINGS.minEffect, ...options.settings?.minEffect } };
  const spec = parseBaselineSpec(options.baseline);
  const cutoff = options.since === undefined ? undefined : parseSince(options.since, options.now);
  const history = await readHistory(options.historyPath);
  if (history.runs.length === 0) {
    const why = history.exists ? 'has no valid runs' : 'does not exist';
    throw new ReportInputError(`history ${history.path} ${why}; run the suites or \`hybrid-lab bench\` first, or pass --history FILE`);
  }
  const runs = chronological(history.runs).filter((run) => !cutoff || Date.parse(run.context.startedAtIso) >= cutoff.getTime());
  if (runs.length === 0) {
    throw new ReportInputError(`--since "${options.since}": none of the ${history.runs.length} runs in ${history.path} started after ${cutoff?.toISOString()}`);
  }
  const latest = selectLatest(runs, options.run);
  const baseline = await selectBaseline(spec, runs, latest, options.cwd);
  const comparisons = compareRuns(latest, baseline.runs, settings);
  const groupRuns = runs.filter((run) => groupKeyOf(run.context) === groupKeyOf(latest.context) && Date.parse(run.context.startedAtIso) <= Date.parse(latest.context.startedAtIso));
  const groups = describeGroups(runs).map((group) => ({ ...group, compared: group.key === groupKeyOf(latest.context) }));
  const counts = countVerdicts(comparisons);
  return {
    generatedAtIso: (options.now ?? new Date()).toISOString(),
    historyPath: history.path,
    historyProblems: history.problems,
    settings,
    ...(options.since === undefined ? {} : { since: options.since }),
    groups,
    latest: latest.context,
    baseline: { spec: options.baseline ?? `last:${DEFAULT_BASELINE_RUNS}`, description: baseline.description, runIds: baseline.runs.map((run) => run.context.runId) },
    comparisons,
    trends: buildTrends(groupRuns.slice(-(options.trendRuns ?? 30)), latest, baseline.runs, comparisons, settings),
    notes: reportNotes(groups, latest, baseline.runs, history.problems, settings),
    counts,
    outcome: baseline.runs.length === 0 ? 'no-baseline' : counts.regression > 0 ? 'regression' : 'ok',
  };
}

/**
 * Compares every pair/metric that the latest run or its baseline measured. UDP jitter is judged
 * inside its pair's udp-throughput row (its own column), unless no run measured that throughput.
 */
export function compareRuns(latest: RunRecord, baseline: readonly RunRecord[], settings: ComparisonSettings): PairComparison[] {
  const latestByPair = measurementsByPair(latest);
  const baselineByPair = new Map<string, Measurement[]>();
  for (const run of baseline) {
    for (const [key, measurement] of measurementsByPair(run)) baselineByPair.set(key, [...(baselineByPair.get(key) ?? []), measurement]);
  }
  const keys = new Set([...latestByPair.keys(), ...baselineByPair.keys()]);
  const throughputKeyOf = (key: string) => key.replace(/\u0000udp-jitter$/, '\u0000udp-throughput');
  const jitterKeyOf = (key: string) => key.replace(/\u0000udp-throughput$/, '\u0000udp-jitter');
  const comparisons = [...keys]
    .filter((key) => !(key.endsWith('\u0000udp-jitter') && keys.has(throughputKeyOf(key))))
    .map((key) => {
      const jitterKey = key.endsWith('\u0000udp-throughput') ? jitterKeyOf(key) : undefined;
      const jitter = jitterKey && keys.has(jitterKey) ? { latest: latestByPair.get(jitterKey), baseline: baselineByPair.get(jitterKey) ?? [] } : undefined;
      return comparePair(latestByPair.get(key), baselineByPair.get(key) ?? [], settings, jitter);
    });
  return comparisons.sort(
    (a, b) => VERDICT_ORDER[a.verdict] - VERDICT_ORDER[b.verdict] || `${a.from} ${a.to} ${a.metric}`.localeCompare(`${b.from} ${b.to} ${b.metric}`),
  );
}

/** One measurement per pair/metric; if a run measured a pair twice (suite and bench), samples are pooled. */
export function measurementsByPair(run: RunRecord): Map<string, Measurement> {
  const byPair = new Map<string, Measurement>();
  for (const measurement of run.measurements) {
    const key = pairKey(measurement);
    const seen = byPair.get(key);
    byPair.set(key, seen ? { ...seen, samples: [...seen.samples, ...measurement.samples] } : measurement);
  }
  return byPair;
}

function countVerdicts(comparisons: readonly PairComparison[]): LatencyReport['counts'] {
  const counts = { regression: 0, 'low-confidence': 0, improvement: 0, unchanged: 0, new: 0, missing: 0 };
  for (const comparison of comparisons) counts[comparison.verdict]++;
  return counts;
}

function reportNotes(
  groups: LatencyReport['groups'],
  latest: RunRecord,
  baseline: readonly RunRecord[],
  problems: readonly HistoryLineProblem[],
  settings: ComparisonSettings,
): string[] {
  const notes: string[] = [];
  const others = groups.filter((group) => !group.compared);
  if (others.length > 0) {
    notes.push(
      `Compared only runs measured like the latest (${describeGroupKey(latest.context)}); ` +
        `${others.length} other group(s) not compared: ${others.map((group) => `${describeGroupKey(group)}, ${group.runCount} run(s)`).join('; ')}.`,
    );
  }
  if (baseline.length === 0) notes.push('No earlier run in this group to compare with: nothing can regress yet.');
  else if (baseline.length < settings.minBaselineRuns) {
    notes.push(
      `Only ${baseline.length} baseline run(s), fewer than ${settings.minBaselineRuns}: the run-to-run noise is not known well, so the floors are doubled ` +
        'and a worse run is reported as "low confidence" without failing.',
    );
  }
  const hosts = new Set(baseline.map((run) => run.context.hostname));
  if (hosts.size > 1 || (hosts.size === 1 && !hosts.has(latest.context.hostname))) {
    notes.push(`Baseline runs come from host(s) ${[...hosts].join(', ')}; the latest from ${latest.context.hostname}.`);
  }
  for (const problem of problems) notes.push(`History line ${problem.lineNumber} skipped: ${problem.problem}.`);
  return notes;
}
