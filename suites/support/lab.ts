import { inject } from 'vitest';
import { openLab, type LiveLab } from '../../lib/lab/lab-nodes.ts';
import { SetupError } from '../../lib/common/errors.ts';
import type { LabNode } from '../../lib/nodes/node.ts';
import type { AccelMode } from '../../lib/report/measurement.ts';
import { labAccelMode } from '../../lib/lab/accel-mode.ts';
import { isBuiltinNode } from '../../lib/topology/schema.ts';
import { labNetworks, nodeNics, type ResolvedNode } from '../../lib/topology/topology.ts';
import { expectedVerdict } from '../../lib/net/reachability.ts';
import type { ServedPort } from '../../lib/topology/workload-schema.ts';

/** The live lab the global setup made sure is up. */
export async function liveLab(): Promise<LiveLab> {
  const setupError = inject('labSetupError');
  if (setupError) throw new SetupError(`provisioning failed, so this suite cannot run: ${setupError}`);
  return openLab(inject('labName'));
}

/** Host plus every topology node: the endpoints every check runs between. */
export function endpoints(lab: LiveLab): LabNode[] {
  return [lab.host, ...lab.nodes];
}

/**
 * Every ordered pair of distinct endpoints the lab lets talk: on a lab of several networks, a pair
 * whose traffic the lab's rules drop (isolated, NAT or bridged segments apart, a deny policy) is
 * left to the reachability suite, which checks it is blocked. The host reaches every node; a node
 * reaches the host's services on the primary network only (the host's INPUT guard).
 */
export function orderedPairs(nodes: readonly LabNode[], lab?: LiveLab): Array<[LabNode, LabNode]> {
  const pairs = nodes.flatMap((from) => nodes.filter((to) => to !== from).map((to) => [from, to] as [LabNode, LabNode]));
  return lab ? pairs.filter(([from, to]) => pairAllowed(lab, from, to)) : pairs;
}

/**
 * The rule that denies traffic from one node to another's address on a port (a deny policy),
 * or undefined when the lab lets it through: checks of that port are left to the reachability suite.
 */
export function portDeniedBy(lab: LiveLab, from: LabNode, to: LabNode, port: number, protocol: 'tcp' | 'udp', family: 'ipv4' | 'ipv6' = 'ipv4'): string | undefined {
  const topology = lab.state.topology;
  const source = topologyNode(lab, from);
  const target = topologyNode(lab, to);
  if (!source || !target) return undefined;
  const nic = nodeNics(topology, target).find((candidate) => candidate.ip === to.ip) ?? nodeNics(topology, target)[0];
  const verdict = expectedVerdict(topology, { from: source, to: target, target: nic, family, port: { port, protocol }, leased: { from: from.ip, to: to.ip } });
  return verdict?.verdict === 'deny' ? verdict.rule : undefined;
}

function pairAllowed(lab: LiveLab, from: LabNode, to: LabNode): boolean {
  const topology = lab.state.topology;
  if (from.kind === 'host') return true;
  const source = topologyNode(lab, from);
  if (!source) return true;
  if (to.kind === 'host') return nodeNics(topology, source).some((nic) => nic.network === labNetworks(topology)[0].name);
  const target = topologyNode(lab, to);
  if (!target) return true;
  const nic = nodeNics(topology, target).find((candidate) => candidate.ip === to.ip) ?? nodeNics(topology, target)[0];
  // A node with a DHCP lease sends from the address it got (its LabNode's), which the topology leaves open.
  return expectedVerdict(topology, { from: source, to: target, target: nic, family: 'ipv4', leased: { from: from.ip, to: to.ip } })?.verdict !== 'deny';
}

export type PairClass = 'hostContainer' | 'containerContainer' | 'vmContainer' | 'hostVm' | 'vmVm';

/** Which budget a pair is held to; direction does not matter. */
export function pairClass(a: LabNode, b: LabNode): PairClass {
  const kinds = [a.kind, b.kind].sort().join('+');
  switch (kinds) {
    case 'container+host':
      return 'hostContainer';
    case 'container+container':
      return 'containerContainer';
    case 'container+vm':
      return 'vmContainer';
    case 'host+vm':
      return 'hostVm';
    default:
      return 'vmVm';
  }
}

/** How the lab's VMs run: KVM, emulated (TCG), or no VMs. Read from the VM handles, never assumed. */
export function accelMode(lab: LiveLab): AccelMode {
  return labAccelMode(lab.state);
}

declare module 'vitest' {
  interface TaskMeta {
    /** The measured figure a check shows in `hybrid-lab test` progress (e.g. "0.21 ms"). */
    figure?: string;
  }
}

/** The topology entry of a node (undefined for the host and the DNS server). */
export function topologyNode(lab: LiveLab, node: LabNode): ResolvedNode | undefined {
  return lab.state.topology.nodes.find((spec) => spec.name === node.name);
}

/**
 * Whether a node has the probe tools the suites run from (busybox ping/nslookup/wget/nc,
 * hl-echo, iperf3): the host, VMs and the built-in container image do; a user's image need not.
 */
export function hasProbeTools(lab: LiveLab, node: LabNode): boolean {
  const spec = topologyNode(lab, node);
  return spec?.kind !== 'container' || isBuiltinNode(spec);
}

/** Why checks from a node are skipped: it runs its own image, so it is checked from the others. */
export function noToolsReason(lab: LiveLab, node: LabNode): string {
  const spec = topologyNode(lab, node);
  const image = spec?.kind === 'container' ? (spec.image ?? `an image built from ${spec.build?.context}`) : 'its own image';
  return `skipped: ${node.name} runs ${image}, which has no probe tools (ping, wget, nc); it is checked from every other node`;
}

/** The ports a user's image or a VM declares it serves (the built-in services are checked by name). */
export function declaredPorts(lab: LiveLab, node: LabNode): ServedPort[] {
  const spec = topologyNode(lab, node);
  if (spec?.kind === 'vm') return spec.ports ?? [];
  return spec?.kind === 'container' && !isBuiltinNode(spec) ? spec.ports : [];
}

/** Whether a target serves the built-in test services (HTTP hello, echo): host, VMs, built-in containers. */
export function servesBuiltinServices(lab: LiveLab, node: LabNode): boolean {
  return hasProbeTools(lab, node);
}
