import Table from 'cli-table3';
import type { MonitorSample } from '../../debug/monitor.ts';
import { formatBytes } from '../../debug/debug-report.ts';

const perSec = (bytes: number) => `${formatBytes(Math.round(bytes))}/s`;

/** One refresh of the live monitor view: per-node rates, then the busiest flows. */
export function renderMonitorSample(sample: MonitorSample): string {
  const nodes = new Table({ head: ['node', 'ip', 'pkts/s in', 'pkts/s out', 'in', 'out', 'drops'], style: { head: [], border: [] } });
  for (const n of sample.nodes) nodes.push([n.name, n.ip, String(n.packetsInPerSec), String(n.packetsOutPerSec), perSec(n.bytesInPerSec), perSec(n.bytesOutPerSec), n.dropped === undefined ? '—' : String(n.dropped)]);
  const flows = new Table({ head: ['top flows', 'proto', 'pkts/s', 'rate'], style: { head: [], border: [] } });
  for (const f of sample.topFlows) flows.push([`${f.src} → ${f.dst}`, f.protocol, String(f.packetsPerSec), perSec(f.bytesPerSec)]);
  const header = `${sample.interface} · ${sample.atIso} · ${sample.packetsSeen} packets seen · other ${sample.otherPacketsPerSec} pkts/s · interface drops ${sample.interfaceDropped}`;
  return `${header}\n${nodes.toString()}\n${sample.topFlows.length ? flows.toString() : '(no IP flows in this interval)'}\n`;
}
