import type { Measurement, MetricName, MetricUnit } from '../measurement.ts';
import { directionOf, type Direction } from './metric-direction.ts';
import { madSigma, mannWhitneyU, median, quantile, studentQuantileForZ } from './stats.ts';

/** Which per-run number the effect size and the baseline band use. */
export type Statistic = 'p50' | 'p95';

export interface ComparisonSettings {
  /** Smallest relative change of the statistic that counts, in percent (e.g. 20). */
  thresholdPercent: number;
  /** Significance level for the Mann–Whitney U test on raw samples. */
  alpha: number;
  statistic: Statistic;
  /** Half-width of the baseline band in robust standard deviations (MAD·1.4826) of per-run values. */
  bandSigmas: number;
  /** Loss increase, in percentage points, that counts as a regression on its own. */
  lossThresholdPoints: number;
}

export const DEFAULT_SETTINGS: ComparisonSettings = {
  thresholdPercent: 20,
  alpha: 0.01,
  statistic: 'p50',
  bandSigmas: 3,
  lossThresholdPoints: 5,
};

export type Verdict = 'regression' | 'improvement' | 'unchanged' | 'new' | 'missing';

export interface BaselineSide {
  runCount: number;
  sampleCount: number;
  /** The statistic over the pooled baseline samples. */
  value: number;
  p95: number;
  /** Per-run values of the statistic, oldest first. */
  runValues: number[];
  /** Where run-to-run noise alone puts the statistic; absent with fewer than 3 baseline runs. */
  band?: { low: number; high: number };
  lossPercent?: number;
}

export interface LatestSide {
  sampleCount: number;
  value: number;
  p95: number;
  lossPercent?: number;
}

export interface PairComparison {
  from: string;
  to: string;
  metric: MetricName;
  unit: MetricUnit;
  direction: Direction;
  baseline?: BaselineSide;
  latest?: LatestSide;
  /** Relative change of the statistic, latest vs baseline, in percent (positive = larger). */
  changePercent?: number;
  pValue?: number;
  verdict: Verdict;
  /** One sentence on why the verdict, for people reading the report. */
  reason: string;
}

/** Identifies a measured pair and metric across runs. */
export function pairKey(measurement: Pick<Measurement, 'from' | 'to' | 'metric'>): string {
  return `${measurement.from}\u0000${measurement.to}\u0000${measurement.metric}`;
}

/** The per-run statistic of one measurement's samples. */
export function statisticOf(samples: readonly number[], statistic: Statistic): number {
  return quantile(samples, statistic === 'p50' ? 0.5 : 0.95);
}

/**
 * Compares one pair/metric of the latest run with the same pair in the baseline runs.
 * A change is flagged only when it is (a) statistically significant on the raw samples
 * (Mann–Whitney U, p < alpha), (b) outside the band that run-to-run noise of the baseline
 * allows, when there are enough baseline runs to know it, and (c) at least the threshold.
 */
export function comparePair(
  latest: Measurement | undefined,
  baseline: readonly Measurement[],
  settings: ComparisonSettings,
): PairComparison {
  const any = latest ?? baseline[0];
  const head = { from: any.from, to: any.to, metric: any.metric, unit: any.unit, direction: directionOf(any.metric) };
  const baselineSide = baseline.length > 0 ? describeBaseline(baseline, settings) : undefined;
  if (!latest) {
    return { ...head, baseline: baselineSide, verdict: 'missing', reason: 'measured in the baseline but not in the latest run' };
  }
  const latestSide: LatestSide = {
    sampleCount: latest.samples.length,
    value: statisticOf(latest.samples, settings.statistic),
    p95: quantile(latest.samples, 0.95),
    ...(latest.lossPercent === undefined ? {} : { lossPercent: latest.lossPercent }),
  };
  if (!baselineSide) return { ...head, latest: latestSide, verdict: 'new', reason: 'no baseline run measured this pair' };
  const loss = lossRegression(latestSide, baselineSide, settings);
  if (baselineSide.sampleCount === 0 || latestSide.sampleCount === 0) {
    // 100% loss leaves no samples; that is the loudest regression there is, not a "new" pair.
    const why = latestSide.sampleCount === 0 ? 'no samples in the latest run' : 'no samples in the baseline runs';
    return { ...head, baseline: baselineSide, latest: latestSide, ...(loss ?? { verdict: latestSide.sampleCount === 0 ? 'missing' : 'new', reason: why }) };
  }
  const { pValue } = mannWhitneyU(latest.samples, baseline.flatMap((measurement) => measurement.samples));
  const changePercent = relativeChangePercent(latestSide.value, baselineSide.value);
  const verdict = loss ?? judge(head.direction, changePercent, pValue, latestSide, baselineSide, settings);
  return { ...head, baseline: baselineSide, latest: latestSide, changePercent, pValue, ...verdict };
}

/** (latest − baseline) / |baseline| in percent; ±Infinity from a zero baseline (e.g. 0 ms jitter). */
function relativeChangePercent(latest: number, baseline: number): number {
  if (baseline === 0) return latest === 0 ? 0 : Math.sign(latest) * Infinity;
  return ((latest - baseline) / Math.abs(baseline)) * 100;
}

/** Packet loss rising by the loss threshold or more is a regression whatever the timings say. */
function lossRegression(latest: LatestSide, baseline: BaselineSide, settings: ComparisonSettings): { verdict: Verdict; reason: string } | undefined {
  if (latest.lossPercent === undefined) return undefined;
  const lossRise = latest.lossPercent - (baseline.lossPercent ?? 0);
  if (lossRise < settings.lossThresholdPoints) return undefined;
  return { verdict: 'regression', reason: `loss rose by ${lossRise.toFixed(1)} points to ${latest.lossPercent.toFixed(1)}% (threshold ${settings.lossThresholdPoints})` };
}

function describeBaseline(baseline: readonly Measurement[], settings: ComparisonSettings): BaselineSide {
  const pooled = baseline.flatMap((measurement) => measurement.samples);
  const runValues = baseline.map((measurement) => statisticOf(measurement.samples, settings.statistic)).filter(Number.isFinite);
  const losses = baseline.map((measurement) => measurement.lossPercent).filter((loss): loss is number => loss !== undefined);
  let band: BaselineSide['band'];
  if (runValues.length >= 3) {
    const center = median(runValues);
    // A prediction interval for one new run: t instead of z because σ comes from few runs,
    // and √(1 + 1/K) because the centre is itself estimated.
    const k = runValues.length;
    const halfWidth = studentQuantileForZ(settings.bandSigmas, k - 1) * Math.sqrt(1 + 1 / k) * madSigma(runValues);
    band = { low: center - halfWidth, high: center + halfWidth };
  }
  return {
    runCount: baseline.length,
    sampleCount: pooled.length,
    value: statisticOf(pooled, settings.statistic),
    p95: quantile(pooled, 0.95),
    runValues,
    ...(band ? { band } : {}),
    ...(losses.length > 0 ? { lossPercent: median(losses) } : {}),
  };
}

function judge(
  direction: Direction,
  changePercent: number,
  pValue: number,
  latest: LatestSide,
  baseline: BaselineSide,
  settings: ComparisonSettings,
): { verdict: Verdict; reason: string } {
  const worse = direction === 'lower-is-better' ? changePercent > 0 : changePercent < 0;
  const beyondThreshold = Math.abs(changePercent) >= settings.thresholdPercent;
  const significant = pValue < settings.alpha;
  const outsideBand = !baseline.band || latest.value < baseline.band.low || latest.value > baseline.band.high;
  const stat = settings.statistic;
  if (!beyondThreshold) return { verdict: 'unchanged', reason: `${stat} change within the ${settings.thresholdPercent}% threshold` };
  if (!significant) return { verdict: 'unchanged', reason: `not significant (Mann–Whitney p=${pValue.toPrecision(2)} ≥ ${settings.alpha})` };
  if (!outsideBand) return { verdict: 'unchanged', reason: `${stat} inside the baseline runs' noise band` };
  const band = baseline.band ? ', outside the baseline band' : ' (band needs ≥ 3 baseline runs)';
  const size = Number.isFinite(changePercent) ? `by ${Math.abs(changePercent).toFixed(1)}%` : 'from zero';
  const what = `${stat} ${worse ? 'worse' : 'better'} ${size}, p=${pValue.toPrecision(2)}${band}`;
  return { verdict: worse ? 'regression' : 'improvement', reason: what };
}
