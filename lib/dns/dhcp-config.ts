import { intToIp } from '../topology/ipv4.ts';
import { labNetworks, type ResolvedNetwork, type Topology } from '../topology/topology.ts';

/** Where the DNS container writes its leases: the lab's dhcp/ folder, mounted read-write (lib/lab/dns-paths.ts). */
export const CONTAINER_LEASE_DIR = '/var/lib/hybrid-lab-dhcp';
export const LEASE_FILE_NAME = 'dnsmasq.leases';

/** The lab's networks with a DHCP service. */
export function dhcpNetworks(topology: Topology): ResolvedNetwork[] {
  return labNetworks(topology).filter((network) => network.dhcp !== undefined);
}

function netmask(prefix: number): string {
  return intToIp(prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0);
}

/**
 * The host name a node's DHCP lease is given: the node's name on its first NIC, `NODE-NETWORK` on
 * a further one (the first NIC's address already holds the node's name; a DHCP host name is one
 * label, so not the `NODE.<network>` of static NICs). At most 63 characters.
 */
export function leaseHostName(nodeName: string, networkName: string, firstNic: boolean): string {
  return firstNic ? nodeName : `${nodeName}-${networkName}`.slice(0, 63).replace(/-+$/, '');
}

/** A reservation's DNS name: its own, else the lease name of the node whose NIC on this network has that MAC. */
function reservationName(topology: Topology, network: ResolvedNetwork, mac: string, name?: string): string | undefined {
  if (name) return name;
  const node = topology.nodes.find((candidate) => candidate.nics.some((nic) => nic.network === network.name && nic.mac === mac));
  return node ? leaseHostName(node.name, network.name, node.nics[0].network === network.name) : undefined;
}

/**
 * dnsmasq's DHCP lines: per network a range (tagged with the network's name, with its mask and
 * lease time: dnsmasq serves a range only on the interface inside that subnet), the gateway and
 * DNS server as options, and one dhcp-host per reservation. Leases become A and PTR records of
 * the lab domain as soon as they are given (dnsmasq does this for every client that sends or is
 * given a name). Empty when no network has DHCP.
 */
export function renderDhcpLines(topology: Topology): string[] {
  const networks = dhcpNetworks(topology);
  if (networks.length === 0) return [];
  const lines = [
    `dhcp-leasefile=${CONTAINER_LEASE_DIR}/${LEASE_FILE_NAME}`,
    // The lab's DHCP server is the only one on its segments: answer clients that still hold an old lease at once.
    'dhcp-authoritative',
    // No ICMP check of a dynamic address before offering it: every static address of the lab lies
    // outside the range (topology validation), and the check blocks dnsmasq's DHCP for up to 3 s
    // per offer, long enough for a second client's REQUEST to time out (seen with two DHCP NICs).
    'no-ping',
  ];
  for (const network of networks) {
    const dhcp = network.dhcp!;
    const tag = `net-${network.name}`;
    lines.push(
      `dhcp-range=set:${tag},${dhcp.start},${dhcp.end},${netmask(network.prefix)},${dhcp.leaseTime}`,
      `dhcp-option=tag:${tag},option:router,${network.gateway}`,
      `dhcp-option=tag:${tag},option:dns-server,${network.dns}`,
    );
    for (const reservation of dhcp.reservations) {
      const name = reservationName(topology, network, reservation.mac, reservation.name);
      lines.push(`dhcp-host=${reservation.mac},${reservation.ip}${name ? `,${name}` : ''}`);
    }
  }
  return lines;
}

/**
 * Capabilities the DNS container needs for DHCP, none without it: NET_ADMIN lets dnsmasq put a
 * client's address in the ARP table (SIOCSARP) to send an offer straight to a client that has
 * no address yet; dnsmasq 2.90 refuses to start with a dhcp-range without it. NET_RAW (its ICMP
 * ping check) is not needed with no-ping (checked: it starts and serves without it).
 */
export function dhcpCapabilities(topology: Topology): string[] {
  return dhcpNetworks(topology).length > 0 ? ['NET_ADMIN'] : [];
}
