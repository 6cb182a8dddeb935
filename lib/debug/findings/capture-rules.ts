import { summarize } from '../../report/measurement.ts';
import type { IcmpError } from '../analyse/icmp-errors.ts';
import { count, labelIp, listSome, nodeByIp, type Finding, type FindingInput, type FindingRule } from './finding.ts';
import { pairKey } from './silent-pairs.ts';
import { parseIpv4 } from '../../capture/decode/addresses.ts';
import { broadcastAddress, networkAddress, parseCidr } from '../../topology/ipv4.ts';

/** Capture quality: empty, cut short, snaplen-cut or malformed frames. */
export const captureQualityRule: FindingRule = ({ analysis }) => {
  if (!analysis) return [];
  const findings: Finding[] = [];
  if (analysis.mix.packets === 0) {
    findings.push({ id: 'capture-empty', severity: 'warning', title: 'the capture holds no packets', evidence: [analysis.file.path], fix: 'check the interface (the lab bridge) and the --filter; use --probe to generate traffic while capturing' });
  }
  if (analysis.file.truncated) {
    findings.push({ id: 'capture-truncated', severity: 'warning', title: 'the capture file is truncated or damaged: results cover only the packets before the damage', evidence: [analysis.file.truncationReason ?? 'truncated'], fix: 'stop tcpdump cleanly (SIGINT) and capture with -U so every packet is flushed' });
  }
  findings.push(...snapAndMalformedFindings(analysis));
  return findings;
};

/** Frames cut by the snap length (short, not broken) and frames whose lengths are wrong (malformed). */
function snapAndMalformedFindings(analysis: NonNullable<FindingInput['analysis']>): Finding[] {
  const findings: Finding[] = [];
  const { mix, file, dns } = analysis;
  if (mix.snapCutPackets > 0) {
    const snap = file.snapshotLength;
    // With the default snap length already in use, frames were cut by whatever wrote the file (editcap -s, tcpdump -s N).
    const fix = snap === 0 || snap >= 65535 ? `the file's snap length is ${snap}, yet frames were cut: the capturing tool cut them (tcpdump -s N, editcap -s); capture again without -s` : `capture with the full snap length (tcpdump -s 0; this file used ${snap} bytes)`;
    const cutDns = dns.short.slice(0, 3).map((m) => `frame ${m.frame} ${m.src} -> ${m.dst}: ${m.problem} (still counted and matched by ID)`);
    findings.push({ id: 'capture-snaplen-cut', severity: 'info', title: `${count(mix.snapCutPackets, 'frame')} cut by the capture's snap length (short, not malformed)`, evidence: [`snap length ${snap}`, ...cutDns], fix });
  }
  if (mix.malformedPackets > 0) {
    const dnsPart = dns.malformed.slice(0, 5).map((m) => `frame ${m.frame} ${m.src} -> ${m.dst}: ${m.problem}`);
    findings.push({ id: 'capture-malformed', severity: 'info', title: count(mix.malformedPackets, 'malformed frame'), evidence: dnsPart.length ? dnsPart : [`${mix.malformedPackets} frames whose lengths point past their end`], fix: dns.malformedCount > 0 ? 'a sender writes DNS messages whose lengths are wrong (or non-DNS traffic uses port 53): find it by the frame numbers above in Wireshark' : 'a sender writes headers whose lengths are wrong: find it by frame number in Wireshark' });
  }
  return findings;
}

/** DNS queries that got no answer, grouped by server; NXDOMAIN for lab names; slow answers. */
export const dnsRule: FindingRule = (input) => {
  const { analysis, domain } = input;
  if (!analysis) return [];
  const findings: Finding[] = [];
  const byServer = new Map<string, string[]>();
  const clients = new Map<string, Set<string>>();
  for (const t of analysis.dns.unanswered) {
    byServer.set(t.server, [...(byServer.get(t.server) ?? []), t.name]);
    clients.set(t.server, (clients.get(t.server) ?? new Set()).add(t.client));
  }
  for (const [server, names] of byServer) {
    const lab = names.some((name) => name.endsWith(domain));
    findings.push({
      id: 'dns-unanswered',
      severity: lab ? 'critical' : 'warning',
      title: `DNS queries for ${lab ? domain : listSome([...new Set(names)], 3)} unanswered by ${labelIp(input, server)}`,
      evidence: [`${count(names.length, 'query', 'queries')} without a response: ${listSome([...new Set(names)])}`],
      fix: `${input.snapshot ? 'no cause was found in the host snapshot' : 'offline: no host snapshot to find the cause in'}; check the DNS server listens on ${server}:53 (docker logs of the DNS container), or run hybrid-lab debug --probe on the live lab`,
      weight: names.length,
      pairs: [...(clients.get(server) ?? [])].map((client) => pairKey(client, server)),
    });
  }
  const nxLab = analysis.dns.transactions.filter((t) => t.rcode === 'NXDOMAIN' && t.name.endsWith(domain));
  if (nxLab.length > 0) {
    const names = [...new Set(nxLab.map((t) => t.name))];
    findings.push({ id: 'dns-nxdomain-lab', severity: 'warning', title: `lab names not found (NXDOMAIN): ${listSome(names, 3)}`, evidence: nxLab.slice(0, 5).map((t) => `frame ${t.responseFrame}: ${t.client} asked ${t.name}`), fix: 'the DNS records lack these names; hybrid-lab up rewrites them', weight: nxLab.length });
  }
  const failures = analysis.dns.transactions.filter((t) => t.rcode && t.rcode !== 'NOERROR' && t.rcode !== 'NXDOMAIN');
  if (failures.length > 0) {
    findings.push({ id: 'dns-server-failure', severity: 'warning', title: `${failures.length} DNS responses with errors (${listSome([...new Set(failures.map((t) => t.rcode ?? ''))])})`, evidence: failures.slice(0, 5).map((t) => `frame ${t.responseFrame}: ${t.name} -> ${t.rcode}`), fix: 'SERVFAIL/REFUSED from the lab DNS: it may be forwarding queries it should answer itself' });
  }
  const times = analysis.dns.transactions.map((t) => t.responseTimeMs).filter((ms): ms is number => ms !== undefined);
  const summary = summarize(times);
  if (times.length > 0 && summary.p95 > 100) {
    findings.push({ id: 'dns-slow', severity: 'info', title: `DNS answers are slow: p95 ${summary.p95.toFixed(1)} ms`, evidence: [`${times.length} answered queries, median ${summary.p50.toFixed(1)} ms, max ${summary.max.toFixed(1)} ms`], fix: 'a lab DNS answers from memory in < 1 ms; slow answers mean forwarding upstream or an overloaded host' });
  }
  return findings;
};

/** A test for "inside the lab subnet" (IPv4 CIDR). */
function subnetTest(subnet: string): (ip: string) => boolean {
  const cidr = parseCidr(subnet);
  if (!cidr) return () => true;
  const low = networkAddress(cidr);
  const high = broadcastAddress(cidr);
  return (ip) => {
    const value = parseIpv4(ip);
    return value !== undefined && value >= low && value <= high;
  };
}

/** ARP requests nobody answered: the address's owner is not on the bridge. */
export const arpRule: FindingRule = (input) => {
  const { analysis, bridge } = input;
  if (!analysis) return [];
  const inSubnet = subnetTest(input.subnet);
  const findings: Finding[] = analysis.arp.unanswered.map((entry) => {
    const node = nodeByIp(input, entry.targetIp);
    if (!inSubnet(entry.targetIp)) {
      // Nobody should ARP for loopback or another network's address on the lab bridge.
      return { id: 'arp-outside-subnet', severity: 'warning', title: `${listSome(entry.requesters.map((r) => labelIp(input, r)))} ARPs for ${entry.targetIp}, outside ${input.subnet}`, evidence: [`${count(entry.requests, 'request')}, first at frame ${entry.firstFrame}`], fix: `the sender's netmask or routes are wrong (ip addr / ip route on ${listSome(entry.requesters)}): it treats ${entry.targetIp} as on-link`, weight: entry.requests } satisfies Finding;
    }
    return {
      id: 'arp-unanswered',
      severity: node ? 'critical' : 'info',
      title: node ? `ARP for ${entry.targetIp} unanswered: ${node.kind === 'vm' ? 'VM' : node.kind} ${node.name} NIC not on the bridge, or the node is down` : `ARP for ${entry.targetIp} unanswered (no lab node has this address)`,
      evidence: [`${count(entry.requests, 'request')} from ${listSome(entry.requesters)}, first at frame ${entry.firstFrame}`],
      fix: node ? `check ${node.name} is running and its interface is a port of ${bridge} (bridge link show)` : 'something looks for an address the lab does not use: a stale config or a typo',
      nodes: node ? [node.name] : undefined,
      weight: entry.requests,
      pairs: entry.requesters.map((requester) => pairKey(requester, entry.targetIp)),
    } satisfies Finding;
  });
  for (const conflict of analysis.arp.conflicts) {
    findings.push({ id: 'arp-duplicate-address', severity: 'critical', title: `address ${labelIp(input, conflict.ip)} claimed by ${conflict.macs.length} MACs`, evidence: [`MACs: ${conflict.macs.join(', ')}`], fix: 'two nodes share an IP: check the topology IPs and leftovers from an old lab', weight: 1e5 });
  }
  return findings;
};

/** Pings without replies and ICMP errors. */
export const icmpRule: FindingRule = (input) => {
  const { analysis } = input;
  if (!analysis) return [];
  const findings: Finding[] = [];
  const lost = new Map<string, number>();
  for (const echo of analysis.icmp.unanswered) lost.set(`${echo.from}|${echo.to}`, (lost.get(`${echo.from}|${echo.to}`) ?? 0) + 1);
  for (const [pair, lostCount] of lost) {
    const [from, to] = pair.split('|');
    const why = input.snapshot ? 'the host snapshot shows no rule, policy or node state that explains it' : 'offline: no host snapshot to find the cause in';
    findings.push({ id: 'icmp-unanswered', severity: 'warning', title: `${count(lostCount, 'ping')} from ${labelIp(input, from)} to ${labelIp(input, to)} got no reply`, evidence: [`${count(lostCount, 'echo request')} unanswered in the capture`, why], fix: `capture on ${to}'s own interface to see whether the request arrives (hybrid-lab debug -i <its veth or tap>)`, weight: lostCount, pairs: [pairKey(from, to)] });
  }
  for (const error of analysis.icmp.errors) findings.push(icmpErrorFinding(input, error));
  return findings;
};

/** What to do about an ICMP error, from its type/code and the datagram it quotes. */
function icmpErrorFix(input: FindingInput, error: IcmpError): string {
  const q = error.quoted;
  if (/port unreachable/.test(error.kind) && q) {
    const dns = q.dstPort === 53 && nodeByIp(input, q.dst)?.kind === 'dns' ? ' (the lab DNS: docker logs of its container; hybrid-lab up restarts it)' : '';
    return `nothing listens on ${q.protocol} port ${q.dstPort} at ${labelIp(input, q.dst)}${dns}`;
  }
  if (/administratively prohibited/.test(error.kind)) return `a REJECT rule on ${labelIp(input, error.from)} refuses it: iptables-save -c | grep REJECT`;
  if (/host unreachable|address unreachable/.test(error.kind)) return `${labelIp(input, error.from)} got no ARP/ND answer for ${q ? q.dst : 'the destination'}: that node is down or off the bridge`;
  if (/time exceeded/.test(error.kind)) return 'a routing loop or a too-small TTL: check routes on the nodes (ip route)';
  return 'see the quoted datagram: the sender of the error says why it could not deliver it';
}

function icmpErrorFinding(input: FindingInput, error: IcmpError): Finding {
  const q = error.quoted;
  const quoted = q ? `${q.protocol} ${labelIp(input, q.src)}:${q.srcPort} -> ${labelIp(input, q.dst)}:${q.dstPort}${q.dnsId !== undefined ? ` (DNS id ${q.dnsId})` : ''}` : 'no quoted datagram';
  return {
    id: 'icmp-error',
    severity: 'warning',
    title: `ICMP${error.ipVersion === 6 ? 'v6' : ''} ${error.kind} (type ${error.type}, code ${error.code}) from ${labelIp(input, error.from)} for ${quoted}`,
    evidence: [`${count(error.count, 'error')}, first at frame ${error.firstFrame}`, `quoted: ${quoted}`],
    fix: icmpErrorFix(input, error),
    weight: error.count,
    // The error answers the quoted datagram: it explains why that pair saw no reply.
    explains: q ? [pairKey(q.src, q.dst)] : undefined,
  };
}

/** Resets (refused connections) and retransmissions (loss). */
export const tcpRule: FindingRule = (input) => {
  const { analysis } = input;
  if (!analysis) return [];
  const findings: Finding[] = [];
  const refused = new Map<string, number>();
  for (const reset of analysis.tcp.resets) refused.set(`${reset.src}:${reset.srcPort}`, (refused.get(`${reset.src}:${reset.srcPort}`) ?? 0) + 1);
  if (refused.size > 0) {
    findings.push({ id: 'tcp-resets', severity: 'info', title: count(analysis.tcp.resetCount, 'TCP reset'), evidence: [...refused].slice(0, 5).map(([endpoint, count]) => `${count} from ${endpoint}`), fix: 'a reset right after a SYN means nothing listens on that port in the node', weight: analysis.tcp.resets.length });
  }
  const share = analysis.tcp.segments === 0 ? 0 : analysis.tcp.retransmissionCount / analysis.tcp.segments;
  if (analysis.tcp.retransmissions.length > 0 && share > 0.01) {
    findings.push({ id: 'tcp-retransmissions', severity: 'warning', title: `${(share * 100).toFixed(1)}% of TCP segments were retransmitted`, evidence: [`${analysis.tcp.retransmissionCount} of ${analysis.tcp.segments} segments, first at frame ${analysis.tcp.retransmissions[0].frame}`], fix: 'loss on the bridge: check interface drop counters (ip -s link) and host CPU', weight: analysis.tcp.retransmissions.length });
  }
  if (analysis.tcp.unansweredSyns.length > 0) {
    const targets = [...new Set(analysis.tcp.unansweredSyns.map((s) => `${labelIp(input, s.dst)}:${s.dstPort}`))];
    findings.push({ id: 'tcp-syn-unanswered', severity: 'warning', title: `TCP connection attempts got no answer: ${listSome(targets, 3)}`, evidence: [`${count(analysis.tcp.unansweredSyns.length, 'SYN')} without SYN-ACK or reset`], fix: 'silence (not a reset) means a drop on the way or a node off the bridge; no cause was found in the host snapshot', weight: analysis.tcp.unansweredSyns.length, pairs: [...new Set(analysis.tcp.unansweredSyns.map((s) => pairKey(s.src, s.dst)))] });
  }
  return findings;
};

/** Traffic leaving the lab subnet, and a broadcast-heavy bridge. */
export const trafficRule: FindingRule = ({ analysis, subnet }) => {
  if (!analysis) return [];
  const findings: Finding[] = [];
  if (analysis.outsideLab.packets > 0) {
    findings.push({ id: 'outside-lab-traffic', severity: 'warning', title: `${count(analysis.outsideLab.packets, 'packet')} to or from addresses outside ${subnet}`, evidence: analysis.outsideLab.addresses.slice(0, 5).map((a) => `${a.address}: ${a.packetsFrom} from, ${a.packetsTo} to`), fix: 'a node resolves or routes outside the lab (upstream DNS, default route); lab tests must stay inside the lab', weight: analysis.outsideLab.packets });
  }
  if (analysis.mix.packets >= 50 && analysis.mix.broadcastPercent > 20) {
    findings.push({ id: 'broadcast-heavy', severity: 'warning', title: `${analysis.mix.broadcastPercent}% of frames are broadcast`, evidence: [`${analysis.mix.broadcastPackets} broadcast frames of ${analysis.mix.packets}`], fix: 'repeated unanswered ARP (see above) or a loop between bridges; check STP and duplicate links' });
  }
  return findings;
};

export const CAPTURE_RULES: FindingRule[] = [captureQualityRule, dnsRule, arpRule, icmpRule, tcpRule, trafficRule];
