import { TopologyError } from '../common/errors.ts';
import { broadcastAddress, cidrContains, intToIp, ipToInt, isIpv4, networkAddress, type Cidr } from './ipv4.ts';

export interface AddressPlan {
  subnet: Cidr;
  gateway: number;
  dns: number;
  poolStart: number;
  poolEnd: number;
  /** Addresses never handed out automatically (reservations), as inclusive ranges. */
  reserved: AddressRanges;
}

/** An inclusive range of IPv4 addresses, as integers. */
export interface AddressRange {
  start: number;
  end: number;
}

/**
 * Reserved addresses kept as ranges, never expanded: a /8 reservation costs two numbers, not
 * sixteen million array entries (that expansion once took 1.3 GB and crashed on larger ranges).
 */
export class AddressRanges {
  constructor(readonly ranges: readonly AddressRange[] = []) {}

  has(ip: number): boolean {
    return this.ranges.some((range) => ip >= range.start && ip <= range.end);
  }

  /** The last address of the reservation holding `ip`, or undefined when `ip` is free. */
  endOfRangeHolding(ip: number): number | undefined {
    let end: number | undefined;
    for (const range of this.ranges) if (ip >= range.start && ip <= range.end) end = Math.max(end ?? range.end, range.end);
    return end;
  }
}

/** Parses `10.0.1.10` or `10.0.1.10-10.0.1.19` into the range it covers. */
export function parseReservation(text: string, fieldPath: string): AddressRange {
  const [first, last = first, ...rest] = text.split('-').map((part) => part.trim());
  if (rest.length > 0 || !isIpv4(first) || !isIpv4(last)) {
    throw new TopologyError(fieldPath, text, 'not an address or range', 'write 10.0.1.10 or 10.0.1.10-10.0.1.19');
  }
  const start = ipToInt(first);
  const end = ipToInt(last);
  if (end < start) throw new TopologyError(fieldPath, text, 'range ends before it starts', 'put the lower address first');
  return { start, end };
}

/** Why an address may not be given to a node, or undefined when it may. */
export function addressConflict(plan: AddressPlan, ip: number): string | undefined {
  if (!cidrContains(plan.subnet, ip)) return `outside the subnet ${intToIp(networkAddress(plan.subnet))}/${plan.subnet.prefix}`;
  if (ip === networkAddress(plan.subnet)) return 'the network address of the subnet';
  if (ip === broadcastAddress(plan.subnet)) return 'the broadcast address of the subnet';
  if (ip === plan.gateway) return 'the gateway address';
  if (ip === plan.dns) return 'the DNS server address';
  return undefined;
}

/**
 * Gives every node without a static IP the next free pool address, honouring static
 * addresses and reservations. Static addresses are checked by the caller first.
 */
export function allocateAddresses(
  plan: AddressPlan,
  requested: ReadonlyArray<{ name: string; ip?: string; field?: string }>,
): Map<string, string> {
  const taken = new Set<number>(requested.flatMap((node) => (node.ip ? [ipToInt(node.ip)] : [])));
  const assigned = new Map<string, string>();
  let cursor = plan.poolStart;
  for (const [index, node] of requested.entries()) {
    if (node.ip) {
      assigned.set(node.name, node.ip);
      continue;
    }
    for (;;) {
      if (cursor > plan.poolEnd) break;
      const reservedUntil = plan.reserved.endOfRangeHolding(cursor);
      if (reservedUntil !== undefined) cursor = reservedUntil + 1; // skip a whole reservation at once
      else if (taken.has(cursor) || addressConflict(plan, cursor)) cursor++;
      else break;
    }
    if (cursor > plan.poolEnd) {
      throw new TopologyError(
        node.field ?? `nodes[${index}].ip`,
        undefined,
        `address pool ${intToIp(plan.poolStart)}-${intToIp(plan.poolEnd)} is exhausted for node "${node.name}"`,
        'widen the pool (ipam.poolStart/poolEnd, or the subnet), drop reservations, or give the node a static ip',
      );
    }
    taken.add(cursor);
    assigned.set(node.name, intToIp(cursor));
  }
  return assigned;
}
