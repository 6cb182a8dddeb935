import { TopologyError } from '../common/errors.ts';
import { formatHostEndpoint, isLoopbackAddress, isWildcardAddress, type HostPublish } from './port-publish.ts';
import type { Topology } from './topology.ts';

/** One port forward of a lab: host address and port -> a node's address and port (DNAT). */
export interface PortForward {
  node: string;
  /** Where it is written in the topology, for errors: nodes[1].ports[0].host */
  field: string;
  protocol: 'tcp' | 'udp';
  host: HostPublish;
  /** The node's address on the network the forward reaches it through, and the port it serves. */
  target: { address: string; port: number };
  /** The host interface (the network's bridge) the target is reached on. */
  via: string;
}

type ForwardSource = Pick<Topology, 'nodes' | 'bridge'> & { networks?: Topology['networks'] };

/** Every `ports[].host` of the lab's nodes, in file order. */
export function portForwards(topology: ForwardSource): PortForward[] {
  return topology.nodes.flatMap((node, nodeIndex) =>
    (node.ports ?? []).flatMap((entry, portIndex) =>
      entry.host === undefined
        ? []
        : [{ node: node.name, field: `nodes[${nodeIndex}].ports[${portIndex}].host`, protocol: entry.protocol, host: entry.host, target: { address: node.ip, port: entry.port }, via: firstBridge(topology, node) }],
    ),
  );
}

/** The bridge of the node's first NIC (where `node.ip` lives). */
function firstBridge(topology: ForwardSource, node: ForwardSource['nodes'][number]): string {
  const network = node.nics?.[0] && topology.networks?.find((candidate) => candidate.name === node.nics[0].network);
  return network ? network.bridge : topology.bridge.name;
}

/** How a forward reads in messages and status: 127.0.0.1:8080/tcp -> web 10.0.1.10:80 */
export function describeForward(forward: PortForward): string {
  return `${formatHostEndpoint(forward.host)}/${forward.protocol} -> ${forward.node} ${forward.target.address}:${forward.target.port}`;
}

/** Whether two host endpoints take the same packets: same protocol and port, same address or one of them every address. */
export function hostEndpointsOverlap(a: { protocol: string; host: Pick<HostPublish, 'address' | 'port' | 'family'> }, b: { protocol: string; host: Pick<HostPublish, 'address' | 'port' | 'family'> }): boolean {
  if (a.protocol !== b.protocol || a.host.port !== b.host.port || a.host.family !== b.host.family) return false;
  return a.host.address === b.host.address || isWildcardAddress(a.host.address) || isWildcardAddress(b.host.address);
}

/**
 * What the schema cannot see across nodes: a host port is published once per (address,
 * protocol) in the lab, and a forward needs an address of its family on the node (the lab's
 * networks are IPv4 today, so an IPv6 host address has nothing to reach yet). A forward that
 * packets from outside the host reach is routed by the host: it needs host.ipForward.
 */
export function checkPortForwards(topology: ForwardSource & { host?: { ipForward: boolean } }): void {
  const seen: PortForward[] = [];
  for (const forward of portForwards(topology)) {
    if (forward.target.address === '') {
      throw new TopologyError(forward.field, formatHostEndpoint(forward.host), `node ${forward.node} takes a dynamic DHCP address, so the forward has no fixed target`, 'reserve the NIC\'s MAC under the network\'s dhcp.reservations (a fixed address), or give it a static ip');
    }
    if (topology.host?.ipForward === false && !isLoopbackAddress(forward.host.address)) {
      throw new TopologyError(forward.field, formatHostEndpoint(forward.host), `a forward on ${forward.host.address} is routed by the host to ${forward.node}, and host.ipForward is false`, `publish on 127.0.0.1 (the host's own connections need no forwarding), or remove host.ipForward: false`);
    }
    if (forward.host.family === 'ipv6' && isLoopbackAddress(forward.host.address)) {
      throw new TopologyError(forward.field, formatHostEndpoint(forward.host), 'connections to ::1 cannot be DNATed to a node: Linux has no route_localnet for IPv6, so the packet would never leave the host', `publish on 127.0.0.1 (host: ${forward.host.port}) and connect to 127.0.0.1:${forward.host.port}`);
    }
    if (forward.host.family === 'ipv6') {
      throw new TopologyError(forward.field, formatHostEndpoint(forward.host), `an IPv6 host address needs an IPv6 address on node ${forward.node} to forward to, and the lab's network is IPv4 only`, `publish on an IPv4 address, e.g. host: "127.0.0.1:${forward.host.port}"`);
    }
    const clash = seen.find((earlier) => hostEndpointsOverlap(earlier, forward));
    if (clash) {
      throw new TopologyError(
        forward.field,
        formatHostEndpoint(forward.host),
        `${formatHostEndpoint(forward.host)}/${forward.protocol} is already published by ${clash.field} (node ${clash.node}${clash.host.address !== forward.host.address ? `, on ${clash.host.address}` : ''})`,
        'give each forward its own host port (per address and protocol)',
      );
    }
    seen.push(forward);
  }
}
