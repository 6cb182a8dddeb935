import { TopologyError } from '../common/errors.ts';
import { shortHash } from '../common/hash.ts';
import {
  broadcastAddress,
  cidrContains,
  cidrSize,
  type Cidr,
  formatCidr,
  hasHostBits,
  intToIp,
  ipToInt,
  networkAddress,
  parseCidr,
} from './ipv4.ts';
import { AddressRanges, addressConflict, allocateAddresses, parseReservation, type AddressPlan } from './ipam.ts';
import { checkPortForwards } from './port-forwards.ts';
import { checkPrivateSubnet } from './private-ranges.ts';
import type { ParsedTopology } from './schema.ts';
import { resolveVmDiskPaths } from './vm-disks.ts';
import { RESERVED_NODE_NAMES, type Topology } from './topology.ts';
import { resolveWorkloads } from './workloads.ts';

/** Checks everything the schema cannot (addresses, names, uniqueness) and allocates addresses. */
export function resolveTopology(parsed: ParsedTopology, source: string): Topology {
  const subnet = parseCidr(parsed.bridge.subnet);
  if (!subnet) throw new TopologyError('bridge.subnet', parsed.bridge.subnet, 'not a CIDR', 'write it as 10.0.1.0/24');
  if (hasHostBits(subnet)) {
    throw new TopologyError('bridge.subnet', parsed.bridge.subnet, 'host bits are set', `write the network address: ${formatCidr(subnet)}`);
  }
  if (subnet.prefix > 29 || subnet.prefix < 8) {
    throw new TopologyError('bridge.subnet', parsed.bridge.subnet, 'prefix must be between /8 and /29', 'use a prefix such as /24');
  }
  checkPrivateSubnet(subnet, parsed.bridge.subnet);
  const first = networkAddress(subnet) + 1;
  const gateway = parsed.bridge.gateway ? ipToInt(parsed.bridge.gateway) : first;
  const dns = parsed.dns.address ? ipToInt(parsed.dns.address) : first + 1;
  const plan: AddressPlan = {
    subnet,
    gateway,
    dns,
    poolStart: parsed.ipam.poolStart ? ipToInt(parsed.ipam.poolStart) : first,
    poolEnd: parsed.ipam.poolEnd ? ipToInt(parsed.ipam.poolEnd) : broadcastAddress(subnet) - 1,
    reserved: new AddressRanges(parsed.ipam.reserved.map((text, i) => parseReservation(text, `ipam.reserved[${i}]`))),
  };
  for (const [i, range] of plan.reserved.ranges.entries()) {
    if (range.start < networkAddress(subnet) || range.end > broadcastAddress(subnet)) {
      throw new TopologyError(`ipam.reserved[${i}]`, parsed.ipam.reserved[i], `reaches outside the subnet ${formatCidr(subnet)}`, `reserve addresses inside ${formatCidr(subnet)} only`);
    }
  }
  checkInfrastructureAddresses(plan, parsed);
  checkNodes(plan, parsed);

  const addresses = allocateAddresses(plan, parsed.nodes);
  const nodes = resolveVmDiskPaths(resolveWorkloads(parsed.nodes, source), source).map((node) => ({ ...node, ip: addresses.get(node.name)! }));
  checkPortForwards({ nodes, bridge: { ...parsed.bridge, prefix: subnet.prefix, gateway: intToIp(gateway) }, host: parsed.host });
  const resolved: Omit<Topology, 'hash'> = {
    name: parsed.name,
    source,
    runtime: parsed.runtime,
    bridge: { name: parsed.bridge.name, subnet: formatCidr(subnet), prefix: subnet.prefix, gateway: intToIp(gateway) },
    dns: { address: intToIp(dns), domain: parsed.dns.domain, upstreams: parsed.dns.upstreams },
    host: parsed.host,
    nodes,
    budgets: parsed.budgets,
  };
  const { source: _source, ...hashed } = resolved;
  return { ...resolved, hash: shortHash([JSON.stringify(hashed)]), warnings: topologyWarnings(parsed, subnet) };
}

/** What is valid but worth saying out loud: `validate` and `up` print these. */
function topologyWarnings(parsed: ParsedTopology, subnet: Cidr): string[] {
  return parsed.dns.upstreams
    .filter((upstream) => !cidrContains(subnet, ipToInt(upstream)))
    .map((upstream, i) => `dns.upstreams[${i}]: ${upstream} is not a lab address: every name outside ${parsed.dns.domain} that a node looks up will be forwarded off this machine to it. Leave upstreams empty to keep all DNS inside the lab`);
}

function checkInfrastructureAddresses(plan: AddressPlan, parsed: ParsedTopology): void {
  const subnetText = formatCidr(plan.subnet);
  for (const [field, ip] of [
    ['bridge.gateway', plan.gateway],
    ['dns.address', plan.dns],
  ] as const) {
    if (ip <= networkAddress(plan.subnet) || ip >= broadcastAddress(plan.subnet)) {
      throw new TopologyError(field, intToIp(ip), `not a host address of ${subnetText}`, `pick an address inside ${subnetText}`);
    }
  }
  if (plan.gateway === plan.dns) {
    throw new TopologyError('dns.address', intToIp(plan.dns), 'equals the gateway address', 'give the DNS server its own address');
  }
  for (const [field, ip] of [
    ['ipam.poolStart', plan.poolStart],
    ['ipam.poolEnd', plan.poolEnd],
  ] as const) {
    if (ip < networkAddress(plan.subnet) || ip > broadcastAddress(plan.subnet)) {
      throw new TopologyError(field, intToIp(ip), `outside the subnet ${subnetText}`, `pick an address inside ${subnetText}`);
    }
  }
  if (plan.poolEnd < plan.poolStart) {
    throw new TopologyError('ipam.poolEnd', parsed.ipam.poolEnd, 'pool ends before it starts', 'make poolEnd >= poolStart');
  }
  if (cidrSize(plan.subnet) < 8) throw new TopologyError('bridge.subnet', subnetText, 'too small', 'use /29 or larger');
}

function checkNodes(plan: AddressPlan, parsed: ParsedTopology): void {
  const names = new Map<string, number>();
  const ips = new Map<string, number>();
  for (const [index, node] of parsed.nodes.entries()) {
    const field = `nodes[${index}]`;
    if ((RESERVED_NODE_NAMES as readonly string[]).includes(node.name)) {
      throw new TopologyError(`${field}.name`, node.name, 'is reserved for the lab itself', 'rename the node');
    }
    const sameName = names.get(node.name);
    if (sameName !== undefined) {
      throw new TopologyError(`${field}.name`, node.name, `duplicate name (also nodes[${sameName}])`, 'give every node a unique name');
    }
    names.set(node.name, index);
    if (!node.ip) continue;
    const conflict = addressConflict(plan, ipToInt(node.ip));
    if (conflict) throw new TopologyError(`${field}.ip`, node.ip, `is ${conflict}`, 'choose a free host address in the subnet, or omit ip to allocate one');
    if (plan.reserved.has(ipToInt(node.ip))) {
      throw new TopologyError(`${field}.ip`, node.ip, 'is reserved (ipam.reserved)', 'choose another address or remove the reservation');
    }
    const sameIp = ips.get(node.ip);
    if (sameIp !== undefined) {
      throw new TopologyError(`${field}.ip`, node.ip, `duplicate address (also nodes[${sameIp}] "${parsed.nodes[sameIp].name}")`, 'give every node its own address');
    }
    ips.set(node.ip, index);
  }
}
