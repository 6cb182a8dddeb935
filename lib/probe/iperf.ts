import type { LabNode } from '../nodes/node.ts';

export interface ThroughputResult {
  protocol: 'tcp' | 'udp';
  bitsPerSec: number;
  /** UDP only. */
  lossPercent?: number;
  jitterMs?: number;
  /** Per-interval rates, bits/s: the samples kept in history. */
  intervalBitsPerSec: number[];
}

interface IperfJson {
  error?: string;
  intervals?: Array<{ sum: { bits_per_second: number } }>;
  end?: {
    sum_received?: { bits_per_second: number };
    sum?: { bits_per_second: number; lost_percent?: number; jitter_ms?: number };
  };
}

export function parseIperfJson(protocol: 'tcp' | 'udp', text: string): ThroughputResult {
  const report = JSON.parse(text) as IperfJson;
  if (report.error) throw new Error(`iperf3: ${report.error}`);
  const intervalBitsPerSec = (report.intervals ?? []).map((interval) => interval.sum.bits_per_second);
  if (protocol === 'tcp') return { protocol, bitsPerSec: report.end?.sum_received?.bits_per_second ?? 0, intervalBitsPerSec };
  const sum = report.end?.sum;
  return { protocol, bitsPerSec: sum?.bits_per_second ?? 0, lossPercent: sum?.lost_percent, jitterMs: sum?.jitter_ms, intervalBitsPerSec };
}

/** Runs an iperf3 client from a node against a target's iperf3 server (TCP, or UDP at a set rate). */
export async function iperf(from: LabNode, targetIp: string, options: { protocol: 'tcp' | 'udp'; seconds?: number; udpRateBitsPerSec?: number }): Promise<ThroughputResult> {
  const seconds = options.seconds ?? 2;
  const args = ['iperf3', '-c', targetIp, '-J', '-t', String(seconds), '-i', '0.5'];
  if (options.protocol === 'udp') args.push('-u', '-b', String(Math.round(options.udpRateBitsPerSec ?? 10e6)));
  const result = await from.exec(args, { timeoutMs: (seconds + 20) * 1000 });
  try {
    return parseIperfJson(options.protocol, result.stdout);
  } catch (error) {
    throw new Error(`iperf3 ${options.protocol} ${from.name} -> ${targetIp} failed (exit ${result.exitCode}): ${(error as Error).message}${result.stderr ? `; ${result.stderr.trim()}` : ''}`);
  }
}
