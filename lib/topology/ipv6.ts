import { formatIpv6Groups } from '../common/ipv6-text.ts';

/** IPv6 arithmetic on 128-bit bigints; just what IPAM, validation and PTR records need. */

export interface Cidr6 {
  /** Network address (host bits as written; see hasHostBits6). */
  network: bigint;
  prefix: number;
}

const MAX = (1n << 128n) - 1n;

/** Parses an IPv6 address (compressed `::` form allowed, no zone, no embedded IPv4); undefined when it is not one. */
export function parseIpv6(text: string): bigint | undefined {
  if (!/^[0-9a-fA-F:]{2,39}$/.test(text)) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  let value = 0n;
  for (const group of all) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return undefined;
    value = (value << 16n) | BigInt(parseInt(group, 16));
  }
  return value;
}

export function isIpv6(text: string): boolean {
  return parseIpv6(text) !== undefined;
}

/** RFC 5952 text (see formatIpv6Groups). */
export function formatIpv6(value: bigint): string {
  return formatIpv6Groups(Array.from({ length: 8 }, (_, i) => Number((value >> BigInt(112 - 16 * i)) & 0xffffn)));
}

export function parseCidr6(text: string): Cidr6 | undefined {
  const match = /^([0-9a-fA-F:]+)\/(\d{1,3})$/.exec(text);
  if (!match || Number(match[2]) > 128) return undefined;
  const network = parseIpv6(match[1]);
  return network === undefined ? undefined : { network, prefix: Number(match[2]) };
}

function hostMask(prefix: number): bigint {
  return MAX >> BigInt(prefix);
}

export function hasHostBits6(cidr: Cidr6): boolean {
  return (cidr.network & hostMask(cidr.prefix)) !== 0n;
}

export function networkAddress6(cidr: Cidr6): bigint {
  return cidr.network & ~hostMask(cidr.prefix) & MAX;
}

export function cidr6Contains(cidr: Cidr6, address: bigint): boolean {
  return (address & ~hostMask(cidr.prefix) & MAX) === networkAddress6(cidr);
}

export function cidrs6Overlap(a: Cidr6, b: Cidr6): boolean {
  const prefix = Math.min(a.prefix, b.prefix);
  return networkAddress6({ network: a.network, prefix }) === networkAddress6({ network: b.network, prefix });
}

export function formatCidr6(cidr: Cidr6): string {
  return `${formatIpv6(networkAddress6(cidr))}/${cidr.prefix}`;
}

/** Unique local addresses, fc00::/7 (RFC 4193): the only prefixes a lab may use, as public IPv4 is refused. */
export const ULA: Cidr6 = { network: 0xfcn << 120n, prefix: 7 };

/**
 * The address with interface id `hostIndex` in a prefix, written so people can match it to the
 * IPv4 host: the decimal digits of the index read as hex (host .50 → ::50, host .1.7 of a /16 →
 * index 263 → ::263). Distinct indexes give distinct addresses.
 */
export function hostAddress6(cidr: Cidr6, hostIndex: number): bigint {
  return networkAddress6(cidr) + BigInt(`0x${hostIndex.toString(10)}`);
}

/** ip6.arpa name for an address, as PTR records use: 32 nibbles, least significant first. */
export function reverseName6(address: string): string {
  const value = parseIpv6(address);
  if (value === undefined) throw new Error(`not an IPv6 address: ${address}`);
  const nibbles = value.toString(16).padStart(32, '0').split('').reverse();
  return `${nibbles.join('.')}.ip6.arpa`;
}
