import type { CaptureAnalysis } from '../analyse/analyse-capture.ts';

/** Traffic from one address to another that got no answer in the capture, by kind. */
export interface SilentPair {
  from: string;
  to: string;
  kind: 'ping' | 'dns' | 'tcp' | 'arp';
  count: number;
  firstFrame: number;
  /** For DNS: the names asked; for TCP: the ports tried. */
  detail: string[];
}

/** "10.0.1.50>10.0.1.100": the key findings use to say which pair they explain. */
export function pairKey(from: string, to: string): string {
  return `${from}>${to}`;
}

/** Every (from, to) with unanswered pings, DNS queries or SYNs, heaviest first. */
export function silentPairs(analysis: CaptureAnalysis): SilentPair[] {
  const pairs = new Map<string, SilentPair>();
  const note = (kind: SilentPair['kind'], from: string, to: string, frame: number, detail: string) => {
    const key = `${kind}|${pairKey(from, to)}`;
    const pair = pairs.get(key) ?? { from, to, kind, count: 0, firstFrame: frame, detail: [] };
    pair.count++;
    pair.firstFrame = Math.min(pair.firstFrame, frame);
    if (detail && !pair.detail.includes(detail) && pair.detail.length < 5) pair.detail.push(detail);
    pairs.set(key, pair);
  };
  for (const echo of analysis.icmp.unanswered) note('ping', echo.from, echo.to, echo.requestFrame, '');
  for (const query of analysis.dns.unanswered) note('dns', query.client, query.server, query.queryFrame, query.name);
  for (const syn of analysis.tcp.unansweredSyns) note('tcp', syn.src, syn.dst, syn.frame, String(syn.dstPort));
  // A silent neighbour often shows only as ARP: the sender never learns a MAC to send the ping to.
  for (const arp of analysis.arp.unanswered) for (const requester of arp.requesters) note('arp', requester, arp.targetIp, arp.firstFrame, '');
  return [...pairs.values()].sort((a, b) => b.count - a.count);
}

export function describeSilence(pair: SilentPair): string {
  if (pair.kind === 'arp') return `ARP from ${pair.from} for ${pair.to} got no answer (first at frame ${pair.firstFrame})`;
  const what = pair.kind === 'ping' ? `${pair.count} ping${pair.count === 1 ? '' : 's'}` : pair.kind === 'dns' ? `${pair.count} DNS quer${pair.count === 1 ? 'y' : 'ies'} (${pair.detail.join(', ')})` : `${pair.count} TCP SYN${pair.count === 1 ? '' : 's'} (port ${pair.detail.join(', ')})`;
  return `${what} from ${pair.from} to ${pair.to} got no answer (first at frame ${pair.firstFrame})`;
}
