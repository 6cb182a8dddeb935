import { run } from '../../common/run.ts';
import type { CaptureAnalysis } from '../../debug/analyse/analyse-capture.ts';
import type { LayerName } from '../decode/packet.ts';

/** tshark protocol names for the layers we count. */
const TSHARK_NAMES: Partial<Record<LayerName, string>> = {
  ethernet: 'eth',
  linuxCooked: 'sll',
  vlan: 'vlan',
  ieee8021ad: 'ieee8021ad',
  arp: 'arp',
  ipv4: 'ip',
  ipv6: 'ipv6',
  icmp: 'icmp',
  icmpv6: 'icmpv6',
  tcp: 'tcp',
  udp: 'udp',
  dns: 'dns',
};

/** tshark exits 2 on a file cut short but still prints the packets before the cut. */
async function fields(path: string, filter: string | undefined, names: string[]): Promise<string[][]> {
  const args = ['-r', path, '-2', '-n', '-T', 'fields', '-E', 'separator=\t', '-E', 'occurrence=f', ...(filter ? ['-Y', filter] : []), ...names.flatMap((n) => ['-e', n])];
  const { stdout, stderr, exitCode } = await run('tshark', args, { timeoutMs: 120_000, allowFailure: true });
  if (exitCode !== 0 && !/cut short/.test(stderr)) throw new Error(`tshark failed (exit ${exitCode}): ${stderr.trim()}`);
  return stdout.split('\n').filter((line) => line.length > 0).map((line) => line.split('\t'));
}

/** Frames per protocol as tshark's frame.protocols has them (the datagram an ICMP error quotes included, as ours). */
export async function tsharkProtocolCounts(path: string): Promise<Partial<Record<LayerName, number>>> {
  const counts: Partial<Record<LayerName, number>> = {};
  for (const [protocols] of await fields(path, undefined, ['frame.protocols'])) {
    const chain = new Set(protocols.split(':'));
    for (const [layer, name] of Object.entries(TSHARK_NAMES)) if (chain.has(name)) counts[layer as LayerName] = (counts[layer as LayerName] ?? 0) + 1;
  }
  return counts;
}

export function ourProtocolCounts(analysis: CaptureAnalysis): Partial<Record<LayerName, number>> {
  const counts: Partial<Record<LayerName, number>> = {};
  for (const layer of Object.keys(TSHARK_NAMES) as LayerName[]) if (analysis.mix.protocolCounts[layer] > 0) counts[layer] = analysis.mix.protocolCounts[layer];
  return counts;
}

/** Answered DNS queries as tshark matches them: "queryFrame->responseFrame id name rcode". */
export async function tsharkDnsTransactions(path: string): Promise<Array<{ key: string; responseTimeMs: number }>> {
  const rows = await fields(path, 'dns.flags.response == 1 && dns.response_to', ['frame.number', 'dns.response_to', 'dns.id', 'dns.qry.name', 'dns.flags.rcode', 'dns.time']);
  return rows.map(([frame, queryFrame, id, name, rcode, time]) => ({ key: `${queryFrame}->${frame} ${Number(id)} ${name} rcode=${rcode}`, responseTimeMs: Number(time) * 1000 }));
}

const RCODE_NUMBERS: Record<string, number> = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 };

export function ourDnsTransactions(analysis: CaptureAnalysis): Array<{ key: string; responseTimeMs: number }> {
  return analysis.dns.transactions
    .filter((t) => t.responseFrame !== undefined)
    .map((t) => ({ key: `${t.queryFrame}->${t.responseFrame} ${t.id} ${t.name} rcode=${RCODE_NUMBERS[t.rcode ?? 'NOERROR'] ?? t.rcode}`, responseTimeMs: t.responseTimeMs! }));
}

/** DNS queries tshark saw no response for (frame numbers); not the copies quoted inside ICMP errors. */
export async function tsharkUnansweredDns(path: string): Promise<number[]> {
  const rows = await fields(path, 'dns.flags.response == 0 && !dns.response_in && !_ws.malformed && !icmp && !icmpv6', ['frame.number']);
  return rows.map(([frame]) => Number(frame));
}

/** Echo replies matched to requests, ICMP and ICMPv6: "requestFrame->replyFrame" with RTT. */
export async function tsharkIcmpPairs(path: string): Promise<Array<{ key: string; rttMs: number }>> {
  const v4 = await fields(path, 'icmp.type == 0 && icmp.resp_to', ['frame.number', 'icmp.resp_to', 'icmp.resptime']);
  const v6 = await fields(path, 'icmpv6.type == 129 && icmpv6.resp_to', ['frame.number', 'icmpv6.resp_to', 'icmpv6.resptime']);
  return [...v4, ...v6].map(([frame, request, rtt]) => ({ key: `${request}->${frame}`, rttMs: Number(rtt) })).sort((a, b) => a.key.localeCompare(b.key));
}

export function ourIcmpPairs(analysis: CaptureAnalysis): Array<{ key: string; rttMs: number }> {
  return analysis.icmp.pairs.map((p) => ({ key: `${p.requestFrame}->${p.replyFrame}`, rttMs: p.rttMs })).sort((a, b) => a.key.localeCompare(b.key));
}

/** TCP resets and retransmissions as tshark's analysis marks them (frame numbers). */
export async function tsharkTcpEvents(path: string): Promise<{ resets: number[]; retransmissions: number[] }> {
  const resets = await fields(path, 'tcp.flags.reset == 1 && !icmp && !icmpv6', ['frame.number']);
  const retransmissions = await fields(path, '(tcp.analysis.retransmission || tcp.analysis.fast_retransmission || tcp.analysis.spurious_retransmission) && !icmp && !icmpv6', ['frame.number']);
  return { resets: resets.map(([f]) => Number(f)), retransmissions: retransmissions.map(([f]) => Number(f)) };
}

export function ourTcpEvents(analysis: CaptureAnalysis): { resets: number[]; retransmissions: number[] } {
  return { resets: analysis.tcp.resets.map((e) => e.frame), retransmissions: analysis.tcp.retransmissions.map((e) => e.frame) };
}
