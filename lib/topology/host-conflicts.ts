import { run } from '../common/run.ts';
import { TopologyError } from '../common/errors.ts';
import { cidrsOverlap, formatCidr, parseCidr, type Cidr } from './ipv4.ts';
import type { Topology } from './topology.ts';

export interface HostRoute {
  /** Destination in CIDR form, e.g. 172.17.0.0/16 */
  destination: string;
  device: string;
}

/** Routes and addresses on the host, as `ip -j` reports them. */
export async function readHostRoutes(): Promise<HostRoute[]> {
  const routes = JSON.parse((await run('ip', ['-j', '-4', 'route', 'show', 'table', 'all'])).stdout) as Array<{ dst: string; dev?: string; type?: string }>;
  const addresses = JSON.parse((await run('ip', ['-j', '-4', 'addr', 'show'])).stdout) as Array<{ ifname: string; addr_info: Array<{ local: string; prefixlen: number }> }>;
  const fromRoutes = routes
    .filter((route) => route.dst !== 'default' && (route.type ?? 'unicast') === 'unicast' && route.dev)
    .map((route) => ({ destination: route.dst.includes('/') ? route.dst : `${route.dst}/32`, device: route.dev! }));
  const fromAddresses = addresses.flatMap((link) => link.addr_info.map((info) => ({ destination: `${info.local}/${info.prefixlen}`, device: link.ifname })));
  return [...fromRoutes, ...fromAddresses];
}

/** Fails when the lab's subnet overlaps a route or address on the host not made by this lab. */
export function checkSubnetAgainstHost(topology: Topology, routes: readonly HostRoute[]): void {
  const subnet = parseCidr(topology.bridge.subnet) as Cidr;
  for (const route of routes) {
    if (route.device === topology.bridge.name) continue; // our own bridge, from an earlier up
    const cidr = parseCidr(route.destination);
    if (cidr && cidrsOverlap(subnet, cidr)) {
      throw new TopologyError(
        'bridge.subnet',
        topology.bridge.subnet,
        `overlaps ${formatCidr(cidr)} already on the host (device ${route.device})`,
        'choose a subnet no host route or address uses (see `ip route`)',
        topology.source,
      );
    }
  }
}
