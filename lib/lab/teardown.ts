import { containerRuntime } from '../runtimes/registry.ts';
import { bridgePorts, deleteLink, labInterfaceAlias, linkInfo } from '../net/bridge.ts';
import { removeRule, ruleIsTagged } from '../net/iptables.ts';
import { deleteChainIfEmpty, labChainName } from '../net/lab-chain.ts';
import { ifbAlias, removeIfb } from '../net/link-impairment.ts';
import { loadVmProvider } from '../vms/registry.ts';
import type { LabResource, RecordedResource } from './state.ts';
import { vmContext } from './vm-context.ts';
import { labNetworks, type Topology } from '../topology/topology.ts';
import { bridgeAlias } from './names.ts';
import { removeShim, shimAlias } from '../net/macvlan.ts';
import { silentReporter } from '../common/progress.ts';

/** What happened to one resource: removed, already gone, or refused because it is not the lab's. */
export type Removal =
  | { outcome: 'removed'; notes: string[] }
  | { outcome: 'absent' }
  | { outcome: 'refused'; reason: string };

const removed = (notes: string[] = []): Removal => ({ outcome: 'removed', notes });

/**
 * Removes one recorded resource after proving it is this lab's (label, interface alias, rule
 * comment, provider's own naming). A resource that is gone is not an error; one that does not
 * carry the lab's mark is refused and left alone, whatever the state file says.
 */
export async function removeResource(resource: LabResource | RecordedResource, topology: Topology): Promise<Removal> {
  const lab = topology.name;
  switch (resource.kind) {
    case 'vm': {
      // Providers find their VMs by names derived from lab + node (qemu label, tap; libvirt domain).
      const provider = await loadVmProvider(resource.provider);
      const ctx = vmContext(topology, silentReporter);
      await provider.destroy(resource.handle ?? { name: resource.node, provider: resource.provider }, ctx);
      return removed();
    }
    case 'container':
    case 'dns-container': {
      const runtime = await containerRuntime(topology.runtime);
      const ownership = await runtime.containerOwnership(resource.id, lab);
      if (ownership.owner === 'absent') return { outcome: 'absent' };
      if (ownership.owner === 'foreign') return { outcome: 'refused', reason: `container ${resource.id} is ${ownership.describe}` };
      await runtime.removeContainer(ownership.id);
      return removed();
    }
    case 'docker-network': {
      const { ownership, disconnected } = await (await containerRuntime(topology.runtime)).removeNetwork(resource.id, lab);
      if (ownership.owner === 'absent') return { outcome: 'absent' };
      if (ownership.owner === 'foreign') return { outcome: 'refused', reason: `network ${resource.id} is ${ownership.describe}` };
      return removed(disconnected.map((name) => `disconnected container ${name} (not the lab's) from network ${resource.id}`));
    }
    case 'iptables-rule': {
      if (!ruleIsTagged(resource.rule, lab)) return { outcome: 'refused', reason: `the recorded rule in ${resource.rule.chain} does not carry the comment hybrid-lab:${lab}` };
      await removeRule(resource.rule);
      return removed();
    }
    case 'iptables-chain': {
      // The id is `<family>:<chain>`; only the chain named after this lab is ever deleted.
      const chain = labChainName(lab);
      if (resource.id !== `${resource.family}:${chain}`) return { outcome: 'refused', reason: `chain ${resource.id} is not this lab's chain (${chain})` };
      const outcome = await deleteChainIfEmpty(chain, resource.family);
      if (outcome === 'not-empty') return { outcome: 'refused', reason: `chain ${chain} still holds rules the lab did not record` };
      return outcome === 'absent' ? { outcome: 'absent' } : removed();
    }
    case 'bridge':
      return removeBridge(resource, topology);
    case 'macvlan-shim': {
      // Proven by its alias and kind; the parent carries no lab alias, so it is never what this removes.
      const outcome = await removeShim(resource.id, shimAlias(lab, resource.network));
      return outcome === 'removed' ? removed() : outcome === 'absent' ? { outcome: 'absent' } : { outcome: 'refused', reason: outcome.refused };
    }
    case 'ifb': {
      const outcome = await removeIfb(resource.id, ifbAlias(lab, resource.node));
      return outcome === 'removed' ? removed() : outcome === 'absent' ? { outcome: 'absent' } : { outcome: 'refused', reason: `interface ${resource.id} does not carry the alias ${ifbAlias(lab, resource.node)}` };
    }
  }
}

/**
 * A bridge is the lab's when it carries the lab's alias. The one exception is a bridge recorded
 * as planned that a crash left between `ip link add` and setting the alias: it is removed only
 * while it is empty (no ports) and has no address but the lab's gateway.
 */
async function removeBridge(resource: Extract<LabResource, { kind: 'bridge' }> & { phase?: string }, topology: Topology): Promise<Removal> {
  const link = await linkInfo(resource.id);
  if (!link) return { outcome: 'absent' };
  const network = labNetworks(topology).find((candidate) => candidate.bridge === resource.id);
  const mark = bridgeAlias(topology, network);
  if (link.ifalias !== mark) {
    const unmarkedButOurs = resource.phase === 'planned' && !link.ifalias && link.linkinfo?.info_kind === 'bridge' && (await bridgePorts(resource.id)).length === 0
      && (link.addr_info ?? []).filter((address) => address.family === 'inet').every((address) => address.local === (network?.gateway ?? topology.bridge.gateway));
    if (!unmarkedButOurs) return { outcome: 'refused', reason: `interface ${resource.id} does not carry the alias ${mark}${link.ifalias ? ` (its alias: ${link.ifalias})` : ''}` };
  }
  await deleteLink(resource.id);
  return removed();
}

/** Human label for a resource in progress output. */
export function describeResource(resource: LabResource): string {
  switch (resource.kind) {
    case 'vm':
      return `VM ${resource.node} (${resource.provider})`;
    case 'container':
      return `container ${resource.id}`;
    case 'dns-container':
      return `DNS container ${resource.id}`;
    case 'docker-network':
      return `network ${resource.id}`;
    case 'iptables-rule':
      return `${resource.rule.family === 'ipv6' ? 'ip6tables' : 'iptables'} ${resource.rule.table === 'nat' ? 'nat ' : ''}${resource.rule.chain}: ${resource.rule.purpose}`;
    case 'iptables-chain':
      return `${resource.family === 'ipv6' ? 'ip6tables' : 'iptables'} chain ${resource.id.split(':')[1]}`;
    case 'bridge':
      return `bridge ${resource.id}`;
    case 'macvlan-shim':
      return `shim ${resource.id} (macvlan on ${resource.parent}, network ${resource.network})`;
    case 'ifb':
      return `ifb ${resource.id} (impairment of ${resource.node})`;
  }
}
