import { z } from 'zod';
import { impairmentSchema } from './impairment.ts';

/**
 * `networks:` (several segments per lab, each a bridge with a mode, its subnet(s) and DHCP) and a
 * node's `nics:` (one per network it sits on). Kept apart from schema.ts, which holds the lab's
 * shape; the cross-network rules (overlaps, addresses inside subnets, reservations) are checked
 * in networks.ts once every network is known.
 */

/** Separates the problem from the fix inside a zod message (same marker as schema.ts). */
const FIX = ' :: fix: ';

const dnsLabel = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const ipv4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
export const interfaceName = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,14}$/;
const ipv6Text = /^[0-9a-fA-F:]{2,39}$/;

export const NETWORK_MODES = ['bridged', 'isolated', 'nat', 'routed', 'macvlan'] as const;
export type NetworkMode = (typeof NETWORK_MODES)[number];

const networkName = z
  .string()
  .regex(dnsLabel, `not a valid network name${FIX}use 1-63 lowercase letters, digits and inner hyphens (e.g. backend)`);
const ipv4Field = z.string().regex(ipv4, `not an IPv4 address${FIX}write four dotted decimals such as 10.0.1.50`);
const macField = z
  .string()
  .regex(/^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/, `not a MAC address${FIX}write six colon-separated hex pairs, e.g. 52:54:00:12:34:56`)
  .refine((mac) => (parseInt(mac.slice(0, 2), 16) & 1) === 0, `a multicast MAC cannot be a NIC's address${FIX}make the first octet even, e.g. 52:54:00:...`)
  .transform((mac) => mac.toLowerCase());

/** dnsmasq lease time: seconds, minutes or hours (at least two minutes, dnsmasq's floor), or infinite. */
const leaseTime = z
  .string()
  .regex(/^(\d+[smh]?|infinite)$/, `not a lease time${FIX}write e.g. 1h, 30m, 3600 or infinite`)
  .refine((text) => text === 'infinite' || leaseSeconds(text) >= 120, `dnsmasq refuses leases under two minutes${FIX}use 2m or more`);

export function leaseSeconds(text: string): number {
  const unit = { s: 1, m: 60, h: 3600 }[text.slice(-1) as 's' | 'm' | 'h'];
  return unit ? Number(text.slice(0, -1)) * unit : Number(text);
}

const dhcpReservation = z.strictObject({
  mac: macField,
  ip: ipv4Field,
  /** Host name the lease gets in DNS (default: the node whose NIC has this MAC, else none). */
  name: networkName.optional(),
});

const dhcp = z.strictObject({
  /** The dynamic range, `first-last` (inclusive), inside the subnet. */
  range: z.string().regex(/^\s*\S+\s*-\s*\S+\s*$/, `not a range${FIX}write first-last, e.g. 10.0.2.100-10.0.2.199`),
  leaseTime: leaseTime.default('1h'),
  reservations: z.array(dhcpReservation).default([]),
});

export const networkSchema = z.strictObject({
  name: networkName,
  /** The Linux bridge; default `<lab>-<network>` when that fits in 15 characters. */
  bridge: z.string().regex(interfaceName, `not a valid Linux interface name${FIX}use at most 15 letters, digits, '-', '_' or '.'`).optional(),
  /**
   * bridged: forwards off the segment (to the host's other networks) as today's lab bridge;
   * isolated: nothing leaves the segment; nat: masqueraded towards the host's uplink; routed: the
   * host routes between routed segments, no address translation; macvlan: no bridge, the nodes
   * sit on `parent` (an existing host interface) and its L2 segment (see macvlan.ts).
   */
  mode: z.enum(NETWORK_MODES, { message: `unknown network mode${FIX}use one of ${NETWORK_MODES.join(', ')}` }).default('bridged'),
  /** mode macvlan only: the existing host interface the nodes are attached to (never changed or removed by the lab). */
  parent: z.string().regex(interfaceName, `not a valid Linux interface name${FIX}name an existing host interface such as eth1 (at most 15 letters, digits, '-', '_' or '.')`).optional(),
  subnet: z.string(),
  /** The host's address on the segment (on a macvlan network: its shim interface's); default the first host address. */
  gateway: ipv4Field.optional(),
  /** The lab DNS server's address on the segment; default the second host address. */
  dns: ipv4Field.optional(),
  /** An IPv6 prefix (ULA, fc00::/7) for dual stack; the host is ::1, the DNS server ::2. */
  ipv6: z.string().optional(),
  /** Addresses (or ranges a-b) never given to nodes without a static address. */
  reserved: z.array(z.string()).default([]),
  dhcp: dhcp.optional(),
});

export const nicSchema = z.strictObject({
  network: networkName,
  /** A static IPv4 address, `dhcp` (VMs: the guest's DHCP client), or omitted: allocated from the subnet. */
  ip: z.union([z.literal('dhcp'), ipv4Field], { message: `not an IPv4 address or dhcp${FIX}write e.g. 10.0.2.10, or dhcp` }).optional(),
  /** On a dual-stack network: a static IPv6 address, `slaac` (VMs: router advertisements), or omitted: allocated. */
  ipv6: z.union([z.literal('slaac'), z.string().regex(ipv6Text, `not an IPv6 address${FIX}write e.g. fd00:2::10, or slaac`)]).optional(),
  /** A fixed MAC (what a DHCP reservation matches); default a stable one derived from lab, node and network. */
  mac: macField.optional(),
  /** Delay, jitter, loss and rate on this link, both directions (see impairment.ts). */
  impair: impairmentSchema.optional(),
});

export type NetworkSpec = z.output<typeof networkSchema>;
export type NicSpec = z.output<typeof nicSchema>;
