import { step, type ProgressReporter } from '../common/progress.ts';
import { ruleIsTagged, type IptablesRule } from '../net/iptables.ts';
import { deleteRules, presentRules } from '../net/iptables-batch.ts';
import { portForwardRules, routeLocalnetInterfaces } from '../net/port-forward-rules.ts';
import { portForwards, type PortForward } from '../topology/port-forwards.ts';
import { formatHostEndpoint } from '../topology/port-publish.ts';
import type { Topology } from '../topology/topology.ts';
import type { StateStore } from './state.ts';

/** The purposes of forward rules start with this: how a re-`up` tells them from the lab's other rules. */
const FORWARD_PURPOSE = /^port forward[ :]/;

/** The rules of the lab's port forwards (nat DNAT/MASQUERADE, filter FORWARD accept). */
export function labForwardRules(topology: Pick<Topology, 'name' | 'nodes' | 'bridge' | 'networks'>): IptablesRule[] {
  return portForwardRules(topology.name, portForwards(topology));
}

/** The per-interface sysctls the forwards need (route_localnet where loopback is forwarded). */
export function forwardSysctls(topology: Pick<Topology, 'nodes' | 'bridge' | 'networks'>): Array<{ key: string; value: string; field: string }> {
  const forwards = portForwards(topology);
  return routeLocalnetInterfaces(forwards).map((via) => ({
    key: `net.ipv4.conf.${via}.route_localnet`,
    value: '1',
    field: forwards.find((forward) => forward.via === via)!.field,
  }));
}

/**
 * Forward rules a re-`up` no longer wants (a forward removed or changed in the file) are deleted
 * and forgotten, so the host port stops answering without a `down`. Only tagged rules are touched.
 */
export async function removeStaleForwardRules(topology: Topology, store: StateStore, reporter: ProgressReporter): Promise<string[]> {
  const wanted = new Set(labForwardRules(topology).map((rule) => rule.purpose));
  const stale = store.state.resources.flatMap((resource) =>
    resource.kind === 'iptables-rule' && FORWARD_PURPOSE.test(resource.rule.purpose) && !wanted.has(resource.rule.purpose) && ruleIsTagged(resource.rule, topology.name) ? [resource] : [],
  );
  if (stale.length === 0) return [];
  await step(reporter, `remove ${stale.length} port forward rule(s) no longer in the topology`, () => deleteRules(stale.map((resource) => resource.rule)));
  for (const resource of stale) await store.forget(resource.kind, resource.id);
  return stale.map((resource) => resource.rule.purpose);
}

/** A forward as `status` shows it: live means every one of its rules is in the kernel. */
export interface ForwardStatus {
  node: string;
  protocol: 'tcp' | 'udp';
  /** Host endpoint: 127.0.0.1:8080 */
  host: string;
  /** Node endpoint: 10.0.1.10:80 */
  target: string;
  /** active: every rule present; missing: some rule is not; unknown: the rules could not be read. */
  state: 'active' | 'missing' | 'unknown';
}

/** The lab's forwards with whether their rules are in place (one iptables-save per table). */
export async function forwardStatuses(topology: Pick<Topology, 'name' | 'nodes' | 'bridge' | 'networks'>): Promise<ForwardStatus[]> {
  const forwards = portForwards(topology);
  if (forwards.length === 0) return [];
  const rulesOf = (forward: PortForward) => portForwardRules(topology.name, [forward]);
  let present: Set<string> | undefined;
  try {
    present = new Set([...(await presentRules(forwards.flatMap(rulesOf)))].map((rule) => rule.purpose));
  } catch {
    present = undefined;
  }
  return forwards.map((forward) => ({
    node: forward.node,
    protocol: forward.protocol,
    host: formatHostEndpoint(forward.host),
    target: `${forward.target.address}:${forward.target.port}`,
    state: present === undefined ? 'unknown' : rulesOf(forward).every((rule) => present!.has(rule.purpose)) ? 'active' : 'missing',
  }));
}
