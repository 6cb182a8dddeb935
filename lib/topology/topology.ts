import type { NetworkMode } from './network-schema.ts';
import type { PolicySpec } from './policy-schema.ts';
import type { Impairment } from './impairment.ts';
import type { Budgets, NodeSpec, ParsedTopology } from './schema.ts';

/** One segment of the lab after validation: a bridge with its mode, addresses and DHCP service. */
export interface ResolvedNetwork {
  name: string;
  /** The host interface carrying the gateway: the lab bridge, or on a macvlan network the lab's shim on `parent`. */
  bridge: string;
  mode: NetworkMode;
  /** mode macvlan: the existing host interface the nodes are attached to (the lab never changes or removes it). */
  parent?: string;
  subnet: string;
  prefix: number;
  /** The host's address on the bridge. */
  gateway: string;
  /** The lab DNS container's address on this segment. */
  dns: string;
  ipv6?: { subnet: string; prefix: number; gateway: string; dns: string };
  dhcp?: {
    start: string;
    end: string;
    leaseTime: string;
    reservations: Array<{ mac: string; ip: string; name?: string }>;
  };
}

/** A node's attachment to one network. */
export interface ResolvedNic {
  network: string;
  /** Static or reserved IPv4 address; absent for a dynamic DHCP lease (known once the lease is taken). */
  ip?: string;
  dhcp: boolean;
  ipv6?: string;
  slaac: boolean;
  mac?: string;
  /** The link's impairment (the node's `impair` lands on its first NIC). */
  impair?: Impairment;
}

/**
 * A node after validation and address allocation. `ip` is its first NIC's IPv4 address (on the
 * first network it names); empty only for a VM whose first NIC takes a dynamic DHCP lease.
 */
export type ResolvedNode = WithNics<NodeSpec>;

/** A VM node after resolution; provider-only fields (lib/vms/registry.ts) are read by their provider. */
export type ResolvedVmNode = Extract<ResolvedNode, { kind: 'vm' }> & { [providerOption: string]: unknown };

/** A node spec with its NICs resolved (distributes over the node kinds). */
export type WithNics<N> = N extends unknown ? Omit<N, 'nics'> & { ip: string; nics: ResolvedNic[] } : never;

/** The single source of truth for a lab: what `up` builds and `down`/suites rely on. */
export interface Topology {
  name: string;
  /** File the topology came from (or "embedded default"). */
  source: string;
  /** Content hash of the resolved topology; measurements record it. */
  hash: string;
  /** Container runtime of the lab (docker, podman). Older state files lack it: docker. */
  runtime?: string;
  /** The first network's bridge (the lab's primary segment, where the DNS server is `dns.address`). */
  bridge: { name: string; subnet: string; prefix: number; gateway: string };
  /** Every segment, the primary first. Older state files lack it: one network from `bridge`. */
  networks?: ResolvedNetwork[];
  dns: { address: string; domain: string; upstreams: string[] };
  host: ParsedTopology['host'];
  nodes: ResolvedNode[];
  /** Allow/deny rules in their order (first match wins); older state files lack them. */
  policies?: PolicySpec[];
  budgets: Budgets;
  /** Valid but noteworthy choices (e.g. DNS upstreams off the machine); not part of the hash. */
  warnings?: string[];
}

/** Fixed names the lab itself puts in DNS; nodes may not take them. */
export const RESERVED_NODE_NAMES = ['gateway', 'host', 'dns'] as const;

/** The lab's networks, primary first; a state written before `networks:` existed has only `bridge`. */
export function labNetworks(topology: Topology): ResolvedNetwork[] {
  if (topology.networks?.length) return topology.networks;
  const { name, subnet, prefix, gateway } = topology.bridge;
  return [{ name: 'main', bridge: name, mode: 'bridged', subnet, prefix, gateway, dns: topology.dns.address }];
}

/** Networks the lab makes a bridge for (every mode but macvlan, whose `bridge` is the host's shim on the parent). */
export function bridgedNetworks(topology: Topology): ResolvedNetwork[] {
  return labNetworks(topology).filter((network) => network.mode !== 'macvlan');
}

/** A node's NICs; a state written before `nics:` existed has only `ip` (on the primary network). */
export function nodeNics(topology: Topology, node: { ip: string; nics?: ResolvedNic[] }): ResolvedNic[] {
  return node.nics?.length ? node.nics : [{ network: labNetworks(topology)[0].name, ip: node.ip, dhcp: false, slaac: false }];
}

/** Whether a network is the primary one (the DNS server's `dns.address`, the engine's `<lab>-net`). */
export function isPrimaryNetwork(topology: Topology, network: ResolvedNetwork): boolean {
  return labNetworks(topology)[0].name === network.name;
}
