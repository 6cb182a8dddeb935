import type { CaptureAnalysis } from './analyse/analyse-capture.ts';
import type { Finding } from './findings/finding.ts';
import type { HostSnapshot, NodeDescription } from './snapshot/host-snapshot.ts';
import { summarize, type SampleSummary } from '../report/measurement.ts';

/** Where the packets came from: a file given to --pcap, or a capture we just took. */
export interface DebugSource {
  kind: 'pcap-file' | 'live-capture';
  pcapPath: string;
  interface?: string;
  filter?: string;
  durationSec?: number;
  droppedByKernel?: number;
}

/** Everything `hybrid-lab debug` found: rendered as tables, HTML and JSON. */
export interface DebugReport {
  generatedAtIso: string;
  source: DebugSource;
  bridge: string;
  subnet: string;
  domain: string;
  nodes: NodeDescription[];
  analysis: CaptureAnalysis;
  snapshot?: HostSnapshot;
  findings: Finding[];
}

/** Echo RTTs per (from, to) with loss: the table people read first after findings. */
export interface PingPairSummary {
  ipVersion: 4 | 6;
  from: string;
  to: string;
  replies: number;
  lost: number;
  rttMs: SampleSummary;
  /** False when the percentiles come from a sample (more pairs than the reservoir holds). */
  exact: boolean;
}

export function pingPairSummaries(report: DebugReport): PingPairSummary[] {
  return report.analysis.icmp.byPair.map((p) => {
    const summary = summarize(p.rttNs.sample.map((ns) => ns / 1e6));
    // Count, min, max and mean are exact over every pair; only the percentiles are sampled.
    const rttMs = { ...summary, count: p.replies, min: p.rttNs.min / 1e6, max: p.rttNs.max / 1e6, mean: p.rttNs.mean / 1e6 };
    return { ipVersion: p.ipVersion, from: p.from, to: p.to, replies: p.replies, lost: p.lost, rttMs, exact: p.rttNs.exact };
  });
}

/** "10.0.1.20 (web)" when the address belongs to a lab node. */
export function addressLabel(report: DebugReport, ip: string): string {
  const node = report.nodes.find((n) => n.ip === ip);
  return node ? `${ip} (${node.name})` : ip;
}

export function severityCounts(report: DebugReport): Record<'critical' | 'warning' | 'info', number> {
  const counts = { critical: 0, warning: 0, info: 0 };
  for (const finding of report.findings) counts[finding.severity]++;
  return counts;
}

/** Bytes for humans: 1.2 MB. */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = -1;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** Durations for humans: below a millisecond in µs (so 14.482 µs is not shown as 0.014 ms). */
export function formatMs(ms: number | undefined): string {
  if (ms === undefined || Number.isNaN(ms)) return '—';
  if (ms < 1) return `${Number((ms * 1000).toFixed(3))} µs`;
  return ms < 100 ? `${Number(ms.toFixed(3))} ms` : `${Math.round(ms)} ms`;
}
