/** IPv4 arithmetic on 32-bit unsigned integers; just what IPAM and validation need. */

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function isIpv4(text: string): boolean {
  return IPV4.test(text);
}

export function ipToInt(ip: string): number {
  if (!isIpv4(ip)) throw new Error(`not an IPv4 address: ${ip}`);
  return ip.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

export function intToIp(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

export interface Cidr {
  /** Network address as written after masking, e.g. 10.0.1.0 */
  network: number;
  prefix: number;
}

export function parseCidr(text: string): Cidr | undefined {
  const match = /^([\d.]+)\/(\d{1,2})$/.exec(text);
  if (!match || !isIpv4(match[1]) || Number(match[2]) > 32) return undefined;
  const prefix = Number(match[2]);
  return { network: ipToInt(match[1]), prefix };
}

export function cidrSize(cidr: Cidr): number {
  return 2 ** (32 - cidr.prefix);
}

/** True when the address part has host bits set (10.0.1.5/24 rather than 10.0.1.0/24). */
export function hasHostBits(cidr: Cidr): boolean {
  return cidr.network % cidrSize(cidr) !== 0;
}

export function networkAddress(cidr: Cidr): number {
  return cidr.network - (cidr.network % cidrSize(cidr));
}

export function broadcastAddress(cidr: Cidr): number {
  return networkAddress(cidr) + cidrSize(cidr) - 1;
}

export function cidrContains(cidr: Cidr, ip: number): boolean {
  return ip >= networkAddress(cidr) && ip <= broadcastAddress(cidr);
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return networkAddress(a) <= broadcastAddress(b) && networkAddress(b) <= broadcastAddress(a);
}

export function formatCidr(cidr: Cidr): string {
  return `${intToIp(networkAddress(cidr))}/${cidr.prefix}`;
}

/** in-addr.arpa name for an address, as PTR records use. */
export function reverseName(ip: string): string {
  return `${ip.split('.').reverse().join('.')}.in-addr.arpa`;
}
