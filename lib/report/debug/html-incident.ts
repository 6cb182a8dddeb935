import type { NodeDescription } from '../../debug/snapshot/host-snapshot.ts';
import { addressLabel, formatBytes, type DebugReport } from '../../debug/debug-report.ts';
import { htmlTable } from './html-table.ts';
import { escapeHtml as e } from './svg-charts.ts';

/** The report's nodes: the topology's, or the snapshot's when only it knows them. */
function reportNodes(report: DebugReport): NodeDescription[] {
  return report.nodes.length > 0 ? report.nodes : (report.snapshot?.nodes ?? []);
}

type Health = 'ok' | 'bad' | 'unknown';

/** Findings about a node's link (not, say, its DNS record): they colour its link in the picture. */
const LINK_FINDINGS = new Set(['arp-unanswered', 'node-not-running', 'bridge-port-detached', 'bridge-port-down', 'container-not-attached', 'vm-nic-not-on-bridge', 'blocked-by-rule']);

/** A node's link health: a link finding names it (bad), it answered something in the capture (ok), or no evidence. */
function nodeHealth(report: DebugReport, node: NodeDescription): Health {
  if (report.findings.some((f) => LINK_FINDINGS.has(f.id) && f.nodes?.includes(node.name))) return 'bad';
  const asTarget = report.analysis.icmp.byPair.filter((p) => p.to === node.ip);
  if (asTarget.some((p) => p.replies > 0)) return 'ok';
  if (asTarget.some((p) => p.lost > 0)) return 'bad';
  return report.analysis.arp.ipToMac[node.ip] ? 'ok' : 'unknown';
}

/** The bridge as a bus with every node hanging off it, each link coloured by what the evidence says. */
export function topologySection(report: DebugReport): string {
  const nodes = reportNodes(report);
  if (nodes.length === 0) return '';
  const slot = 150;
  const width = Math.max(640, nodes.length * slot + 40);
  const busY = 40;
  const boxes = nodes
    .map((node, i) => {
      const cx = 20 + slot / 2 + i * slot;
      const health = nodeHealth(report, node);
      return `<g class="node" data-node="${e(node.name)}" data-health="${health}"><line class="link ${health}" x1="${cx}" x2="${cx}" y1="${busY}" y2="90"/><rect x="${cx - 62}" y="90" width="124" height="40" rx="6"/><text x="${cx}" y="106" text-anchor="middle">${e(node.name)} (${e(node.kind)})</text><text x="${cx}" y="122" text-anchor="middle">${e(node.ip)}</text><title>${e(`${node.name} ${node.ip}: ${health === 'ok' ? 'answered in the capture' : health === 'bad' ? 'a finding names it, or it answered nothing' : 'no evidence either way'}`)}</title></g>`;
    })
    .join('');
  const bus = `<line class="bus" x1="20" x2="${width - 20}" y1="${busY}" y2="${busY}"/><text class="tick" x="24" y="${busY - 10}">${e(report.bridge)} ${e(report.subnet)}</text>`;
  const svg = `<svg class="chart topology" viewBox="0 0 ${width} 140" role="img" aria-label="lab topology with link health" xmlns="http://www.w3.org/2000/svg">${bus}${boxes}</svg>`;
  return `<div class="card"><h3>Topology</h3><div class="legend"><i style="background:var(--good)"></i>answered<i style="background:var(--crit)"></i>broken<i style="background:var(--muted)"></i>no evidence</div>${svg}</div>`;
}

/** One cell of the grid: ping and lookup from `from` to `to` as the capture saw them. */
function gridCell(report: DebugReport, from: NodeDescription, to: NodeDescription): { text: string; state: 'ok' | 'fail' | 'none'; title: string } {
  const pair = report.analysis.icmp.byPair.find((p) => p.from === from.ip && p.to === to.ip);
  const name = `${to.name}.${report.domain}`;
  const lookups = report.analysis.dns.transactions.filter((t) => t.client === from.ip && t.name === name);
  const pingText = pair ? (pair.replies > 0 ? 'ping ✔' : 'ping ✘') : '';
  const answered = lookups.filter((t) => t.rcode === 'NOERROR' && t.answers.includes(`A ${to.ip}`));
  const dnsText = lookups.length === 0 ? '' : answered.length > 0 ? 'dns ✔' : 'dns ✘';
  const failed = (pair !== undefined && pair.replies === 0) || (lookups.length > 0 && answered.length === 0);
  const text = [pingText, dnsText].filter(Boolean).join(' · ');
  const title = `${from.name} -> ${to.name}: ${pair ? `${pair.replies} replies, ${pair.lost} lost` : 'no ping seen'}; ${lookups.length ? `${answered.length}/${lookups.length} lookups of ${name} answered with ${to.ip}` : 'no lookup seen'}`;
  return { text: text || '—', state: text === '' ? 'none' : failed ? 'fail' : 'ok', title };
}

/** node x node: did pings and lookups from the row to the column get answered (from --probe's traffic). */
export function reachabilitySection(report: DebugReport): string {
  const nodes = reportNodes(report).filter((n) => n.kind !== 'host' || report.analysis.icmp.byPair.some((p) => p.from === n.ip));
  if (nodes.length < 2 || report.analysis.icmp.byPair.length === 0) return '';
  const head = `<tr><th>from \\ to</th>${nodes.map((n) => `<th>${e(n.name)}</th>`).join('')}</tr>`;
  const rows = nodes
    .map((from) => `<tr><th>${e(from.name)}</th>${nodes.map((to) => (to === from ? '<td class="none">·</td>' : ((c) => `<td class="${c.state}" title="${e(c.title)}">${e(c.text)}</td>`)(gridCell(report, from, to)))).join('')}</tr>`)
    .join('');
  return `<div class="card"><h3>Reachability (pings and lookups seen in the capture; run with --probe for every pair)</h3><table class="grid reachability"><thead>${head}</thead><tbody>${rows}</tbody></table></div>`;
}

/** ICMP errors with type, code and the datagram they quote. */
export function icmpErrorTable(report: DebugReport): string {
  const rows = report.analysis.icmp.errors.map((err) => {
    const q = err.quoted;
    return [`${err.kind} (${err.type}/${err.code})`, addressLabel(report, err.from), q ? `${q.protocol} ${addressLabel(report, q.src)}:${q.srcPort} → ${addressLabel(report, q.dst)}:${q.dstPort}${q.dnsId !== undefined ? ` DNS id ${q.dnsId}` : ''}` : '—', String(err.count), String(err.firstFrame)];
  });
  return htmlTable(['ICMP error (type/code)', 'sent by', 'about (quoted datagram)', 'count', 'first frame'], rows, [3, 4]);
}

/** IP conversations, both directions in one row (Wireshark's Conversations > IPv4/IPv6). */
export function ipConversationTable(report: DebugReport, limit = 20): string {
  const rows = report.analysis.conversations.ip.rows.slice(0, limit).map((c) => [addressLabel(report, c.a), addressLabel(report, c.b), `${c.framesAtoB} / ${formatBytes(c.bytesAtoB)}`, `${c.framesBtoA} / ${formatBytes(c.bytesBtoA)}`, `${c.relativeStart} s`, `${(c.durationNs / 1e9).toFixed(3)} s`]);
  return htmlTable(['A', 'B', 'A→B frames / bytes', 'B→A frames / bytes', 'start', 'duration'], rows, [2, 3, 4, 5]);
}
