import Table from 'cli-table3';
import { addressLabel, formatBytes, formatMs, pingPairSummaries, severityCounts, type DebugReport } from '../../debug/debug-report.ts';

const SEVERITY_MARK = { critical: '✘ critical', warning: '! warning', info: 'i info' } as const;

function table(head: string[], rows: string[][], colWidths?: number[]): string {
  const t = new Table({ head, style: { head: [], border: [] }, wordWrap: true, ...(colWidths ? { colWidths } : {}) });
  t.push(...rows);
  return t.toString();
}

function summaryTable(report: DebugReport): string {
  const { mix, conversations, icmp, dns, arp, tcp, outsideLab, file } = report.analysis;
  const protocols = Object.entries(mix.protocolCounts).filter(([, n]) => n > 0).map(([name, n]) => `${name} ${n}`).join(', ');
  const medianRtt = (version: 4 | 6) => {
    // From each pair's RTT sample (all RTTs while a pair has at most 1000 replies).
    const sample = icmp.byPair.filter((p) => p.ipVersion === version).flatMap((p) => p.rttNs.sample).sort((a, b) => a - b);
    return sample.length ? `, median RTT ${formatMs(sample[Math.floor(sample.length / 2)] / 1e6)}` : '';
  };
  const rows: string[][] = [
    ['capture', `${report.source.pcapPath}${file.truncated ? ' (TRUNCATED)' : ''}`],
    ['packets', `${mix.packets} (${formatBytes(mix.bytes)}) over ${mix.durationSec.toFixed(1)} s`],
    ['protocols', protocols || '—'],
    ['broadcast / multicast', `${mix.broadcastPercent}% / ${mix.multicastPercent}%`],
    ['conversations', `${conversations.ip.count} IP pairs, ${conversations.tcp.count} TCP, ${conversations.udp.count} UDP`],
    ['ICMP echo', `${icmp.v4.requests} requests, ${icmp.v4.replies} replies, ${icmp.v4.pairs} pairs, ${icmp.v4.unanswered} unanswered${medianRtt(4)}`],
    ['ICMPv6 echo', `${icmp.v6.requests} requests, ${icmp.v6.replies} replies, ${icmp.v6.pairs} pairs, ${icmp.v6.unanswered} unanswered${medianRtt(6)}`],
    ['DNS', `${dns.queries} queries, ${dns.responses} responses, ${dns.unansweredCount} unanswered, ${dns.malformedCount} malformed, ${dns.shortCount} cut by the snap length`],
    ['ARP', `${arp.requests} requests, ${arp.replies} replies, ${arp.unanswered.length} addresses unanswered`],
    ['TCP', `${tcp.segments} segments, ${tcp.resetCount} resets, ${tcp.retransmissionCount} retransmissions`],
    ['outside the lab', `${outsideLab.packets} packets`],
  ];
  const quoted = Object.entries(mix.quotedOnlyCounts).map(([name, n]) => `${name} ${n}`).join(', ');
  // Said in words where the counts deliberately follow tshark or differ from it.
  if (quoted) rows.push(['inside ICMP errors', `${quoted}: counted in "protocols" as tshark does, not in conversations or DNS transactions`]);
  if (dns.malformedCount > 0) rows.push(['malformed DNS', `${dns.malformedCount} messages listed as malformed and not counted as queries or responses (tshark still shows their ID)`]);
  if (report.source.droppedByKernel) rows.push(['dropped by kernel', String(report.source.droppedByKernel)]);
  return table(['summary', ''], rows);
}

function findingsTable(report: DebugReport): string {
  if (report.findings.length === 0) return 'No findings: nothing looks wrong in this capture and snapshot.';
  const rows = report.findings.map((f) => [SEVERITY_MARK[f.severity], f.title, f.evidence.slice(0, 3).join('\n'), f.fix]);
  return table(['severity', 'finding', 'evidence', 'fix'], rows, [12, 44, 44, 40]);
}

function pingTable(report: DebugReport): string | undefined {
  const pairs = pingPairSummaries(report);
  if (pairs.length === 0) return undefined;
  const rows = pairs.map((p) => [`${addressLabel(report, p.from)} → ${addressLabel(report, p.to)}`, String(p.replies), String(p.lost), formatMs(p.rttMs.min), formatMs(p.rttMs.p50), formatMs(p.rttMs.p95), formatMs(p.rttMs.max)]);
  return table(['ping', 'replies', 'lost', 'min', 'p50', 'p95', 'max'], rows);
}

function dnsTable(report: DebugReport, limit = 20): string | undefined {
  const transactions = report.analysis.dns.transactions;
  if (transactions.length === 0) return undefined;
  const rows = transactions.slice(0, limit).map((t) => [addressLabel(report, t.client), `${t.name} ${t.queryType}`, t.rcode ?? 'NO RESPONSE', t.answers.join(', ') || '—', formatMs(t.responseTimeMs)]);
  const more = transactions.length > limit ? `\n(${transactions.length - limit} more DNS transactions in the JSON/HTML report)` : '';
  return table(['client', 'query', 'rcode', 'answers', 'time'], rows) + more;
}

function talkersTable(report: DebugReport, limit = 8): string | undefined {
  const talkers = report.analysis.talkers.slice(0, limit);
  if (talkers.length === 0) return undefined;
  return table(['top talkers', 'sent', 'received'], talkers.map((t) => [addressLabel(report, t.address), `${t.packetsSent} pkts, ${formatBytes(t.bytesSent)}`, `${t.packetsReceived} pkts, ${formatBytes(t.bytesReceived)}`]));
}

/** The terminal view of a debug report: summary, findings, then the evidence tables. */
export function renderDebugTables(report: DebugReport): string {
  const counts = severityCounts(report);
  const headline = `${counts.critical} critical, ${counts.warning} warnings, ${counts.info} notes`;
  const parts = [summaryTable(report), `Findings: ${headline}`, findingsTable(report), pingTable(report), dnsTable(report), talkersTable(report)];
  return `${parts.filter((p): p is string => p !== undefined).join('\n\n')}\n`;
}
