import type { CaptureAnalysis } from '../../capture/analyse/analyse-capture.ts';
import type { Finding } from '../../capture/findings/finding.ts';
import type { HostSnapshot, NodeDescription } from '../../capture/snapshot/host-snapshot.ts';
import { summarize, type SampleSummary } from '../measurement.ts';

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
  from: string;
  to: string;
  replies: number;
  lost: number;
  rttMs: SampleSummary;
}

export function pingPairSummaries(report: DebugReport): PingPairSummary[] {
  const groups = new Map<string, { from: string; to: string; rtts: number[]; lost: number }>();
  const group = (from: string, to: string) => {
    const key = `${from}|${to}`;
    let entry = groups.get(key);
    if (!entry) {
      entry = { from, to, rtts: [], lost: 0 };
      groups.set(key, entry);
    }
    return entry;
  };
  for (const pair of report.analysis.icmp.pairs) group(pair.from, pair.to).rtts.push(pair.rttMs);
  for (const lost of report.analysis.icmp.unanswered) group(lost.from, lost.to).lost++;
  return [...groups.values()].map((g) => ({ from: g.from, to: g.to, replies: g.rtts.length, lost: g.lost, rttMs: summarize(g.rtts) }));
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

export function formatMs(ms: number | undefined): string {
  if (ms === undefined || Number.isNaN(ms)) return '—';
  return ms < 1 ? `${ms.toFixed(3)} ms` : ms < 100 ? `${ms.toFixed(2)} ms` : `${Math.round(ms)} ms`;
}
