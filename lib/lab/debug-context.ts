import type { DnsRecordServed, NodeDescription } from '../debug/snapshot/host-snapshot.ts';
import { ContainerNode } from '../nodes/container-node.ts';
import { labRecords } from '../dns/records.ts';
import type { LabNode } from '../nodes/node.ts';
import { probeAllPairs } from '../debug/probe-pairs.ts';
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
  const vmTaps = new Map(lab.state.resources.flatMap((r) => (r.kind === 'vm' && r.handle?.nic.hostInterface ? [[r.node, r.handle.nic.hostInterface]] : [])));
  const vmMacs = new Map(lab.state.resources.flatMap((r) => (r.kind === 'vm' && r.handle?.nic.mac ? [[r.node, r.handle.nic.mac]] : [])));
  const describe = (node: LabNode, kind: NodeDescription['kind']): NodeDescription => ({
    name: node.name,
    ip: node.ip,
    kind,
    ...(vmTaps.has(node.name) ? { hostInterface: vmTaps.get(node.name) } : {}),
    ...(vmMacs.has(node.name) ? { mac: vmMacs.get(node.name) } : {}),
    ...(node instanceof ContainerNode ? { containerName: node.containerName } : {}),
  });
  const endpoints = [lab.host, ...lab.nodes];
  return {
    bridge: topology.bridge.name,
    subnet: topology.bridge.subnet,
    nodes: [describe(lab.host, 'host'), describe(lab.dns, 'dns'), ...lab.nodes.map((node) => describe(node, node.kind))],
    dnsRecords: labRecords(topology).map((record) => ({ name: `${record.name}.${topology.dns.domain}`, ip: record.ip })),
    probe: async () => void (await probeAllPairs(endpoints, { domain: topology.dns.domain, dnsServer: topology.dns.address })),
  };
}
