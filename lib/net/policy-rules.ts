import type { Topology } from '../topology/topology.ts';
import { labRuleComment, type IptablesRule } from './iptables.ts';
import { selectorAddresses, type Family } from './reachability.ts';

/**
 * The lab's policies as rules for the lab chain (it puts them after the replies and before the
 * defaults): one rule per source address x destination address x port, per family, each with
 * the lab's comment (ownership) and a second naming the policy (what `iptables -S` and a failed
 * reachability check show). Addresses carry their prefix length, as iptables-save prints them.
 */
export function policyRules(topology: Topology): IptablesRule[] {
  const rules: IptablesRule[] = [];
  for (const policy of topology.policies ?? []) {
    for (const family of ['ipv4', 'ipv6'] as const satisfies readonly Family[]) {
      const sources = policy.from.flatMap((end) => selectorAddresses(topology, end, family));
      const destinations = policy.to.flatMap((end) => selectorAddresses(topology, end, family));
      const ports = policy.ports ?? [undefined];
      for (const source of sources) {
        for (const destination of destinations) {
          for (const port of ports) {
            const match = port ? ['-p', port.protocol, '-m', port.protocol, '--dport', String(port.port)] : [];
            rules.push({
              family,
              chain: 'policy',
              spec: ['-s', source, '-d', destination, ...match, '-m', 'comment', '--comment', labRuleComment(topology.name), '-m', 'comment', '--comment', `policy ${policy.name}`, '-j', policy.action === 'allow' ? 'ACCEPT' : 'DROP'],
              purpose: `[${family}] policy ${policy.name}: ${policy.action} ${source} -> ${destination}${port ? ` ${port.port}/${port.protocol}` : ''}`,
            });
          }
        }
      }
    }
  }
  return rules;
}
