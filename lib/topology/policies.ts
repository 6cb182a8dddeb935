import { TopologyError } from '../common/errors.ts';
import type { PolicySelector, PolicySpec } from './policy-schema.ts';
import type { ResolvedNetwork, ResolvedNode } from './topology.ts';

/**
 * What the schema cannot see in `policies:`: every end names a node or network of the lab,
 * policy names are unique (they name the rules), and a node a policy names has fixed addresses
 * (a dynamic DHCP lease cannot be written into a rule before it exists).
 */
export function checkPolicies(policies: readonly PolicySpec[], nodes: readonly ResolvedNode[], networks: readonly ResolvedNetwork[]): void {
  const names = new Map<string, number>();
  for (const [index, policy] of policies.entries()) {
    const field = `policies[${index}]`;
    const earlier = names.get(policy.name);
    if (earlier !== undefined) throw new TopologyError(`${field}.name`, policy.name, `duplicate policy name (also policies[${earlier}])`, 'give every policy its own name');
    names.set(policy.name, index);
    for (const end of ['from', 'to'] as const) {
      policy[end].forEach((selector, i) => checkSelector(selector, `${field}.${end}${policy[end].length > 1 ? `[${i}]` : ''}`, nodes, networks));
    }
  }
}

function checkSelector(selector: PolicySelector, field: string, nodes: readonly ResolvedNode[], networks: readonly ResolvedNetwork[]): void {
  if ('network' in selector) {
    if (!networks.some((network) => network.name === selector.network)) {
      throw new TopologyError(`${field}.network`, selector.network, 'no such network', `use one of ${networks.map((network) => network.name).join(', ')}`);
    }
    return;
  }
  const node = nodes.find((candidate) => candidate.name === selector.node);
  if (!node) throw new TopologyError(`${field}.node`, selector.node, 'no such node', `use one of ${nodes.map((candidate) => candidate.name).join(', ') || '(no nodes)'}`);
  if (node.nics.some((nic) => nic.ip === undefined)) {
    throw new TopologyError(`${field}.node`, selector.node, `node ${selector.node} takes a dynamic DHCP address, which no rule can name in advance`, 'reserve its MAC under the network\'s dhcp.reservations, or name its network instead');
  }
}
