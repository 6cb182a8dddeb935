import type { DnsRecordServed, NodeDescription } from '../capture/snapshot/host-snapshot.ts';
import { labRecords } from '../dns/records.ts';
import type { LabNode } from '../nodes/node.ts';
import { lookup } from '../probe/dns-lookup.ts';
import { ping } from '../probe/ping.ts';
import { openLab } from './lab-nodes.ts';

/** What `hybrid-lab debug` needs from a live lab: its bridge, nodes, records and a traffic probe. */
export interface LabDebugContext {
  bridge: string;
  subnet: string;
  nodes: NodeDescription[];
  dnsRecords: DnsRecordServed[];
  /** One ping and one DNS lookup between every ordered pair of nodes (evidence for the capture). */
  probe: () => Promise<void>;
}

export async function labDebugContext(labName: string): Promise<LabDebugContext> {
  const lab = await openLab(labName);
  const { topology } = lab.state;
  const vmTaps = new Map(lab.state.resources.flatMap((r) => (r.kind === 'vm' && r.handle?.details.tap ? [[r.node, String(r.handle.details.tap)]] : [])));
  const vmMacs = new Map(lab.state.resources.flatMap((r) => (r.kind === 'vm' && r.handle?.details.mac ? [[r.node, String(r.handle.details.mac)]] : [])));
  const describe = (node: LabNode, kind: NodeDescription['kind']): NodeDescription => ({
    name: node.name,
    ip: node.ip,
    kind,
    ...(vmTaps.has(node.name) ? { hostInterface: vmTaps.get(node.name) } : {}),
    ...(vmMacs.has(node.name) ? { mac: vmMacs.get(node.name) } : {}),
  });
  const endpoints = [lab.host, ...lab.nodes];
  return {
    bridge: topology.bridge.name,
    subnet: topology.bridge.subnet,
    nodes: [describe(lab.host, 'host'), describe(lab.dns, 'dns'), ...lab.nodes.map((node) => describe(node, node.kind))],
    dnsRecords: labRecords(topology).map((record) => ({ name: `${record.name}.${topology.dns.domain}`, ip: record.ip })),
    probe: async () => {
      for (const from of endpoints) {
        for (const to of endpoints.filter((other) => other !== from)) {
          await ping(from, to.ip, { count: 1, waitSec: 1 });
          await lookup(from, `${to.name === 'host' ? 'gateway' : to.name}.${topology.dns.domain}`, topology.dns.address);
        }
      }
    },
  };
}
