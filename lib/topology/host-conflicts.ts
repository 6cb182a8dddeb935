import { run } from '../common/run.ts';
import { TopologyError } from '../common/errors.ts';
import { labInterfaceAlias, linkInfo } from '../net/bridge.ts';
import { checkPortForwardsAgainstHost } from './host-ports.ts';
import { cidrsOverlap, formatCidr, parseCidr, type Cidr } from './ipv4.ts';
import { labNetworks, type ResolvedNetwork, type Topology } from './topology.ts';
import { LEGACY_NETWORK_NAME } from './networks.ts';
import { FEATURE_FACTS, kernelFeatures, type KernelFeature, type KernelFeatureProbe } from '../host/kernel-capabilities.ts';
import { parentProblem, shimAlias } from '../net/macvlan.ts';
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
 * Fails when a lab network's subnet overlaps a route or address on the host not made by this
 * lab. Routes on a network's bridge are skipped only when that bridge is provably this lab's.
 */
export function checkSubnetAgainstHost(topology: Topology, routes: readonly HostRoute[], ourBridges: ReadonlySet<string> | boolean = false): void {
  for (const [index, network] of labNetworks(topology).entries()) {
    const subnet = parseCidr(network.subnet) as Cidr;
    const ours = typeof ourBridges === 'boolean' ? ourBridges && index === 0 : ourBridges.has(network.bridge);
    for (const route of routes) {
      if (ours && route.device === network.bridge) continue; // our own bridge, from an earlier up
      const cidr = parseCidr(route.destination);
      if (cidr && cidrsOverlap(subnet, cidr)) {
        throw new TopologyError(
          networkField(topology, index, 'subnet'),
          network.subnet,
          `overlaps ${formatCidr(cidr)} already on the host (device ${route.device})`,
          'choose a subnet no host route or address uses (see `ip route`)',
          topology.source,
        );
      }
    }
  }
}

/** Where a network's field was written: `bridge.*` for a lab of one network without networks:, else networks[i].*. */
function networkField(topology: Topology, index: number, field: 'subnet' | 'name'): string {
  if (topology.networks && topology.networks.length > 0 && topology.networks[0].name !== LEGACY_NETWORK_NAME) return `networks[${index}].${field === 'name' ? 'bridge' : field}`;
  return `bridge.${field}`;
}

/**
 * Whether each network's bridge is free (absent) or this lab's own (it carries the lab's alias).
 * Any other interface of that name (eth0, docker0, lo, another lab's bridge) is refused.
 */
export async function checkBridgeAgainstHost(topology: Topology): Promise<{ bridgeIsOurs: boolean; ourBridges: Set<string> }> {
  const ourBridges = new Set<string>();
  for (const [index, network] of labNetworks(topology).entries()) {
    const link = await linkInfo(network.bridge);
    if (!link) continue;
    if (link.ifalias === bridgeAliasOf(topology, network, index)) {
      ourBridges.add(network.bridge);
      continue;
    }
    const owner = link.ifalias?.startsWith('hybrid-lab:') ? `lab "${link.ifalias.split(':')[1]}"` : 'not made by hybrid-lab';
    if (network.mode === 'macvlan') {
      throw new TopologyError(`networks[${index}].name`, network.name, `the host shim of this macvlan network would be ${network.bridge}, and an interface of that name already exists (${link.linkinfo?.info_kind ?? 'device'}, ${owner})`, 'rename the network (the shim is named <lab>-<network>), or remove that interface if it is unused', topology.source);
    }
    throw new TopologyError(
      networkField(topology, index, 'name'),
      network.bridge,
      `interface ${network.bridge} already exists on this host (${link.linkinfo?.info_kind ?? 'device'}, ${owner}) and is not this lab's`,
      'pick a bridge name no interface uses (see `ip link`)',
      topology.source,
    );
  }
  return { bridgeIsOurs: ourBridges.has(topology.bridge.name), ourBridges };
}

/** The alias `up` gives a network's bridge or shim (see lab/names.ts bridgeAlias; repeated here so topology/ does not import lab/). */
function bridgeAliasOf(topology: Topology, network: ResolvedNetwork, index: number): string {
  if (network.mode === 'macvlan') return shimAlias(topology.name, network.name);
  return labInterfaceAlias(topology.name, index === 0 ? 'bridge' : `bridge:${network.name}`);
}

/**
 * Each macvlan network's parent, as it is now: present, up, not loopback, not made by any lab,
 * no bridge port, no macvlan itself; and the kernel has macvlan (and macvtap when a VM joins).
 */
export async function checkMacvlanParents(topology: Topology, features: () => Promise<readonly KernelFeatureProbe[]> = kernelFeatures): Promise<void> {
  const networks = labNetworks(topology);
  const labBridges = new Set(networks.filter((network) => network.mode !== 'macvlan').map((network) => network.bridge));
  for (const [index, network] of networks.entries()) {
    if (network.mode !== 'macvlan' || network.parent === undefined) continue;
    const field = `networks[${index}].parent`;
    const refused = parentProblem(network.parent, await linkInfo(network.parent), labBridges);
    if (refused) throw new TopologyError(field, network.parent, refused.problem, refused.fix, topology.source);
    const wanted: KernelFeature[] = ['macvlan', ...(topology.nodes.some((node) => node.kind === 'vm' && node.nics.some((nic) => nic.network === network.name)) ? (['macvtap'] as const) : [])];
    for (const feature of wanted) {
      const probe = (await features()).find((candidate) => candidate.feature === feature);
      if (probe?.state === 'present') continue;
      const facts = FEATURE_FACTS[feature];
      throw new TopologyError(`networks[${index}].mode`, 'macvlan', `this host's kernel has no ${facts.label} (${probe?.detail ?? 'not probed'}), which ${facts.usedFor} needs`, `run the lab on a kernel with ${facts.config}, or make network ${network.name} bridged; \`hybrid-lab doctor\` lists what this kernel offers`, topology.source);
    }
  }
}

/** Everything `validate` and `up` check against the live host before creating anything. */
export async function checkTopologyAgainstHost(topology: Topology): Promise<void> {
  const { ourBridges } = await checkBridgeAgainstHost(topology);
  await checkMacvlanParents(topology);
  checkSubnetAgainstHost(topology, await readHostRoutes(), ourBridges);
  await checkPortForwardsAgainstHost(topology);
  if (impairmentRequests(topology).length > 0) checkImpairmentsAgainstKernel(topology, await kernelFeatures());
}
