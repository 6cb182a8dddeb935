import type { MetricName, MetricUnit } from '../measurement.ts';

/** Which way is worse: latency and jitter should go down, throughput up. */
export type Direction = 'lower-is-better' | 'higher-is-better';

export function directionOf(metric: MetricName): Direction {
  return metric === 'tcp-throughput' || metric === 'udp-throughput' ? 'higher-is-better' : 'lower-is-better';
}

/** A value with its unit, scaled for people: 0.42 ms, 941 Mbit/s. */
export function formatValue(value: number | undefined, unit: MetricUnit): string {
  if (value === undefined || !Number.isFinite(value)) return '–';
  if (unit === 'ms') return `${value < 1 ? value.toFixed(3) : value < 100 ? value.toFixed(2) : value.toFixed(0)} ms`;
  const steps: Array<[number, string]> = [[1e9, 'Gbit/s'], [1e6, 'Mbit/s'], [1e3, 'kbit/s']];
  for (const [scale, name] of steps) if (Math.abs(value) >= scale) return `${(value / scale).toFixed(value / scale < 10 ? 2 : 1)} ${name}`;
  return `${value.toFixed(0)} bit/s`;
}

/** A signed percentage: +23.4%, −5.0%. */
export function formatPercent(value: number | undefined): string {
  if (value === undefined || Number.isNaN(value)) return '–';
  if (!Number.isFinite(value)) return value > 0 ? '+∞%' : '−∞%';
  return `${value > 0 ? '+' : value < 0 ? '−' : '±'}${Math.abs(value).toFixed(1)}%`;
}
