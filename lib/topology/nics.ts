import { TopologyError } from '../common/errors.ts';
import { intToIp, ipToInt } from './ipv4.ts';
import { formatIpv6, parseIpv6 } from './ipv6.ts';
import { AddressRanges, addressConflict, allocateAddresses } from './ipam.ts';
import { ipv6Conflict, matchingIpv6, type NetworkPlan } from './networks.ts';
import type { NicSpec } from './network-schema.ts';
import type { NodeSpec } from './schema.ts';
import type { ResolvedNic } from './topology.ts';

interface NicInput {
  node: NodeSpec;
  nodeIndex: number;
  spec: NicSpec;
  /** Field path of the NIC (`nodes[2].nics[1]`), or of the node's legacy `ip`. */
  field: (name: keyof NicSpec) => string;
}

/**
 * Every node's NICs with their addresses: checked against their network (inside the subnet, not
 * infrastructure, not in the DHCP range, unique), DHCP reservations applied, the rest allocated
 * from each network's pool. A node without `nics:` has one on the first network (`ip:`).
 */
export function resolveNics(nodes: readonly NodeSpec[], plans: readonly NetworkPlan[]): Map<string, ResolvedNic[]> {
  const byName = new Map(plans.map((plan) => [plan.network.name, plan]));
  const inputs = nodes.flatMap((node, nodeIndex) => nicInputs(node, nodeIndex, plans[0]));
  for (const input of inputs) checkNic(input, byName);
  checkUnique(inputs, byName);
  const resolved = new Map<string, ResolvedNic[]>(nodes.map((node) => [node.name, []]));
  for (const plan of plans) {
    const here = inputs.filter((input) => input.spec.network === plan.network.name);
    const statics = here.map((input) => ({ name: input.node.name, ip: staticAddress(input, plan) }));
    const wanted = here.filter((input) => input.spec.ip !== 'dhcp');
    const allocated = allocateAddresses(
      { ...plan.v4, reserved: withDynamicRange(plan) },
      wanted.map((input) => ({ name: input.node.name, ip: statics.find((entry) => entry.name === input.node.name)?.ip, field: input.field('ip') })),
    );
    for (const input of here) {
      const dhcp = input.spec.ip === 'dhcp';
      const ip = dhcp ? reservedAddress(input, plan) : allocated.get(input.node.name);
      resolved.get(input.node.name)!.push({
        network: plan.network.name,
        ...(ip ? { ip } : {}),
        dhcp,
        ...ipv6Of(input, plan, ip),
        ...(input.spec.mac ? { mac: input.spec.mac } : {}),
        ...(input.spec.impair ? { impair: input.spec.impair } : {}),
      });
    }
  }
  // Keep each node's NICs in the order it listed them (the first is its primary).
  for (const node of nodes) {
    const order = (node.nics ?? [{ network: plans[0].network.name }]).map((nic) => nic.network);
    resolved.get(node.name)!.sort((a, b) => order.indexOf(a.network) - order.indexOf(b.network));
  }
  return resolved;
}

function nicInputs(node: NodeSpec, nodeIndex: number, primary: NetworkPlan): NicInput[] {
  const base = `nodes[${nodeIndex}]`;
  if (node.nics && node.ip !== undefined) throw new TopologyError(`${base}.ip`, node.ip, 'cannot be combined with nics:', `put the address on the NIC: nics: [{ network: ${node.nics[0].network}, ip: ${node.ip} }]`);
  const impair = (node as { impair?: NicSpec['impair'] }).impair;
  if (!node.nics) return [{ node, nodeIndex, spec: { network: primary.network.name, ip: node.ip, ...(impair ? { impair } : {}) }, field: (name) => (name === 'ip' || name === 'impair' ? `${base}.${name}` : base) }];
  if (impair && node.nics[0].impair) throw new TopologyError(`${base}.impair`, undefined, 'the node\'s impair is its first NIC\'s, and nics[0] has its own', 'keep one of them (nics[0].impair, or impair on the node)');
  // The node's `impair` is its first link's: `nics:` nodes may say it either way.
  return node.nics.map((spec, i) => ({ node, nodeIndex, spec: i === 0 && impair ? { ...spec, impair } : spec, field: (name) => (i === 0 && impair && name === 'impair' ? `${base}.impair` : `${base}.nics[${i}].${name}`) }));
}

function checkNic(input: NicInput, byName: Map<string, NetworkPlan>): void {
  const { spec, node, field } = input;
  if (spec.impair && node.kind === 'vm' && node.nics && node.nics[0].network !== spec.network) {
    throw new TopologyError(field('impair'), undefined, 'only a VM\'s first NIC can be impaired so far (its guest and tap are known for that one)', 'impair the first NIC, or put the impaired network first in nics:');
  }
  const plan = byName.get(spec.network);
  if (!plan) throw new TopologyError(field('network'), spec.network, 'no such network', `use one of ${[...byName.keys()].join(', ')}, or add it under networks:`);
  if (spec.ip === 'dhcp') {
    if (node.kind === 'container') {
      throw new TopologyError(field('ip'), 'dhcp', 'a container cannot take its address by DHCP: the container engine assigns container addresses itself', 'give the container a static ip, or omit ip to have one allocated (DHCP is for VMs)');
    }
    if (!plan.network.dhcp) throw new TopologyError(field('ip'), 'dhcp', `network ${spec.network} has no DHCP service`, `add dhcp: { range: ... } to network ${spec.network}, or give a static ip`);
  }
  if (spec.ipv6 !== undefined && !plan.v6) throw new TopologyError(field('ipv6'), spec.ipv6, `network ${spec.network} has no IPv6 prefix`, `add ipv6: fd00:.../64 to network ${spec.network}, or remove ipv6`);
  if (spec.ipv6 === 'slaac') {
    if (node.kind === 'container') throw new TopologyError(field('ipv6'), 'slaac', 'a container cannot configure itself by SLAAC: the container engine assigns its addresses', 'give a static ipv6 address, or omit it to have one allocated');
    if (plan.v6!.cidr.prefix !== 64) throw new TopologyError(field('ipv6'), 'slaac', `SLAAC needs a /64 prefix; network ${spec.network} has /${plan.v6!.cidr.prefix}`, 'give a static ipv6 address, or make the prefix a /64');
  }
  const reservation = spec.mac ? plan.network.dhcp?.reservations.find((entry) => entry.mac === spec.mac) : undefined;
  if (reservation && spec.ip !== 'dhcp') {
    throw new TopologyError(field('ip'), spec.ip, `this NIC's MAC ${spec.mac} has a DHCP reservation (${reservation.ip}) on network ${spec.network}`, 'write ip: dhcp to take the reserved address, or drop the reservation');
  }
}

/** Static addresses: inside the subnet, not infrastructure, not reserved, not in the DHCP range. */
function staticAddress(input: NicInput, plan: NetworkPlan): string | undefined {
  const ip = input.spec.ip;
  if (ip === undefined || ip === 'dhcp') return undefined;
  const value = ipToInt(ip);
  const conflict = addressConflict(plan.v4, value);
  if (conflict) throw new TopologyError(input.field('ip'), ip, `is ${conflict}`, 'choose a free host address in the subnet, or omit ip to allocate one');
  if (plan.v4.reserved.has(value)) throw new TopologyError(input.field('ip'), ip, `is reserved (${plan.input.field('reserved')})`, 'choose another address or remove the reservation');
  if (plan.dynamic && value >= plan.dynamic.start && value <= plan.dynamic.end) {
    throw new TopologyError(input.field('ip'), ip, `is inside network ${plan.network.name}'s DHCP range ${intToIp(plan.dynamic.start)}-${intToIp(plan.dynamic.end)}`, 'choose an address outside the dynamic range');
  }
  if (plan.network.dhcp?.reservations.some((entry) => entry.ip === ip)) {
    throw new TopologyError(input.field('ip'), ip, `is reserved by DHCP for another MAC on network ${plan.network.name}`, 'choose another address, or give this NIC that MAC and ip: dhcp');
  }
  return ip;
}

/** Pool allocation skips the DHCP range and reserved DHCP addresses as well as `reserved`. */
function withDynamicRange(plan: NetworkPlan) {
  const extra = [
    ...(plan.dynamic ? [plan.dynamic] : []),
    ...(plan.network.dhcp?.reservations ?? []).map((entry) => ({ start: ipToInt(entry.ip), end: ipToInt(entry.ip) })),
  ];
  return new AddressRanges([...plan.v4.reserved.ranges, ...extra]);
}

function reservedAddress(input: NicInput, plan: NetworkPlan): string | undefined {
  return input.spec.mac ? plan.network.dhcp?.reservations.find((entry) => entry.mac === input.spec.mac)?.ip : undefined;
}

function ipv6Of(input: NicInput, plan: NetworkPlan, ip: string | undefined): Pick<ResolvedNic, 'ipv6' | 'slaac'> {
  if (!plan.v6) return { slaac: false };
  const wanted = input.spec.ipv6;
  if (wanted === 'slaac') return { slaac: true };
  if (wanted !== undefined) {
    const value = parseIpv6(wanted);
    if (value === undefined) throw new TopologyError(input.field('ipv6'), wanted, 'not an IPv6 address', 'write e.g. fd00:2::10');
    const conflict = ipv6Conflict(plan.v6, value);
    if (conflict) throw new TopologyError(input.field('ipv6'), wanted, `is ${conflict}`, `choose a host address inside ${plan.network.ipv6!.subnet}`);
    return { ipv6: formatIpv6(value), slaac: false };
  }
  if (ip) return { ipv6: matchingIpv6(plan, ip), slaac: false };
  // A dynamic DHCP lease has no IPv4 host number to mirror: the guest configures itself from router advertisements.
  if (plan.v6.cidr.prefix === 64) return { slaac: true };
  throw new TopologyError(input.field('ipv6'), undefined, `a NIC with a dynamic DHCP lease on ${plan.network.name} needs its IPv6 address given (SLAAC needs a /64)`, 'write ipv6: fd00:...::10');
}

/** One NIC per network per node; every static address (v4 and v6) once per network. */
function checkUnique(inputs: readonly NicInput[], byName: Map<string, NetworkPlan>): void {
  const seenNic = new Map<string, string>();
  const seenV4 = new Map<string, string>();
  const seenV6 = new Map<string, string>();
  const seenMac = new Map<string, string>();
  for (const input of inputs) {
    const { node, spec, field } = input;
    const nicKey = `${node.name}/${spec.network}`;
    if (seenNic.has(nicKey)) throw new TopologyError(field('network'), spec.network, `node ${node.name} has two NICs on network ${spec.network}`, 'give a node at most one NIC per network');
    seenNic.set(nicKey, field('network'));
    const checks: Array<[Map<string, string>, string | undefined, 'ip' | 'ipv6' | 'mac', string]> = [
      [seenV4, spec.ip !== undefined && spec.ip !== 'dhcp' ? `${spec.network}/${spec.ip}` : undefined, 'ip', 'address'],
      [seenV6, spec.ipv6 !== undefined && spec.ipv6 !== 'slaac' && byName.get(spec.network)?.v6 ? `${spec.network}/${formatIpv6(parseIpv6(spec.ipv6) ?? 0n)}` : undefined, 'ipv6', 'IPv6 address'],
      [seenMac, spec.mac, 'mac', 'MAC'],
    ];
    for (const [seen, key, name, what] of checks) {
      if (key === undefined) continue;
      const other = seen.get(key);
      if (other !== undefined) throw new TopologyError(field(name), spec[name], `duplicate ${what} (also ${other})`, `give every NIC its own ${what}`);
      seen.set(key, field(name));
    }
  }
}
