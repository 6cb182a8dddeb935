/**
 * Address families of a lab: which addresses each endpoint (host, DNS server, node) has on each
 * network, and over which families two endpoints can talk. Suites run every check once per
 * family a pair has and name it in the title and in every result.
 */
import { formatIpv6, parseCidr6, parseIpv6 } from './ipv6.ts';
import { labNetworks, nodeNics, type ResolvedNetwork, type ResolvedNic, type Topology } from './topology.ts';

export type AddressFamily = 'ipv4' | 'ipv6';

/** The short tag results and test titles carry: `[v4]` or `[v6]`. */
export function familyTag(family: AddressFamily): '[v4]' | '[v6]' {
  return family === 'ipv6' ? '[v6]' : '[v4]';
}

/** The family of an address literal. */
export function familyOf(address: string): AddressFamily {
  return parseIpv6(address) === undefined ? 'ipv4' : 'ipv6';
}

/** An address as a URL host: IPv6 literals in brackets. */
export function urlHost(address: string): string {
  return familyOf(address) === 'ipv6' ? `[${address}]` : address;
}

/** One endpoint's addresses on one network (an address it lacks is absent). */
export interface EndpointAddress {
  network: string;
  ipv4?: string;
  ipv6?: string;
}

/**
 * The address a SLAAC interface forms from a /64 prefix and its MAC: modified EUI-64 (RFC 4291
 * appendix A), the kernel's default (addr_gen_mode 0). Known before the VM boots, so it can be in
 * DNS from the start.
 */
export function slaacAddress(prefix: string, mac: string): string {
  const cidr = parseCidr6(prefix);
  const bytes = mac.split(':').map((part) => parseInt(part, 16));
  if (!cidr || cidr.prefix !== 64 || bytes.length !== 6 || bytes.some((b) => !(b >= 0 && b <= 255))) throw new Error(`cannot form a SLAAC address from ${prefix} and MAC ${mac}`);
  const eui = [bytes[0] ^ 0x02, bytes[1], bytes[2], 0xff, 0xfe, bytes[3], bytes[4], bytes[5]];
  const interfaceId = eui.reduce((value, byte) => (value << 8n) | BigInt(byte), 0n);
  const network = cidr.network & ~((1n << 64n) - 1n);
  return formatIpv6(network | interfaceId);
}

/**
 * Every address of an endpoint, network by network: the host's are the gateways, the DNS
 * server's the networks' DNS addresses, a node's its NICs'. A SLAAC NIC's address is known when
 * its MAC is; a NIC waiting for a dynamic DHCP lease has no IPv4 address yet.
 */
export function endpointAddresses(topology: Topology, name: string): EndpointAddress[] {
  const networks = labNetworks(topology);
  if (name === 'host') return networks.map((n) => ({ network: n.name, ipv4: n.gateway, ipv6: n.ipv6?.gateway }));
  if (name === 'dns') return networks.map((n) => ({ network: n.name, ipv4: n.dns, ipv6: n.ipv6?.dns }));
  const node = topology.nodes.find((candidate) => candidate.name === name);
  if (!node) return [];
  return nodeNics(topology, node).map((nic) => {
    const ipv6 = nicIpv6(topology, nic);
    return { network: nic.network, ...(nic.ip ? { ipv4: nic.ip } : {}), ...(ipv6 ? { ipv6 } : {}) };
  });
}

/** A NIC's IPv6 address: static or allocated, or the SLAAC one its MAC gives; undefined when it has none or it is not known before boot. */
export function nicIpv6(topology: Topology, nic: ResolvedNic): string | undefined {
  if (nic.ipv6) return nic.ipv6;
  const prefix = labNetworks(topology).find((n) => n.name === nic.network)?.ipv6?.subnet;
  return nic.slaac && nic.mac && prefix ? slaacAddress(prefix, nic.mac) : undefined;
}

/** An endpoint's first address of a family (its DNS record's), if it has one. */
export function primaryAddress(topology: Topology, name: string, family: AddressFamily): string | undefined {
  return endpointAddresses(topology, name).find((entry) => entry[family])?.[family];
}

/** One way a check can go from one endpoint to another. */
export interface FamilyTarget {
  family: AddressFamily;
  /** The target's address in that family. */
  address: string;
  /** The network the two share in that family. */
  network: string;
}

/**
 * The families two endpoints talk over: IPv4 as the lab always did (the target's primary
 * address), and IPv6 when both have an IPv6 address on a shared network (the target's address
 * there, its DNS record's network first).
 */
export function pairFamilies(topology: Topology, from: string, to: { name: string; ip: string }): FamilyTarget[] {
  const targets: FamilyTarget[] = [{ family: 'ipv4', address: to.ip, network: endpointAddresses(topology, to.name).find((e) => e.ipv4 === to.ip)?.network ?? labNetworks(topology)[0].name }];
  const fromV6 = new Set(endpointAddresses(topology, from).filter((e) => e.ipv6).map((e) => e.network));
  const shared = endpointAddresses(topology, to.name).find((e) => e.ipv6 && fromV6.has(e.network));
  if (shared?.ipv6) targets.push({ family: 'ipv6', address: shared.ipv6, network: shared.network });
  return targets;
}

/** The lab's IPv6 prefixes (for the no-leak check: anything else on the wire is not the lab's). */
export function labIpv6Prefixes(topology: Topology): string[] {
  return labNetworks(topology).flatMap((n) => (n.ipv6 ? [n.ipv6.subnet] : []));
}

/** The families a network carries: IPv4 always, IPv6 with a prefix. Firewall rules are made once per family. */
export function networkFamilies(network: Pick<ResolvedNetwork, 'ipv6'> | undefined): AddressFamily[] {
  return network?.ipv6 ? ['ipv4', 'ipv6'] : ['ipv4'];
}

/** The families of the lab's primary network (its bridge is `topology.bridge`). */
export function primaryFamilies(topology: Topology): AddressFamily[] {
  return networkFamilies(labNetworks(topology)[0]);
}
