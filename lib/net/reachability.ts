import { cidr6Contains, parseCidr6, parseIpv6 } from '../topology/ipv6.ts';
import { cidrContains, ipToInt, parseCidr } from '../topology/ipv4.ts';
import type { PolicySelector, PolicySpec } from '../topology/policy-schema.ts';
import { labNetworks, nodeNics, type ResolvedNetwork, type ResolvedNic, type ResolvedNode, type Topology } from '../topology/topology.ts';

export type Family = 'ipv4' | 'ipv6';

/** What a packet from one node to another is expected to meet, and which rule decides. */
export interface ExpectedVerdict {
  verdict: 'allow' | 'deny';
  /** The deciding rule as people read it: `policy db-only-from-api (deny)`, `within network store`, ... */
  rule: string;
  /** The source address the packet leaves with, and the networks it crosses. */
  from: { address: string; network: string };
  to: { address: string; network: string };
}

/** A connection attempt: towards a target NIC, over a family, on a port (or ICMP when absent). */
export interface Attempt {
  from: ResolvedNode;
  to: ResolvedNode;
  target: ResolvedNic;
  family: Family;
  port?: { port: number; protocol: 'tcp' | 'udp' };
  /** Addresses learnt at run time for NICs the topology leaves dynamic (DHCP leases): the source's sending NIC, the target NIC. */
  leased?: { from?: string; to?: string };
}

const addressOf = (nic: ResolvedNic, family: Family) => (family === 'ipv4' ? nic.ip : nic.ipv6);

/**
 * The verdict the lab's rules give an attempt, worked out the way the lab chain decides
 * (lib/net/lab-chain.ts): a node that shares the target's network sends on it; otherwise it sends
 * from its first NIC through the host. Then policies in order (first match), then: within one
 * network allowed, between networks allowed only when both are routed. Undefined when the source
 * has no address of that family to send from.
 */
export function expectedVerdict(topology: Topology, attempt: Attempt): ExpectedVerdict | undefined {
  const leasedIpv4 = (address: string | undefined) => (attempt.family === 'ipv4' ? address : undefined);
  const targetAddress = addressOf(attempt.target, attempt.family) ?? leasedIpv4(attempt.leased?.to);
  if (!targetAddress) return undefined;
  const fromNics = nodeNics(topology, attempt.from);
  const sending = fromNics.find((nic) => nic.network === attempt.target.network) ?? fromNics[0];
  const sourceAddress = addressOf(sending, attempt.family) ?? (sending.dhcp && sending === fromNics[0] ? leasedIpv4(attempt.leased?.from) : undefined);
  if (!sourceAddress) return undefined;
  const from = { address: sourceAddress, network: sending.network };
  const to = { address: targetAddress, network: attempt.target.network };
  for (const policy of topology.policies ?? []) {
    if (policyMatches(topology, policy, from.address, to.address, attempt)) return { verdict: policy.action, rule: `policy ${policy.name} (${policy.action})`, from, to };
  }
  if (from.network === to.network) return { verdict: 'allow', rule: `within network ${to.network}`, from, to };
  const networks = labNetworks(topology);
  const modeOf = (name: string) => networks.find((network) => network.name === name)?.mode;
  if (modeOf(from.network) === 'routed' && modeOf(to.network) === 'routed') return { verdict: 'allow', rule: `networks ${from.network} and ${to.network} are both routed`, from, to };
  return { verdict: 'deny', rule: `networks ${from.network} (${modeOf(from.network)}) and ${to.network} (${modeOf(to.network)}) are apart: only routed networks are routed between`, from, to };
}

function policyMatches(topology: Topology, policy: PolicySpec, source: string, destination: string, attempt: Attempt): boolean {
  if (policy.ports) {
    if (!attempt.port) return false;
    if (!policy.ports.some((entry) => entry.port === attempt.port!.port && entry.protocol === attempt.port!.protocol)) return false;
  }
  return policy.from.some((end) => selects(topology, end, source, attempt.family)) && policy.to.some((end) => selects(topology, end, destination, attempt.family));
}

function selects(topology: Topology, selector: PolicySelector, address: string, family: Family): boolean {
  return selectorAddresses(topology, selector, family).some((cidr) => contains(cidr, address, family));
}

/** The addresses a policy end stands for, as CIDRs: a node's NIC addresses, a network's subnet (or prefix). */
export function selectorAddresses(topology: Topology, selector: PolicySelector, family: Family): string[] {
  if ('network' in selector) {
    const network: ResolvedNetwork | undefined = labNetworks(topology).find((candidate) => candidate.name === selector.network);
    if (!network) return [];
    if (family === 'ipv4') return [network.subnet];
    return network.ipv6 ? [network.ipv6.subnet] : [];
  }
  const node = topology.nodes.find((candidate) => candidate.name === selector.node);
  if (!node) return [];
  return nodeNics(topology, node).flatMap((nic) => {
    const address = addressOf(nic, family);
    return address ? [`${address}/${family === 'ipv4' ? 32 : 128}`] : [];
  });
}

function contains(cidr: string, address: string, family: Family): boolean {
  if (family === 'ipv4') {
    const parsed = parseCidr(cidr);
    return parsed !== undefined && cidrContains(parsed, ipToInt(address));
  }
  const parsed = parseCidr6(cidr);
  const value = parseIpv6(address);
  return parsed !== undefined && value !== undefined && cidr6Contains(parsed, value);
}
