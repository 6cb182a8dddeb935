import type { CaptureAnalysis } from '../analyse/analyse-capture.ts';
import type { DnsRecordServed, HostSnapshot, NodeDescription } from '../snapshot/host-snapshot.ts';

export type Severity = 'critical' | 'warning' | 'info';

export const SEVERITY_ORDER: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };

/** One thing wrong (or worth knowing), with what shows it and what to do about it. */
export interface Finding {
  /** Stable rule id, e.g. forward-policy-drop; lets scripts and tests pick findings out. */
  id: string;
  severity: Severity;
  title: string;
  /** Facts from the snapshot or the capture: counters, frame numbers, names. */
  evidence: string[];
  fix: string;
  /** Nodes this concerns, by name. */
  nodes?: string[];
  /** Orders findings of the same severity: more packets affected ranks higher. */
  weight?: number;
  /** Silent pairs ("from>to") this finding is about (a symptom: unanswered pings, queries, SYNs). */
  pairs?: string[];
  /** Silent pairs this finding explains (a cause): their symptom findings are folded into it. */
  explains?: string[];
  /** Symptom findings folded into this cause, by title. */
  symptoms?: string[];
}

/** What the rules look at. Either part may be missing (offline pcap has no snapshot). */
export interface FindingInput {
  bridge: string;
  subnet: string;
  /** The lab DNS domain, e.g. hybrid.local. */
  domain: string;
  nodes: NodeDescription[];
  /** What the lab DNS should answer (offline: from the topology; live: the snapshot has them too). */
  dnsRecords?: DnsRecordServed[];
  analysis?: CaptureAnalysis;
  snapshot?: HostSnapshot;
}

export type FindingRule = (input: FindingInput) => Finding[];

/** The node that owns an address, for messages that name nodes rather than IPs. */
export function nodeByIp(input: FindingInput, ip: string): NodeDescription | undefined {
  return input.nodes.find((node) => node.ip === ip) ?? input.snapshot?.nodes.find((node) => node.ip === ip);
}

export function labelIp(input: FindingInput, ip: string): string {
  const node = nodeByIp(input, ip);
  return node ? `${ip} (${node.name})` : ip;
}

/** "3 items: a, b, c" with a cap so evidence stays readable. */
export function listSome(items: readonly string[], max = 5): string {
  const shown = items.slice(0, max).join(', ');
  return items.length > max ? `${shown} and ${items.length - max} more` : shown;
}

/** "1 query" / "3 queries". */
export function count(n: number, singular: string, pluralForm = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : pluralForm}`;
}
