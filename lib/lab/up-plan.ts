import type { ProgressReporter } from '../common/progress.ts';
import { hostInputRules, isolationRules, labRules, type IptablesRule } from '../net/iptables.ts';
import { SPEC_LABEL } from '../runtimes/runtime.ts';
import { bridgedNetworks, labNetworks, type ResolvedVmNode, type Topology } from '../topology/topology.ts';
import { containerName, dnsContainerName, engineNetworkName } from './names.ts';
import { labChainJumps, labChainName } from '../net/lab-chain.ts';
import { needsLabChain } from './lab-chain-step.ts';
import { nodeContainerSpec } from './node-container-spec.ts';
import type { LabResource, LabState } from './state.ts';

/** What `up` knows before it changes anything, enough to count the steps it will report. */
export interface PlanFacts {
  /** The state as this run found it (undefined: a fresh lab). */
  state: LabState | undefined;
  /** The lab's running containers: name → the spec hash they were made from (unknown yet: what is recorded runs). */
  running?: Map<string, string | undefined>;
  /** Each node container's image reference (unknown yet: a recorded container is kept). */
  images?: Map<string, string>;
  /** Other networks the lab must be kept apart from (engine-isolation.ts; unknown yet: none). */
  isolate?: ReadonlyArray<{ bridge: string; what: string }>;
}

/**
 * How many progress steps the rest of `up` will report (one per resource it makes or replaces,
 * one per rule batch, one per provider to prepare), for the CLI's `[n/N]`. What the state records
 * as created (and, for containers, still running with the same definition) is not counted. An
 * estimate only where the host changed behind the state's back: the reporter never shows n > N.
 */
export function upStepsAhead(topology: Topology, facts: PlanFacts): number {
  const resources = facts.state?.resources ?? [];
  const created = (kind: LabResource['kind'], id: string) => resources.some((resource) => resource.kind === kind && resource.id === id && resource.phase === 'created');
  const batch = (rules: IptablesRule[]) => (rules.every((rule) => created('iptables-rule', rule.purpose)) ? 0 : 1);
  const { name: lab } = topology;
  const wanted = new Set(topology.nodes.map((node) => node.name));
  const dns = dnsContainerName(lab);
  const { running, images } = facts;
  const runs = (name: string, spec?: string) => !running || (running.has(name) && (spec === undefined || running.get(name) === spec));
  const kept = (node: Extract<Topology['nodes'][number], { kind: 'container' }>) => {
    const spec = images ? nodeContainerSpec(topology, node, images.get(node.name)!) : undefined;
    const name = spec?.name ?? containerName(lab, node.name);
    return created('container', name) && runs(name, spec?.labels[SPEC_LABEL]);
  };
  const vms = topology.nodes.filter((node): node is ResolvedVmNode => node.kind === 'vm' && !created('vm', `${lab}-${node.name}`));
  const networks = labNetworks(topology);
  const bridges = bridgedNetworks(topology).map((network) => network.bridge);
  const shims = networks.filter((network) => network.mode === 'macvlan').map((network) => network.bridge);
  const chain = labChainName(lab);
  const chainSteps = needsLabChain(topology)
    ? (['ipv4', 'ipv6'] as const).filter((family) => !created('iptables-chain', `${family}:${chain}`)).length + 1 + batch(labChainJumps(lab))
    : 0;
  return (
    bridges.filter((name) => !created('bridge', name)).length +
    shims.filter((name) => !created('macvlan-shim', name)).length +
    // The lab's per-bridge rules, INPUT guard and forwards go in one batch (a shim has only the INPUT guard).
    batch([...bridges.flatMap((name) => labRules(lab, name)), ...[...bridges, ...shims].flatMap((name) => hostInputRules(lab, name, topology.host.acceptFromLab ?? []))]) +
    chainSteps +
    (facts.isolate?.length ? batch(bridges.flatMap((name) => (facts.isolate ?? []).flatMap((other) => isolationRules(lab, name, other.bridge, other.what)))) : 0) +
    networks.filter((network) => !created('docker-network', engineNetworkName(topology, network.name))).length +
    resources.filter((resource) => (resource.kind === 'container' || resource.kind === 'vm') && !wanted.has(resource.node)).length +
    (created('dns-container', dns) && runs(dns) ? 0 : 1) +
    topology.nodes.filter((node) => node.kind === 'container' && !kept(node)).length +
    vms.length +
    new Set(vms.map((vm) => vm.provider)).size
  );
}

/** Passes every call on and counts the steps started, so `up` can say how many are still to come. */
export function countingReporter(reporter: ProgressReporter): ProgressReporter & { started: () => number } {
  let started = 0;
  return {
    stepStarted: (title) => {
      started++;
      reporter.stepStarted(title);
    },
    stepDone: (title, elapsedMs, detail) => reporter.stepDone(title, elapsedMs, detail),
    stepFailed: (title, elapsedMs, error) => reporter.stepFailed(title, elapsedMs, error),
    note: (message) => reporter.note(message),
    plan: (totalSteps) => reporter.plan?.(totalSteps),
    started: () => started,
  };
}
