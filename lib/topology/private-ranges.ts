import { TopologyError } from '../common/errors.ts';
import { broadcastAddress, cidrContains, formatCidr, ipToInt, networkAddress, parseCidr, type Cidr } from './ipv4.ts';

/**
 * Address space a lab may use: RFC 1918 private networks and RFC 6598 shared space. Anything
 * else (public, multicast, link-local, 0/8) would route other people's addresses into the lab.
 */
export const PRIVATE_IPV4_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10'].map((text) => parseCidr(text) as Cidr);

export function isPrivateSubnet(subnet: Cidr): boolean {
  return PRIVATE_IPV4_RANGES.some((range) => cidrContains(range, networkAddress(subnet)) && cidrContains(range, broadcastAddress(subnet)));
}

export function isPrivateAddress(ip: string): boolean {
  return PRIVATE_IPV4_RANGES.some((range) => cidrContains(range, ipToInt(ip)));
}

export function checkPrivateSubnet(subnet: Cidr, text: string, field = 'bridge.subnet'): void {
  if (isPrivateSubnet(subnet)) return;
  throw new TopologyError(
    field,
    text,
    `${formatCidr(subnet)} is not private address space: the lab would route addresses that belong to other networks`,
    `use a subnet inside ${PRIVATE_IPV4_RANGES.map(formatCidr).join(', ')} (e.g. 10.0.5.0/24)`,
  );
}
