import type { Topology } from '../../topology/topology.ts';

/** One box in the picture: the host (gateway), the DNS server or a topology node. */
export interface GraphNode {
  name: string;
  kind: 'host' | 'dns' | 'container' | 'vm';
  ip: string;
  dnsName: string;
  /** What runs it: docker for containers, qemu/vagrant for VMs, the machine itself for the host. */
  provider: string;
  /** Live state when the lab is up (running, missing, stopped...); absent for a lab that is down. */
  state?: string;
}

/** A lab's network as a picture model: one bridge, every node attached to it. */
export interface TopologyGraph {
  lab: string;
  bridge: { name: string; subnet: string; gateway: string };
  domain: string;
  /** Whether states come from a live lab. */
  live: boolean;
  nodes: GraphNode[];
}

/** Builds the picture model from a topology, with live node states when given (name -> state). */
export function topologyGraph(topology: Topology, liveStates?: ReadonlyMap<string, string>): TopologyGraph {
  const fqdn = (name: string) => `${name}.${topology.dns.domain}`;
  const nodes: GraphNode[] = [
    { name: 'host', kind: 'host', ip: topology.bridge.gateway, dnsName: fqdn('gateway'), provider: 'host' },
    { name: 'dns', kind: 'dns', ip: topology.dns.address, dnsName: fqdn('dns'), provider: 'docker (dnsmasq)' },
    ...topology.nodes.map((node): GraphNode => ({ name: node.name, kind: node.kind, ip: node.ip, dnsName: fqdn(node.name), provider: node.kind === 'vm' ? node.provider : 'docker' })),
  ];
  if (liveStates) for (const node of nodes) node.state = liveStates.get(node.name) ?? 'missing';
  return { lab: topology.name, bridge: { name: topology.bridge.name, subnet: topology.bridge.subnet, gateway: topology.bridge.gateway }, domain: topology.dns.domain, live: liveStates !== undefined, nodes };
}

/** A node's label lines: name, address, what runs it and its state. */
export function nodeLabel(node: GraphNode): string[] {
  return [node.name, node.ip, `${node.kind}${node.kind === 'host' || node.kind === 'dns' ? '' : ` · ${node.provider}`}`, ...(node.state ? [node.state] : [])];
}

/** An identifier safe in Mermaid and DOT (node names are DNS labels, which may hold hyphens). */
export function graphId(name: string): string {
  return `n_${name.replaceAll('-', '_')}`;
}
