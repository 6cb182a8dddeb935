import { TopologyError } from '../common/errors.ts';
import { broadcastAddress, cidrsOverlap, formatCidr, hasHostBits, intToIp, ipToInt, isIpv4, networkAddress, parseCidr, type Cidr } from './ipv4.ts';
import { cidr6Contains, cidrs6Overlap, formatCidr6, formatIpv6, hasHostBits6, hostAddress6, parseCidr6, ULA, type Cidr6 } from './ipv6.ts';
import { AddressRanges, addressConflict, parseReservation, type AddressPlan } from './ipam.ts';
import type { NetworkMode, NetworkSpec } from './network-schema.ts';
import { checkPrivateSubnet } from './private-ranges.ts';
import { checkMacvlanNetwork, shimName } from './macvlan.ts';
import type { ParsedTopology } from './schema.ts';
import type { ResolvedNetwork } from './topology.ts';

/** The one segment a topology without `networks:` has; policies and NICs name it so. */
export const LEGACY_NETWORK_NAME = 'main';

/** A network as written, with the field path each of its values came from (legacy `bridge:` or `networks[i]`). */
export interface NetworkInput {
  spec: NetworkSpec & { poolStart?: string; poolEnd?: string };
  field: (name: 'name' | 'bridge' | 'mode' | 'parent' | 'subnet' | 'gateway' | 'dns' | 'ipv6' | 'reserved' | 'dhcp' | 'poolStart' | 'poolEnd') => string;
}

/** A resolved network with the arithmetic the node checks and allocation need. */
export interface NetworkPlan {
  network: ResolvedNetwork;
  input: NetworkInput;
  v4: AddressPlan;
  /** The DHCP dynamic range, never given to a static NIC. */
  dynamic?: { start: number; end: number };
  v6?: { cidr: Cidr6; gateway: bigint; dns: bigint };
}

/** The topology's segments as written: `networks:`, or the single legacy `bridge:` + `ipam:` + `dns.address`. */
export function networkInputs(parsed: ParsedTopology): NetworkInput[] {
  if (parsed.networks) {
    for (const [field, present, fix] of [
      ['bridge', parsed.bridge !== undefined, 'move the bridge into networks[0] (name, bridge, subnet, gateway)'],
      ['ipam', parsed.ipam !== undefined, 'use networks[i].reserved (and dhcp.range) instead'],
      ['dns.address', parsed.dns.address !== undefined, 'set networks[i].dns: the DNS server has an address on every network'],
    ] as const) {
      if (present) throw new TopologyError(field, undefined, `cannot be combined with networks:`, fix);
    }
    return parsed.networks.map((spec, index) => ({ spec, field: (name) => `networks[${index}].${name}` }));
  }
  const bridge = parsed.bridge ?? { name: 'hybr0', subnet: '10.0.1.0/24' };
  const legacyField = { name: 'bridge.name', bridge: 'bridge.name', mode: 'bridge', parent: 'bridge', subnet: 'bridge.subnet', gateway: 'bridge.gateway', dns: 'dns.address', ipv6: 'bridge', reserved: 'ipam.reserved', dhcp: 'bridge', poolStart: 'ipam.poolStart', poolEnd: 'ipam.poolEnd' };
  return [{
    spec: {
      name: LEGACY_NETWORK_NAME,
      bridge: bridge.name,
      mode: 'bridged' as NetworkMode,
      subnet: bridge.subnet,
      gateway: bridge.gateway,
      dns: parsed.dns.address,
      reserved: parsed.ipam?.reserved ?? [],
      poolStart: parsed.ipam?.poolStart,
      poolEnd: parsed.ipam?.poolEnd,
    },
    field: (name) => legacyField[name],
  }];
}

/** Checks every network on its own and against the others, and works out its addresses. */
export function planNetworks(labName: string, inputs: readonly NetworkInput[]): NetworkPlan[] {
  const plans = inputs.map((input) => planNetwork(labName, input));
  for (const [j, later] of plans.entries()) {
    for (const earlier of plans.slice(0, j)) checkDistinct(earlier, later);
  }
  return plans;
}

function checkDistinct(earlier: NetworkPlan, later: NetworkPlan): void {
  const { input } = later;
  if (earlier.network.name === later.network.name) throw new TopologyError(input.field('name'), later.network.name, 'duplicate network name', 'give every network its own name');
  if (earlier.network.parent !== undefined && earlier.network.parent === later.network.parent) {
    throw new TopologyError(input.field('parent'), later.network.parent, `parent already used by macvlan network ${earlier.network.name} (the engine allows one macvlan network per parent)`, `put both segments' nodes on network ${earlier.network.name}, or give this one another parent`);
  }
  if (earlier.network.bridge === later.network.bridge) throw new TopologyError(input.field('bridge'), later.network.bridge, `bridge already used by network ${earlier.network.name}`, 'give every network its own bridge');
  if (cidrsOverlap(earlier.v4.subnet, later.v4.subnet)) {
    throw new TopologyError(input.field('subnet'), later.network.subnet, `overlaps network ${earlier.network.name} (${earlier.network.subnet})`, 'give every network a subnet of its own');
  }
  if (earlier.v6 && later.v6 && cidrs6Overlap(earlier.v6.cidr, later.v6.cidr)) {
    throw new TopologyError(input.field('ipv6'), later.network.ipv6?.subnet, `overlaps network ${earlier.network.name} (${earlier.network.ipv6?.subnet})`, 'give every network an IPv6 prefix of its own');
  }
}

function planNetwork(labName: string, input: NetworkInput): NetworkPlan {
  const { spec, field } = input;
  const subnet = parseCidr(spec.subnet);
  if (!subnet) throw new TopologyError(field('subnet'), spec.subnet, 'not a CIDR', 'write it as 10.0.1.0/24');
  if (hasHostBits(subnet)) throw new TopologyError(field('subnet'), spec.subnet, 'host bits are set', `write the network address: ${formatCidr(subnet)}`);
  if (subnet.prefix > 29 || subnet.prefix < 8) throw new TopologyError(field('subnet'), spec.subnet, 'prefix must be between /8 and /29', 'use a prefix such as /24');
  checkPrivateSubnet(subnet, spec.subnet, field('subnet'));
  const first = networkAddress(subnet) + 1;
  const v4: AddressPlan = {
    subnet,
    gateway: spec.gateway ? ipToInt(spec.gateway) : first,
    dns: spec.dns ? ipToInt(spec.dns) : first + 1,
    poolStart: spec.poolStart ? ipToInt(spec.poolStart) : first,
    poolEnd: spec.poolEnd ? ipToInt(spec.poolEnd) : broadcastAddress(subnet) - 1,
    reserved: new AddressRanges(spec.reserved.map((text, i) => parseReservation(text, `${field('reserved')}[${i}]`))),
  };
  checkInfrastructure(v4, input);
  const parent = checkMacvlanNetwork(spec, field);
  const bridge = parent !== undefined ? shimName(labName, spec.name) : (spec.bridge ?? defaultBridgeName(labName, spec.name, field('bridge')));
  const dynamic = spec.dhcp ? dhcpRange(v4, input) : undefined;
  const v6 = spec.ipv6 === undefined ? undefined : planIpv6(spec.ipv6, field('ipv6'));
  const network: ResolvedNetwork = {
    name: spec.name,
    bridge,
    mode: spec.mode,
    ...(parent !== undefined ? { parent } : {}),
    subnet: formatCidr(subnet),
    prefix: subnet.prefix,
    gateway: intToIp(v4.gateway),
    dns: intToIp(v4.dns),
    ...(v6 ? { ipv6: { subnet: formatCidr6(v6.cidr), prefix: v6.cidr.prefix, gateway: formatIpv6(v6.gateway), dns: formatIpv6(v6.dns) } } : {}),
    ...(spec.dhcp && dynamic ? { dhcp: { start: intToIp(dynamic.start), end: intToIp(dynamic.end), leaseTime: spec.dhcp.leaseTime, reservations: spec.dhcp.reservations } } : {}),
  };
  const plan: NetworkPlan = { network, input, v4, dynamic, v6 };
  checkReservations(plan);
  return plan;
}

function defaultBridgeName(labName: string, networkName: string, field: string): string {
  const name = `${labName}-${networkName}`;
  if (name.length <= 15) return name;
  throw new TopologyError(field, undefined, `the default bridge name ${name} is longer than Linux allows (15 characters)`, 'give the network a bridge: name of at most 15 characters');
}

function checkInfrastructure(plan: AddressPlan, input: NetworkInput): void {
  const subnetText = formatCidr(plan.subnet);
  for (const [name, ip] of [['gateway', plan.gateway], ['dns', plan.dns]] as const) {
    if (ip <= networkAddress(plan.subnet) || ip >= broadcastAddress(plan.subnet)) {
      throw new TopologyError(input.field(name), intToIp(ip), `not a host address of ${subnetText}`, `pick an address inside ${subnetText}`);
    }
  }
  if (plan.gateway === plan.dns) throw new TopologyError(input.field('dns'), intToIp(plan.dns), 'equals the gateway address', 'give the DNS server its own address');
  for (const [name, ip] of [['poolStart', plan.poolStart], ['poolEnd', plan.poolEnd]] as const) {
    if (ip < networkAddress(plan.subnet) || ip > broadcastAddress(plan.subnet)) {
      throw new TopologyError(input.field(name), intToIp(ip), `outside the subnet ${subnetText}`, `pick an address inside ${subnetText}`);
    }
  }
  if (plan.poolEnd < plan.poolStart) throw new TopologyError(input.field('poolEnd'), intToIp(plan.poolEnd), 'pool ends before it starts', 'make poolEnd >= poolStart');
  for (const [i, range] of plan.reserved.ranges.entries()) {
    if (range.start < networkAddress(plan.subnet) || range.end > broadcastAddress(plan.subnet)) {
      throw new TopologyError(`${input.field('reserved')}[${i}]`, input.spec.reserved[i], `reaches outside the subnet ${subnetText}`, `reserve addresses inside ${subnetText} only`);
    }
  }
}

function dhcpRange(plan: AddressPlan, input: NetworkInput): { start: number; end: number } {
  const dhcp = input.spec.dhcp!;
  const field = `${input.field('dhcp')}.range`;
  const [startText, endText] = dhcp.range.split('-').map((part) => part.trim());
  if (!isIpv4(startText) || !isIpv4(endText)) throw new TopologyError(field, dhcp.range, 'not a range of two IPv4 addresses', `write first-last inside ${formatCidr(plan.subnet)}`);
  const range = { start: ipToInt(startText), end: ipToInt(endText) };
  if (range.end < range.start) throw new TopologyError(field, dhcp.range, 'range ends before it starts', 'put the lower address first');
  for (const ip of [range.start, range.end]) {
    const conflict = addressConflict(plan, ip);
    if (conflict) throw new TopologyError(field, dhcp.range, `${intToIp(ip)} is ${conflict}`, `keep the range to host addresses of ${formatCidr(plan.subnet)}`);
  }
  for (const ip of [plan.gateway, plan.dns]) {
    if (ip >= range.start && ip <= range.end) throw new TopologyError(field, dhcp.range, `holds ${ip === plan.gateway ? 'the gateway' : 'the DNS server'} address ${intToIp(ip)}`, 'start the range after the infrastructure addresses');
  }
  return range;
}

/** Reservations: inside the subnet, not infrastructure, each MAC and address once. */
function checkReservations(plan: NetworkPlan): void {
  const reservations = plan.input.spec.dhcp?.reservations ?? [];
  const field = (i: number) => `${plan.input.field('dhcp')}.reservations[${i}]`;
  const macs = new Map<string, number>();
  const ips = new Map<string, number>();
  for (const [i, reservation] of reservations.entries()) {
    const conflict = addressConflict(plan.v4, ipToInt(reservation.ip));
    if (conflict) throw new TopologyError(`${field(i)}.ip`, reservation.ip, `is ${conflict}`, `reserve a free host address inside ${plan.network.subnet}`);
    for (const [key, seen, what] of [[reservation.mac, macs, 'MAC'], [reservation.ip, ips, 'address']] as const) {
      const other = seen.get(key);
      if (other !== undefined) throw new TopologyError(`${field(i)}.${what === 'MAC' ? 'mac' : 'ip'}`, key, `duplicate reservation ${what} (also reservations[${other}])`, 'give every reservation its own MAC and address');
      seen.set(key, i);
    }
  }
}

function planIpv6(text: string, field: string): { cidr: Cidr6; gateway: bigint; dns: bigint } {
  const cidr = parseCidr6(text);
  if (!cidr) throw new TopologyError(field, text, 'not an IPv6 prefix', 'write it as fd00:1::/64');
  if (hasHostBits6(cidr)) throw new TopologyError(field, text, 'host bits are set', `write the prefix itself: ${formatCidr6(cidr)}`);
  if (!cidr6Contains(ULA, cidr.network) || cidr.prefix < 8) {
    throw new TopologyError(field, text, 'is not a unique local (ULA) prefix: the lab would route addresses that belong to other networks', 'use a prefix inside fc00::/7, e.g. fd00:1::/64');
  }
  if (cidr.prefix < 48 || cidr.prefix > 120) throw new TopologyError(field, text, 'prefix length must be between /48 and /120', 'use /64 (SLAAC needs /64)');
  return { cidr, gateway: cidr.network + 1n, dns: cidr.network + 2n };
}

/** Why an IPv6 address may not be a NIC's on this network, or undefined when it may. */
export function ipv6Conflict(v6: NonNullable<NetworkPlan['v6']>, address: bigint): string | undefined {
  if (!cidr6Contains(v6.cidr, address)) return `outside the prefix ${formatCidr6(v6.cidr)}`;
  if (address === v6.cidr.network) return 'the prefix\'s own (subnet-router anycast) address';
  if (address === v6.gateway) return 'the gateway address';
  if (address === v6.dns) return 'the DNS server address';
  return undefined;
}

/** The allocated IPv6 address for a NIC whose IPv4 address is `ip`: same host number, see hostAddress6. */
export function matchingIpv6(plan: NetworkPlan, ip: string): string {
  return formatIpv6(hostAddress6(plan.v6!.cidr, ipToInt(ip) - networkAddress(plan.v4.subnet)));
}
