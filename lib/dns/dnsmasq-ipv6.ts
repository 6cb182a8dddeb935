/**
 * The IPv6 side of the lab's dnsmasq: the router advertisements that let SLAAC NICs form their
 * addresses, and the capabilities sending them takes.
 */
import { parseCidr6, formatIpv6, networkAddress6 } from '../topology/ipv6.ts';
import { labNetworks, nodeNics, type ResolvedNetwork, type Topology } from '../topology/topology.ts';

/** Networks on which some VM NIC configures itself by SLAAC: the lab's dnsmasq advertises their prefix. */
export function slaacNetworks(topology: Topology): ResolvedNetwork[] {
  const wanted = new Set(topology.nodes.flatMap((node) => nodeNics(topology, node).filter((nic) => nic.slaac).map((nic) => nic.network)));
  return labNetworks(topology).filter((network) => network.ipv6 && wanted.has(network.name));
}

/**
 * enable-ra and one ra-only range per SLAAC network: the advertised prefix is on-link and
 * autonomous, no DHCPv6 is offered. Router lifetime 0: the DNS container is not a router, so no
 * guest takes it as its default route (the host's bridge address is the gateway).
 */
export function routerAdvertisementLines(topology: Topology): string[] {
  const networks = slaacNetworks(topology);
  if (networks.length === 0) return [];
  const lines = ['# Router advertisements for the SLAAC NICs (hybrid-lab: ipv6: slaac).', 'enable-ra', 'ra-param=*,10,0'];
  for (const network of networks) {
    const cidr = parseCidr6(network.ipv6!.subnet)!;
    lines.push(`dhcp-range=${formatIpv6(networkAddress6(cidr))},ra-only,${cidr.prefix}`);
  }
  return lines;
}

/**
 * The DNS container's capabilities: port 53 and its uid/gid change always. Router advertisements
 * need NET_RAW (an ICMPv6 raw socket: "cannot create ICMPv6 socket: Operation not permitted"
 * without it) and NET_ADMIN (dnsmasq 2.90 refuses to start any DHCPv6/RA context without it:
 * "process is missing required capability NET_ADMIN"); both only then, so a lab without SLAAC
 * keeps them out.
 */
export function dnsCapabilities(topology: Topology): string[] {
  return ['NET_BIND_SERVICE', 'SETUID', 'SETGID', ...(slaacNetworks(topology).length > 0 ? ['NET_RAW', 'NET_ADMIN'] : [])];
}
