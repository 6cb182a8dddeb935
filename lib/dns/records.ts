import { primaryAddress } from '../topology/families.ts';
import type { Topology } from '../topology/topology.ts';

/** One name the lab DNS answers for: A (and AAAA) records `name` and `name.domain`, and their PTRs. */
export interface DnsRecord {
  name: string;
  ip: string;
  /** The IPv6 address on a dual-stack network: an AAAA record and an ip6.arpa PTR. */
  ipv6?: string;
}

/** Records for the lab's own hosts (gateway/host, dns) and every node, with IPv6 where the first network has a prefix. */
export function labRecords(topology: Topology): DnsRecord[] {
  const withV6 = (name: string, ip: string, endpoint = name): DnsRecord => {
    const ipv6 = primaryAddress(topology, endpoint, 'ipv6');
    return ipv6 ? { name, ip, ipv6 } : { name, ip };
  };
  return [
    withV6('gateway', topology.bridge.gateway, 'host'),
    withV6('host', topology.bridge.gateway),
    withV6('dns', topology.dns.address),
    ...topology.nodes.map((node) => withV6(node.name, node.ip)),
  ];
}

/**
 * Hosts-file lines as dnsmasq reads them: the FQDN first so the PTR answer is the full name,
 * then the short name for search-domain-less lookups; one line per address (A, then AAAA).
 */
export function hostsLine(record: DnsRecord, domain: string): string {
  return [record.ip, record.ipv6].filter((address) => address).map((address) => `${address} ${record.name}.${domain} ${record.name}\n`).join('');
}
