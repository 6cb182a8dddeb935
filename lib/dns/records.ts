import { nodeNics, type Topology } from '../topology/topology.ts';

/** One name the lab DNS answers for: an A record `name` and `name.domain`, and its PTR. */
export interface DnsRecord {
  name: string;
  ip: string;
}

/** Records for the lab's own hosts (gateway/host, dns) and every node. */
export function labRecords(topology: Topology): DnsRecord[] {
  return [
    { name: 'gateway', ip: topology.bridge.gateway },
    { name: 'host', ip: topology.bridge.gateway },
    { name: 'dns', ip: topology.dns.address },
    // A node's name is its first NIC's address; on every further network it is also NODE.<network>.
    ...topology.nodes.flatMap((node) => nodeNics(topology, node).flatMap((nic, i) => (nic.ip ? [{ name: i === 0 ? node.name : `${node.name}.${nic.network}`, ip: nic.ip }] : []))),
  ];
}

/**
 * A hosts-file line as dnsmasq reads it: the FQDN first so the PTR answer is the full name,
 * then the short name for search-domain-less lookups.
 */
export function hostsLine(record: DnsRecord, domain: string): string {
  return `${record.ip} ${record.name}.${domain} ${record.name}\n`;
}
