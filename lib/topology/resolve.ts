import { TopologyError } from '../common/errors.ts';
import { shortHash } from '../common/hash.ts';
import { cidrContains, ipToInt, type Cidr } from './ipv4.ts';
import { networkInputs, planNetworks } from './networks.ts';
import { resolveNics } from './nics.ts';
import { checkPortForwards } from './port-forwards.ts';
import { checkPolicies } from './policies.ts';
import { checkMacvlanUse } from './macvlan.ts';
import type { ParsedTopology } from './schema.ts';
import { resolveVmDiskPaths } from './vm-disks.ts';
import { RESERVED_NODE_NAMES, type Topology } from './topology.ts';
import { resolveWorkloads } from './workloads.ts';

/** Checks everything the schema cannot (addresses, names, uniqueness, networks) and allocates addresses. */
export function resolveTopology(parsed: ParsedTopology, source: string): Topology {
  const plans = planNetworks(parsed.name, networkInputs(parsed));
  checkNodeNames(parsed);
  const nics = resolveNics(parsed.nodes, plans);
  const nodes = resolveVmDiskPaths(resolveWorkloads(parsed.nodes, source), source).map((node) => {
    const own = nics.get(node.name)!;
    return { ...node, ip: own[0].ip ?? '', nics: own };
  });
  const networks = plans.map((plan) => plan.network);
  const primary = networks[0];
  // Forwards go to each node's first address, through its network's bridge.
  checkPortForwards({ nodes, networks, bridge: { name: primary.bridge, subnet: primary.subnet, prefix: primary.prefix, gateway: primary.gateway }, host: parsed.host });
  checkPolicies(parsed.policies, nodes, networks);
  checkMacvlanUse({ runtime: parsed.runtime, nodes, networks, policies: parsed.policies, networkField: (index, name) => `networks[${index}].${name}` });
  const resolved: Omit<Topology, 'hash'> = {
    name: parsed.name,
    source,
    runtime: parsed.runtime,
    bridge: { name: primary.bridge, subnet: primary.subnet, prefix: primary.prefix, gateway: primary.gateway },
    networks,
    dns: { address: primary.dns, domain: parsed.dns.domain, upstreams: parsed.dns.upstreams },
    host: parsed.host,
    nodes,
    ...(parsed.policies.length > 0 ? { policies: parsed.policies } : {}),
    budgets: parsed.budgets,
  };
  const { source: _source, ...hashed } = resolved;
  return { ...resolved, hash: shortHash([JSON.stringify(hashed)]), warnings: topologyWarnings(parsed, plans.map((plan) => plan.v4.subnet)) };
}

/** What is valid but worth saying out loud: `validate` and `up` print these. */
function topologyWarnings(parsed: ParsedTopology, subnets: readonly Cidr[]): string[] {
  return parsed.dns.upstreams
    .filter((upstream) => !subnets.some((subnet) => cidrContains(subnet, ipToInt(upstream))))
    .map((upstream, i) => `dns.upstreams[${i}]: ${upstream} is not a lab address: every name outside ${parsed.dns.domain} that a node looks up will be forwarded off this machine to it. Leave upstreams empty to keep all DNS inside the lab`);
}

/** Node names: not the lab's own (gateway, host, dns), each once. */
function checkNodeNames(parsed: ParsedTopology): void {
  const names = new Map<string, number>();
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
  }
}
