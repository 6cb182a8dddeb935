/**
 * Typed measurements: what the suites and `hybrid-lab bench` produce, what the latency history
 * stores and what reports render. Units are in the field names.
 */

/** How VMs in the run executed: KVM, QEMU software emulation, or no VMs at all. */
export type AccelMode = 'kvm' | 'tcg' | 'none';

export type MetricName =
  | 'icmp-rtt' // ping round trip, samples in ms
  | 'dns-resolve' // DNS query -> answer time, samples in ms
  | 'tcp-throughput' // iperf3 TCP, bits per second
  | 'udp-throughput' // iperf3 UDP at a set rate, bits per second
  | 'udp-jitter'; // iperf3 UDP jitter, ms

export type MetricUnit = 'ms' | 'bitsPerSec';

/** The address family a probe went over. */
export type MeasurementFamily = 'ipv4' | 'ipv6';

/** `[v6]` after a pair's name for IPv6 measurements; nothing for IPv4 (the lab's default, and all history before dual stack). */
export function familySuffix(family: MeasurementFamily | undefined): string {
  return family === 'ipv6' ? ' [v6]' : '';
}

/** min/p50/p95/p99/max/mean of a sample set, in the measurement's unit. */
export interface SampleSummary {
  count: number;
  min: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

export interface Measurement {
  /** Suite that took it (latency, throughput, dns...). */
  suite: string;
  metric: MetricName;
  unit: MetricUnit;
  /** Node names; `host` is the machine running the lab. */
  from: string;
  to: string;
  /** The family the probes went over; every new measurement has it, history lines written before dual stack do not (they were IPv4). */
  family?: MeasurementFamily;
  /** Raw samples, in `unit`; kept so later runs can compare distributions, not just summaries. */
  samples: number[];
  summary: SampleSummary;
  /** Share of probes that got no answer (ping loss, UDP datagram loss), 0-100. */
  lossPercent?: number;
  /** Whether this measurement was within its budget, and the budget it was held to. */
  budget?: { limit: number; kind: 'max-p95' | 'min-value' | 'max-loss'; passed: boolean };
}

/** Where and on what a run was measured; runs with different contexts are not compared silently. */
export interface RunContext {
  runId: string;
  startedAtIso: string;
  gitCommit?: string;
  topologyName: string;
  topologyHash: string;
  accelMode: AccelMode;
  hostKernel: string;
  toolVersion: string;
  hostname: string;
  /** Optional name a person gave this run (e.g. `v0.3-release`), usable as a report baseline. */
  label?: string;
}

export interface RunRecord {
  context: RunContext;
  measurements: Measurement[];
}

/** Summarises samples with nearest-rank percentiles. */
export function summarize(samples: readonly number[]): SampleSummary {
  if (samples.length === 0) return { count: 0, min: NaN, p50: NaN, p95: NaN, p99: NaN, max: NaN, mean: NaN };
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
  return {
    count: sorted.length,
    min: sorted[0],
    p50: rank(50),
    p95: rank(95),
    p99: rank(99),
    max: sorted[sorted.length - 1],
    mean: sorted.reduce((sum, x) => sum + x, 0) / sorted.length,
  };
}
