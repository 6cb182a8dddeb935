import type { Finding } from '../../debug/findings/finding.ts';
import type { HostSnapshot } from '../../debug/snapshot/host-snapshot.ts';
import { addressLabel, formatBytes, formatMs, pingPairSummaries, type DebugReport } from '../../debug/debug-report.ts';
import { cdfChart, columnChart, escapeHtml as e, histogramBins, horizontalBarChart } from './svg-charts.ts';
import { icmpErrorTable, ipConversationTable } from './html-incident.ts';
import { htmlTable } from './html-table.ts';

export function tilesSection(report: DebugReport): string {
  const { mix, icmp, dns, arp, outsideLab, conversations } = report.analysis;
  const rtts = [...icmp.rttSampleMs].sort((a, b) => a - b);
  const tiles: Array<[string, string, boolean]> = [
    [String(mix.packets), `packets · ${formatBytes(mix.bytes)}`, false],
    [`${mix.durationSec.toFixed(1)} s`, 'captured', false],
    [String(conversations.ip.count), 'IP conversations', false],
    [rtts.length ? formatMs(rtts[Math.floor(rtts.length / 2)]) : '—', `median ping RTT (${icmp.v4.pairs + icmp.v6.pairs} pairs)`, false],
    [String(icmp.v4.unanswered + icmp.v6.unanswered), 'pings unanswered', icmp.v4.unanswered + icmp.v6.unanswered > 0],
    [String(dns.queries), 'DNS queries', false],
    [String(dns.unansweredCount), 'DNS unanswered', dns.unansweredCount > 0],
    [String(arp.unanswered.length), 'ARP targets unanswered', arp.unanswered.length > 0],
    [String(outsideLab.packets), 'packets outside the lab', outsideLab.packets > 0],
    [`${mix.broadcastPercent}%`, 'broadcast', mix.broadcastPercent > 20],
  ];
  return `<div class="tiles">${tiles.map(([value, label, bad]) => `<div class="tile${bad ? ' bad' : ''}"><div class="value">${e(value)}</div><div class="label">${e(label)}</div></div>`).join('')}</div>`;
}

function findingCard(finding: Finding): string {
  const evidence = finding.evidence.map((line) => `<li>${e(line)}</li>`).join('');
  // Symptoms this cause explains are listed under it, not as findings of their own.
  const symptoms = finding.symptoms?.length ? `<p class="symptoms">Explains: ${finding.symptoms.map(e).join('; ')}</p>` : '';
  return `<section class="finding ${finding.severity}" data-finding="${e(finding.id)}"><h3><span class="sev">${finding.severity}</span>${e(finding.title)}</h3>${evidence ? `<ul>${evidence}</ul>` : ''}${symptoms}<p class="fix"><b>Fix</b><code>${e(finding.fix)}</code></p></section>`;
}

export function findingsSection(report: DebugReport): string {
  if (report.findings.length === 0) return '<h2>Findings</h2><p>No findings: nothing looks wrong in this capture and snapshot.</p>';
  return `<h2>Findings</h2>${report.findings.map(findingCard).join('\n')}`;
}

function chartCard(title: string, svg: string | undefined, empty: string, legend = ''): string {
  return `<div class="card"><h3>${e(title)}</h3>${legend}${svg ?? `<div class="empty">${e(empty)}</div>`}</div>`;
}

export function chartsSection(report: DebugReport): string {
  const { mix, icmp, dns, talkers } = report.analysis;
  const timeline = mix.timeline.map((b) => ({ label: `${b.startSec}s`, value: b.packets, title: `${b.startSec}–${b.startSec + mix.timelineBucketSec} s: ${b.packets} packets, ${formatBytes(b.bytes)}` }));
  const timelineSvg = timeline.length ? columnChart(timeline, { className: 'chart-timeline', ariaLabel: 'packets over time', xLabel: `seconds since first packet (${mix.timelineBucketSec} s bars)`, yLabel: 'packets' }) : undefined;
  const rttBins = histogramBins(icmp.rttSampleMs);
  const rttSvg = rttBins.length ? columnChart(rttBins, { className: 'chart-rtt', ariaLabel: 'ping RTT distribution', xLabel: 'round-trip time (ms)', yLabel: 'echo pairs' }) : undefined;
  const rttCdf = cdfChart(icmp.rttSampleMs, { className: 'chart-rtt-cdf', ariaLabel: 'ping RTT tail (CDF)', xLabel: 'round-trip time (ms)' });
  const dnsCdf = cdfChart(dns.responseTimeSampleMs, { className: 'chart-dns-cdf', ariaLabel: 'DNS response time tail (CDF)', xLabel: 'response time (ms)' });
  const dnsBins = histogramBins(dns.responseTimeSampleMs);
  const dnsSvg = dnsBins.length ? columnChart(dnsBins, { className: 'chart-dns', ariaLabel: 'DNS response time distribution', xLabel: 'response time (ms)', yLabel: 'queries' }) : undefined;
  const top = talkers.slice(0, 10).map((t) => ({ label: addressLabel(report, t.address), values: [t.bytesSent, t.bytesReceived], title: `${t.address}: sent ${formatBytes(t.bytesSent)}, received ${formatBytes(t.bytesReceived)}` }));
  const talkersSvg = top.length ? horizontalBarChart(top, { className: 'chart-talkers', ariaLabel: 'top talkers by bytes', seriesClasses: ['sent', 'received'], valueFormat: formatBytes }) : undefined;
  const legend = '<div class="legend"><i style="background:var(--accent)"></i>sent<i style="background:var(--accent2)"></i>received</div>';
  const quoted = Object.entries(mix.quotedOnlyCounts).map(([name, n]) => `${name} ${n}`).join(', ');
  const note = quoted ? `<p class="muted">Protocol counts include datagrams quoted inside ICMP errors (${e(quoted)}), as tshark counts them; conversations and DNS transactions count outer packets only.</p>` : '';
  return `<h2>Traffic</h2>${note}<div class="charts">${[
    chartCard('Packets over time', timelineSvg, 'no packets'),
    chartCard('Ping RTT distribution', rttSvg, 'no ICMP echo pairs in this capture'),
    chartCard('Top talkers (bytes)', talkersSvg, 'no IP traffic', legend),
    chartCard('DNS response time', dnsSvg, 'no answered DNS queries'),
    chartCard('Ping RTT tail (CDF, log scale)', rttCdf, 'no ICMP echo pairs in this capture'),
    chartCard('DNS response time tail (CDF, log scale)', dnsCdf, 'no answered DNS queries'),
  ].join('')}</div>`;
}

/** DNS rows shown in the page; the JSON keeps more. */
const DNS_ROWS = 50;

export function evidenceTables(report: DebugReport): string {
  const { dns, conversations, arp, tcp, outsideLab } = report.analysis;
  const pings = pingPairSummaries(report).map((p) => [addressLabel(report, p.from), addressLabel(report, p.to), String(p.replies), String(p.lost), formatMs(p.rttMs.min), formatMs(p.rttMs.p50), formatMs(p.rttMs.p95), formatMs(p.rttMs.max)]);
  const pingRows = pingPairSummaries(report);
  const dnsRows = dns.transactions.slice(0, DNS_ROWS).map((t) => [String(t.queryFrame), addressLabel(report, t.client), addressLabel(report, t.server), `${t.name} ${t.queryType}`, t.rcode ?? 'no response', t.answers.join(', ') || '—', formatMs(t.responseTimeMs)]);
  const endpoint = (ip: string, port: number) => `${addressLabel(report, ip)}${port >= 0 ? `:${port}` : ''}`;
  const flowRows = [...conversations.tcp.rows, ...conversations.udp.rows].sort((x, y) => y.framesAtoB + y.framesBtoA - (x.framesAtoB + x.framesBtoA)).slice(0, 30).map((c) => [c.kind, endpoint(c.a, c.aPort), endpoint(c.b, c.bPort), `${c.framesAtoB} / ${formatBytes(c.bytesAtoB)}`, `${c.framesBtoA} / ${formatBytes(c.bytesBtoA)}`, `${(c.durationNs / 1e9).toFixed(3)} s`]);
  const arpRows = arp.unanswered.map((a) => [addressLabel(report, a.targetIp), a.requesters.join(', '), String(a.requests), String(a.firstFrame)]);
  const tcpRows = [...tcp.resets.map((r) => ['reset', r]), ...tcp.retransmissions.map((r) => ['retransmission', r])].slice(0, 100).map(([kind, ev]) => {
    const event = ev as (typeof tcp.resets)[number];
    return [kind as string, String(event.frame), `${addressLabel(report, event.src)}:${event.srcPort}`, `${addressLabel(report, event.dst)}:${event.dstPort}`];
  });
  const outsideRows = outsideLab.addresses.slice(0, 30).map((a) => [a.address, String(a.packetsFrom), String(a.packetsTo)]);
  // Collapsed: the page opens on verdict, findings and charts; evidence is a click away.
  const section = (title: string, body: string, open = false) => `<details${open ? ' open' : ''}><summary>${e(title)}</summary>${body}</details>`;
  const badPings = pingRows.some((p) => p.lost > 0);
  return [
    '<h2>Evidence</h2>',
    section(`Pings (${pingRows.length} pairs)`, htmlTable(['from', 'to', 'replies', 'lost', 'min', 'p50', 'p95', 'max'], pings, [2, 3, 4, 5, 6, 7], (r) => (pingRows[r].lost > 0 ? 'bad' : '')), badPings),
    section(`ICMP errors (${report.analysis.icmp.errors.length})`, icmpErrorTable(report), report.analysis.icmp.errors.length > 0),
    section(`DNS transactions (${dns.transactionCount}${dns.transactionCount > DNS_ROWS ? `, first ${DNS_ROWS} shown; all in report.json up to its limit` : ''})`, htmlTable(['frame', 'client', 'server', 'query', 'rcode', 'answers', 'time'], dnsRows, [0, 6], (r) => (dns.transactions[r].rcode === undefined || dns.transactions[r].rcode === 'NXDOMAIN' ? 'bad' : ''))),
    section(`ARP requests without reply (${arpRows.length})`, htmlTable(['address', 'asked by', 'requests', 'first frame'], arpRows, [2, 3])),
    section(`TCP resets and retransmissions (${tcp.resetCount + tcp.retransmissionCount})`, htmlTable(['kind', 'frame', 'from', 'to'], tcpRows, [1])),
    section(`IP conversations (${conversations.ip.count})`, ipConversationTable(report)),
    section(`Top TCP/UDP conversations (${conversations.tcp.count} TCP, ${conversations.udp.count} UDP in all)`, htmlTable(['proto', 'A', 'B', 'A→B frames / bytes', 'B→A frames / bytes', 'lasted'], flowRows, [3, 4, 5])),
    section(`Outside ${outsideLab.subnet} (${outsideLab.packets} packets)`, htmlTable(['address', 'packets from', 'packets to'], outsideRows, [1, 2])),
  ].join('\n');
}

export function snapshotSection(snapshot: HostSnapshot | undefined): string {
  if (!snapshot) return '<h2>Host</h2><p class="muted">No host snapshot: offline analysis of a capture file.</p>';
  const forward = snapshot.iptables.chains.filter?.FORWARD;
  const rules = snapshot.iptables.rules.filter((r) => r.table === 'filter' && (r.chain === 'FORWARD' || r.chain.startsWith('DOCKER-USER') || r.inInterface === snapshot.bridgeName || r.outInterface === snapshot.bridgeName));
  const sysctls = Object.entries(snapshot.sysctls).map(([k, v]) => [k, v === undefined ? 'unset' : String(v)]);
  return [
    `<h2>Host snapshot <span class="muted">${e(snapshot.takenAtIso)}</span></h2>`,
    `<details><summary>Nodes (${snapshot.nodes.length})</summary>${htmlTable(['name', 'kind', 'ip', 'state', 'attached to'], snapshot.nodes.map((n) => [n.name, n.kind, n.ip, n.state, n.attachedBridges.join(', ') || '—']), [], (r) => (snapshot.nodes[r].state !== 'running' || !snapshot.nodes[r].attachedBridges.includes(snapshot.bridgeName) ? 'bad' : ''))}</details>`,
    `<details><summary>Bridge ${e(snapshot.bridgeName)}: ${snapshot.bridge.exists ? `${e(snapshot.bridge.operState ?? '?')}, ${snapshot.bridge.ports.length} ports` : 'missing'}</summary>${htmlTable(['port', 'state', 'link', 'mac'], snapshot.bridge.ports.map((p) => [p.name, p.state, p.operState, p.mac ?? '']))}</details>`,
    `<details><summary>Sysctls</summary>${htmlTable(['sysctl', 'value'], sysctls)}</details>`,
    `<details><summary>iptables filter: FORWARD policy ${e(forward?.policy ?? '?')} [${forward?.packets ?? 0} packets]</summary>${htmlTable(['packets', 'bytes', 'rule'], rules.map((r) => [String(r.packets), String(r.bytes), `-A ${r.chain} ${r.text}`]), [0, 1])}</details>`,
    `<details><summary>Forwarding database (${snapshot.fdb.length})</summary>${htmlTable(['mac', 'port', 'permanent'], snapshot.fdb.map((f) => [f.mac, f.port, f.permanent ? 'yes' : '']))}</details>`,
    `<details><summary>Addresses and routes</summary>${htmlTable(['interface', 'address', 'state'], snapshot.addresses.map((a) => [a.interface, a.cidr, a.operState]))}${htmlTable(['destination', 'device', 'gateway'], snapshot.routes.map((r) => [r.destination, r.device ?? '', r.gateway ?? '']))}</details>`,
    `<details><summary>Docker networks (${snapshot.dockerNetworks.length})</summary>${htmlTable(['network', 'bridge', 'subnets', 'containers'], snapshot.dockerNetworks.map((n) => [n.name, n.bridgeName ?? n.driver, n.subnets.join(', '), n.containers.map((c) => c.name).join(', ')]))}</details>`,
    `<details><summary>DNS records served (${snapshot.dnsRecords.length})</summary>${htmlTable(['name', 'address'], snapshot.dnsRecords.map((r) => [r.name, r.ip]))}</details>`,
    snapshot.errors.length ? `<p class="muted">Partial snapshot: ${e(snapshot.errors.map((x) => `${x.source}: ${x.message}`).join('; '))}</p>` : '',
  ].join('\n');
}
