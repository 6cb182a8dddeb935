import { HybridLabError } from '../../common/errors.ts';
import { METRIC_CLASSES, type MetricClass } from './noise-floor.ts';

/** Bad values of report flags: names the flag, the value and what would be accepted. Exit 2. */
export class ReportInputError extends HybridLabError {}

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `--since`: a relative age (`90m`, `12h`, `7d`, `2w`) or an ISO date; returns the cut-off time. */
export function parseSince(text: string, now = new Date()): Date {
  const relative = /^(\d+(?:\.\d+)?)\s*([mhdw])$/.exec(text.trim());
  if (relative) return new Date(now.getTime() - Number(relative[1]) * UNIT_MS[relative[2]]);
  if (/^\d{4}-\d{2}-\d{2}/.test(text.trim())) {
    const time = Date.parse(text.trim());
    if (!Number.isNaN(time)) return new Date(time);
  }
  throw new ReportInputError(`--since "${text}": expected an age like 90m, 12h, 7d, 2w or an ISO date like 2026-11-01`);
}

/** `--threshold`: a relative change in percent, `20%` or `20`; must be above 0. */
export function parseThresholdPercent(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(text);
  const value = match ? Number(match[1]) : NaN;
  if (!(value > 0 && value < 10_000)) {
    throw new ReportInputError(`--threshold "${text}": expected a percentage above 0, like 20% or 7.5`);
  }
  return value;
}

/** `--alpha`: the significance level, a number strictly between 0 and 0.5. */
export function parseAlpha(text: string): number {
  const value = Number(text);
  if (!(value > 0 && value < 0.5)) throw new ReportInputError(`--alpha "${text}": expected a number between 0 and 0.5, like 0.01`);
  return value;
}

/** `--loss-threshold`: percentage points of extra loss that count as a regression. */
export function parseLossPoints(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(text);
  const value = match ? Number(match[1]) : NaN;
  if (!(value > 0 && value <= 100)) throw new ReportInputError(`--loss-threshold "${text}": expected percentage points between 0 and 100, like 5`);
  return value;
}

const CLASS_UNITS: Record<MetricClass, { scale: Record<string, number>; example: string }> = {
  rtt: { scale: { '': 1, ms: 1, us: 1e-3, 'µs': 1e-3 }, example: 'rtt=0.05ms' },
  dns: { scale: { '': 1, ms: 1, us: 1e-3, 'µs': 1e-3 }, example: 'dns=0.2ms' },
  jitter: { scale: { '': 1, ms: 1, us: 1e-3, 'µs': 1e-3 }, example: 'jitter=0.2ms' },
  throughput: { scale: { '': 1e6, mbit: 1e6, 'mbit/s': 1e6, gbit: 1e9, 'gbit/s': 1e9, kbit: 1e3, 'kbit/s': 1e3 }, example: 'throughput=20Mbit' },
};

/**
 * `--min-effect CLASS=VALUE` (repeatable): the smallest absolute change that counts for a metric
 * class; ms for rtt/dns/jitter (or µs), Mbit/s for throughput (or kbit, Gbit). Returns values in
 * the class's unit (ms, bits/s).
 */
export function parseMinEffects(entries: readonly string[]): Partial<Record<MetricClass, number>> {
  const result: Partial<Record<MetricClass, number>> = {};
  for (const entry of entries) {
    const match = /^\s*([a-z]+)\s*=\s*(\d+(?:\.\d+)?)\s*([a-zµ/]*)\s*$/i.exec(entry);
    const metricClass = match?.[1].toLowerCase() as MetricClass | undefined;
    const units = metricClass ? CLASS_UNITS[metricClass] : undefined;
    const scale = units?.scale[(match?.[3] ?? '').toLowerCase()];
    if (!match || !units || scale === undefined || !(Number(match[2]) >= 0)) {
      const examples = METRIC_CLASSES.map((name) => CLASS_UNITS[name].example).join(', ');
      throw new ReportInputError(`--min-effect "${entry}": expected CLASS=VALUE with CLASS one of ${METRIC_CLASSES.join(', ')}, like ${examples}`);
    }
    result[metricClass!] = Number(match[2]) * scale;
  }
  return result;
}

/** `--spread-k`: how many of the baseline runs' σ a change must exceed, a number from 1 to 10. */
export function parseSpreadK(text: string): number {
  const value = Number(text);
  if (!(value >= 1 && value <= 10)) throw new ReportInputError(`--spread-k "${text}": expected a number from 1 to 10, like 3`);
  return value;
}

/** `--min-runs`: baseline runs needed to fail on a regression (fewer: low confidence); a whole number ≥ 1. */
export function parseMinRuns(text: string): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1) throw new ReportInputError(`--min-runs "${text}": expected a whole number of runs ≥ 1, like 5`);
  return Number(text);
}
