import type { MetricName, MetricUnit, RunRecord } from '../measurement.ts';
import { pairKey, statisticOf, type ComparisonSettings, type PairComparison } from './compare-pair.ts';
import { directionOf, type Direction } from './metric-direction.ts';
import { quantile } from './stats.ts';

export interface TrendPoint {
  runId: string;
  startedAtIso: string;
  gitCommit?: string;
  label?: string;
  p50: number;
  p95: number;
  /** The value the comparison used (p50 or p95, per settings). */
  value: number;
  role: 'baseline' | 'latest' | 'other';
  /** Set on the latest point when its comparison flagged it. */
  verdict?: PairComparison['verdict'];
}

export interface PairTrend {
  from: string;
  to: string;
  metric: MetricName;
  unit: MetricUnit;
  direction: Direction;
  points: TrendPoint[];
  band?: { low: number; high: number };
  baselineValue?: number;
}

/** Per pair/metric, the p50 and p95 of every run in `runs` (one group, oldest first) for trend charts. */
export function buildTrends(
  runs: readonly RunRecord[],
  latest: RunRecord,
  baseline: readonly RunRecord[],
  comparisons: readonly PairComparison[],
  settings: ComparisonSettings,
): PairTrend[] {
  const baselineIds = new Set(baseline.map((run) => run.context.runId));
  return comparisons.map((comparison) => {
    const key = pairKey(comparison);
    const points: TrendPoint[] = [];
    for (const run of runs) {
      const samples = run.measurements.filter((measurement) => pairKey(measurement) === key).flatMap((measurement) => measurement.samples);
      if (samples.length === 0) continue;
      const isLatest = run === latest;
      points.push({
        runId: run.context.runId,
        startedAtIso: run.context.startedAtIso,
        ...(run.context.gitCommit ? { gitCommit: run.context.gitCommit } : {}),
        ...(run.context.label ? { label: run.context.label } : {}),
        p50: quantile(samples, 0.5),
        p95: quantile(samples, 0.95),
        value: statisticOf(samples, settings.statistic),
        role: isLatest ? 'latest' : baselineIds.has(run.context.runId) ? 'baseline' : 'other',
        ...(isLatest ? { verdict: comparison.verdict } : {}),
      });
    }
    return {
      from: comparison.from,
      to: comparison.to,
      metric: comparison.metric,
      unit: comparison.unit,
      direction: directionOf(comparison.metric),
      points,
      ...(comparison.baseline?.band ? { band: comparison.baseline.band } : {}),
      ...(comparison.baseline ? { baselineValue: comparison.baseline.value } : {}),
    };
  });
}
