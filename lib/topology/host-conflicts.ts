import { run } from '../common/run.ts';
import { TopologyError } from '../common/errors.ts';
import { labInterfaceAlias, linkInfo } from '../net/bridge.ts';
import { cidrsOverlap, formatCidr, parseCidr, type Cidr } from './ipv4.ts';
import type { Topology } from './topology.ts';
import { kernelFeatures } from '../host/kernel-capabilities.ts';
import { checkImpairmentsAgainstKernel, impairmentRequests } from './impairment-links.ts';

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

/**
 * Fails when the lab's subnet overlaps a route or address on the host not made by this lab.
 * Routes on the lab's bridge are skipped only when that bridge is provably this lab's.
 */
export function checkSubnetAgainstHost(topology: Topology, routes: readonly HostRoute[], bridgeIsOurs = false): void {
  const subnet = parseCidr(topology.bridge.subnet) as Cidr;
  for (const route of routes) {
    if (bridgeIsOurs && route.device === topology.bridge.name) continue; // our own bridge, from an earlier up
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

/**
 * Whether the topology's bridge is free (absent) or this lab's own (it carries the lab's alias).
 * Any other interface of that name (eth0, docker0, lo, another lab's bridge) is refused.
 */
export async function checkBridgeAgainstHost(topology: Topology): Promise<{ bridgeIsOurs: boolean }> {
  const link = await linkInfo(topology.bridge.name);
  if (!link) return { bridgeIsOurs: false };
  const mine = labInterfaceAlias(topology.name, 'bridge');
  if (link.ifalias === mine) return { bridgeIsOurs: true };
  const owner = link.ifalias?.startsWith('hybrid-lab:') ? `lab "${link.ifalias.split(':')[1]}"` : 'not made by hybrid-lab';
  throw new TopologyError(
    'bridge.name',
    topology.bridge.name,
    `interface ${topology.bridge.name} already exists on this host (${link.linkinfo?.info_kind ?? 'device'}, ${owner}) and is not this lab's`,
    'pick a bridge name no interface uses (see `ip link`)',
    topology.source,
  );
}

/** Everything `validate` and `up` check against the live host before creating anything. */
export async function checkTopologyAgainstHost(topology: Topology): Promise<void> {
  const { bridgeIsOurs } = await checkBridgeAgainstHost(topology);
  checkSubnetAgainstHost(topology, await readHostRoutes(), bridgeIsOurs);
  if (impairmentRequests(topology).length > 0) checkImpairmentsAgainstKernel(topology, await kernelFeatures());
}
