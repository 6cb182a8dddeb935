import type { Measurement, MetricName, MetricUnit, RunRecord } from '../measurement.ts';
import { pairKey, statisticOf, type ComparisonSettings, type PairComparison, type Verdict } from './compare-pair.ts';
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
  /** Packet loss of the run, when the pair's probe counts it. */
  lossPercent?: number;
  /** UDP jitter of the run (udp-throughput rows), in ms. */
  jitterMs?: number;
  role: 'baseline' | 'latest' | 'other';
  /** Set on the latest point: the row's verdict. */
  verdict?: Verdict;
}

/** Verdict per charted series, so only the series that regressed gets its latest point ringed. */
export interface SeriesVerdicts {
  value?: Verdict;
  loss?: Verdict;
  jitter?: Verdict;
}

export interface PairTrend {
  from: string;
  to: string;
  metric: MetricName;
  unit: MetricUnit;
  direction: Direction;
  points: TrendPoint[];
  /** Baseline centre ± noise floor of the statistic. */
  band?: { low: number; high: number };
  baselineValue?: number;
  /** Baseline loss ± its floor (points), and the jitter band, when the row judged them. */
  lossBand?: { low: number; high: number };
  jitterBand?: { low: number; high: number };
  verdicts: SeriesVerdicts;
}

/** Per pair/metric, every run's p50, p95, loss and jitter in `runs` (one group, oldest first) for trend charts. */
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
    const jitterKey = pairKey({ ...comparison, metric: 'udp-jitter' });
    const points: TrendPoint[] = [];
    for (const run of runs) {
      const measured = run.measurements.filter((measurement) => pairKey(measurement) === key);
      const samples = measured.flatMap((measurement) => measurement.samples);
      if (samples.length === 0 && !measured.some((measurement) => measurement.lossPercent !== undefined)) continue;
      const isLatest = run === latest;
      const jitter = comparison.jitter ? run.measurements.filter((measurement) => pairKey(measurement) === jitterKey).flatMap((m) => m.samples) : [];
      const lossPercent = lossOf(measured);
      points.push({
        runId: run.context.runId,
        startedAtIso: run.context.startedAtIso,
        ...(run.context.gitCommit ? { gitCommit: run.context.gitCommit } : {}),
        ...(run.context.label ? { label: run.context.label } : {}),
        p50: quantile(samples, 0.5),
        p95: quantile(samples, 0.95),
        value: statisticOf(samples, settings.statistic),
        ...(lossPercent === undefined ? {} : { lossPercent }),
        ...(jitter.length > 0 ? { jitterMs: statisticOf(jitter, settings.statistic) } : {}),
        role: isLatest ? 'latest' : baselineIds.has(run.context.runId) ? 'baseline' : 'other',
        ...(isLatest ? { verdict: comparison.verdict } : {}),
      });
    }
    const { loss, jitter } = comparison;
    return {
      from: comparison.from,
      to: comparison.to,
      metric: comparison.metric,
      unit: comparison.unit,
      direction: directionOf(comparison.metric),
      points,
      ...(comparison.baseline ? { band: comparison.baseline.band, baselineValue: comparison.baseline.value } : {}),
      ...(loss ? { lossBand: { low: Math.max(0, loss.baselinePercent - loss.floorPoints), high: loss.baselinePercent + loss.floorPoints } } : {}),
      ...(jitter ? { jitterBand: jitter.baseline.band } : {}),
      verdicts: { value: comparison.valueVerdict, loss: loss?.verdict, jitter: jitter?.verdict },
    };
  });
}

/** A run's loss for a pair: the mean when it measured the pair more than once. */
function lossOf(measured: readonly Measurement[]): number | undefined {
  const losses = measured.map((measurement) => measurement.lossPercent).filter((loss): loss is number => loss !== undefined);
  return losses.length === 0 ? undefined : losses.reduce((sum, loss) => sum + loss, 0) / losses.length;
}
