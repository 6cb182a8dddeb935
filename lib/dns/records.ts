import { nicIpv6, primaryAddress } from '../topology/families.ts';
import { nodeNics, type Topology } from '../topology/topology.ts';

/** One name the lab DNS answers for: A (and AAAA) records `name` and `name.domain`, and their PTRs. */
export interface DnsRecord {
  name: string;
  /** The IPv4 address ('' for a NIC that has only IPv6 until its DHCP lease is known). */
  ip: string;
  /** The IPv6 address on a dual-stack network: an AAAA record and an ip6.arpa PTR. */
  ipv6?: string;
}

/**
 * Records for the lab's own hosts (gateway/host, dns) and every node: a node's name carries its
 * first NIC's addresses, NODE.<network> those of each further NIC, IPv6 beside IPv4 on dual-stack
 * networks. The host's and DNS server's IPv6 address is their first one (the first network with a prefix).
 */
export function labRecords(topology: Topology): DnsRecord[] {
  const lab = (name: string, ip: string, endpoint = name): DnsRecord => {
    const ipv6 = primaryAddress(topology, endpoint, 'ipv6');
    return ipv6 ? { name, ip, ipv6 } : { name, ip };
  };
  return [
    lab('gateway', topology.bridge.gateway, 'host'),
    lab('host', topology.bridge.gateway),
    lab('dns', topology.dns.address),
    // A node's name is its first NIC's address; on every further network it is also NODE.<network>.
    ...topology.nodes.flatMap((node) =>
      nodeNics(topology, node).flatMap((nic, i) => {
        const ipv6 = nicIpv6(topology, nic);
        if (!nic.ip && !ipv6) return [];
        return [{ name: i === 0 ? node.name : `${node.name}.${nic.network}`, ip: nic.ip ?? '', ...(ipv6 ? { ipv6 } : {}) }];
      }),
    ),
  ];
}

/** The record name whose A or AAAA record is this address (`preferred` when that one is), if the lab has one. */
export function recordNameOf(topology: Topology, address: string, preferred?: string): string | undefined {
  const holding = labRecords(topology).filter((record) => record.ip === address || record.ipv6 === address);
  return (holding.find((record) => record.name === preferred) ?? holding[0])?.name;
}

/**
 * Hosts-file lines as dnsmasq reads them: the FQDN first so the PTR answer is the full name,
 * then the short name for search-domain-less lookups; one line per address (A, then AAAA).
 */
export function hostsLine(record: DnsRecord, domain: string): string {
  return [record.ip, record.ipv6].filter((address) => address).map((address) => `${address} ${record.name}.${domain} ${record.name}\n`).join('');
}
