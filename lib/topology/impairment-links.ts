import { TopologyError } from '../common/errors.ts';
import { FEATURE_FACTS, type KernelFeature, type KernelFeatureProbe } from '../host/kernel-capabilities.ts';
import { needsNetem, netemFields, type Impairment } from './impairment.ts';
import type { Topology } from './topology.ts';
import { guestAppliesNetem } from '../vms/qemu/options.ts';

/**
 * One impaired link as the topology asks for it. This is the only place that knows where the
 * `impair` field sits (on the node today, on each NIC later): everything else takes these.
 */
export interface ImpairmentRequest {
  /** The link's name: the node's for its first NIC, `<node>.<network>` for another (see linkNameOf). */
  linkName: string;
  nodeName: string;
  /** Which of the node's NICs (0: the first, where `node.ip` lives). */
  nicIndex: number;
  network: string;
  nodeKind: 'container' | 'vm';
  /** Where the field is in the file, for errors: nodes[2].impair */
  fieldPath: string;
  impairment: Impairment;
  /** The node's guest can apply netem itself (a qemu Debian disk VM), for hosts without it. */
  guestAppliesNetem: boolean;
}

/** Where each part of an impairment is applied: on the host (tbf, netem, ifb) and/or inside the guest (netem). */
export interface ImpairmentPlan {
  host?: Impairment;
  guest?: Impairment;
}

/** Every impaired link of the topology, in file order. */
export function impairmentRequests(topology: Pick<Topology, 'nodes'>): ImpairmentRequest[] {
  return topology.nodes.flatMap((node, index) => {
    // Older states have no nics: the node's own impair is its one link's.
    const nics = node.nics?.length ? node.nics : [{ network: '', impair: node.impair }];
    return nics.flatMap((nic, nicIndex) => {
      if (!nic.impair) return [];
      const onNode = nicIndex === 0 && node.impair !== undefined;
      return [{
        linkName: linkNameOf(node.name, nicIndex, nic.network),
        nodeName: node.name,
        nicIndex,
        network: nic.network,
        nodeKind: node.kind,
        fieldPath: onNode || !node.nics?.length ? `nodes[${index}].impair` : `nodes[${index}].nics[${nicIndex}].impair`,
        impairment: nic.impair,
        guestAppliesNetem: guestAppliesNetem(node),
      }];
    });
  });
}

/** A link's name: the node's for its first NIC, `<node>.<network>` for the others (unique in the lab). */
export function linkNameOf(nodeName: string, nicIndex: number, network: string): string {
  return nicIndex === 0 ? nodeName : `${nodeName}.${network}`;
}

/** The node and NIC a link name stands for (the inverse of linkNameOf), given the topology's nodes. */
export function linkOf(topology: Pick<Topology, 'nodes'>, linkName: string): { nodeName: string; nicIndex: number } | undefined {
  const [nodeName, network] = linkName.split('.');
  const node = topology.nodes.find((candidate) => candidate.name === nodeName);
  if (!node) return undefined;
  if (network === undefined) return { nodeName, nicIndex: 0 };
  const nicIndex = (node.nics ?? []).findIndex((nic) => nic.network === network);
  return nicIndex < 0 ? undefined : { nodeName, nicIndex };
}

/**
 * Everything on the host when its kernel has netem; otherwise netem goes into a guest that can
 * apply it and only the rate stays on the host. (A guest that cannot is refused by the check below.)
 */
export function planImpairment(request: ImpairmentRequest, hostHasNetem: boolean): ImpairmentPlan {
  const { impairment } = request;
  if (hostHasNetem || !needsNetem(impairment) || !request.guestAppliesNetem) return { host: impairment };
  const guest: Impairment = { delayMs: impairment.delayMs, jitterMs: impairment.jitterMs, lossPercent: impairment.lossPercent };
  return { host: impairment.rateBitsPerSec === undefined ? undefined : { rateBitsPerSec: impairment.rateBitsPerSec }, guest };
}

/** What the host's kernel must offer for an impairment applied on the host (see lib/net/link-impairment.ts). */
export function featuresNeeded(impairment: Impairment): KernelFeature[] {
  const needed: KernelFeature[] = ['ifb', 'qdisc-ingress', 'action-mirred'];
  if (impairment.rateBitsPerSec !== undefined) needed.push('qdisc-tbf');
  if (needsNetem(impairment)) needed.push('qdisc-netem');
  return needed;
}

/**
 * Refuses, before anything is created, an impairment the host's kernel cannot apply: one error
 * naming the node, the field, the missing qdisc or device kind, and the fix. Never ignored.
 */
export function checkImpairmentsAgainstKernel(topology: Pick<Topology, 'nodes' | 'source'>, features: readonly KernelFeatureProbe[]): void {
  const hostHasNetem = features.find((probe) => probe.feature === 'qdisc-netem')?.state === 'present';
  for (const request of impairmentRequests(topology)) {
    const { host } = planImpairment(request, hostHasNetem);
    for (const feature of host ? featuresNeeded(host) : []) {
      const probe = features.find((candidate) => candidate.feature === feature);
      if (probe?.state === 'present') continue;
      throw missingFeatureError(request, feature, probe, topology.source);
    }
  }
}

function missingFeatureError(request: ImpairmentRequest, feature: KernelFeature, probe: KernelFeatureProbe | undefined, source: string): TopologyError {
  const facts = FEATURE_FACTS[feature];
  const answer = probe?.detail ? `; tc/ip said "${probe.detail}"` : '';
  const state = probe?.state === 'unknown' ? `could not be probed for ${facts.label} (${probe.detail}; are you root?)` : `has no ${facts.label} (${facts.config} is not built in or loadable${answer})`;
  if (feature === 'qdisc-netem') {
    const fields = netemFields(request.impairment);
    const field = `${request.fieldPath}.${fields[0]}`;
    return new TopologyError(
      field,
      request.impairment[fields[0] as keyof Impairment],
      `node ${request.nodeName} asks for ${fields.join(', ')}, which ${fields.length > 1 ? 'need' : 'needs'} the netem qdisc, but this host's kernel ${state}`,
      `remove ${fields.join(', ')} from ${request.fieldPath} (rateBitsPerSec needs only tbf), or run the lab on a kernel with sch_netem (\`modprobe sch_netem\`, or a kernel built with CONFIG_NET_SCH_NETEM)${request.nodeKind === 'vm' ? ', or use a qemu VM with the built-in guest or disk: { recipe: debian }, whose guest applies netem itself' : ''}; \`hybrid-lab doctor\` lists what this kernel offers`,
      source,
    );
  }
  return new TopologyError(
    request.fieldPath,
    undefined,
    `node ${request.nodeName}'s impairment needs ${facts.label} (${facts.usedFor}), but this host's kernel ${state}`,
    `remove ${request.fieldPath}, or run the lab on a kernel with ${facts.config}; \`hybrid-lab doctor\` lists what this kernel offers`,
    source,
  );
}
