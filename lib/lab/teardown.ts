import { removeContainer } from '../containers/find.ts';
import { removeDockerNetwork } from '../containers/network.ts';
import { deleteLink } from '../net/bridge.ts';
import { removeRule } from '../net/iptables.ts';
import { loadVmProvider } from '../vms/registry.ts';
import type { LabResource } from './state.ts';
import { vmContext } from './vm-context.ts';
import type { Topology } from '../topology/topology.ts';
import { silentReporter } from '../common/progress.ts';

/** Removes one recorded resource; a resource already gone is not an error. */
export async function removeResource(resource: LabResource, topology: Topology): Promise<void> {
  switch (resource.kind) {
    case 'vm': {
      if (resource.handle) await (await loadVmProvider(resource.provider)).destroy(resource.handle, vmContext(topology, silentReporter));
      return;
    }
    case 'container':
    case 'dns-container':
      return removeContainer(resource.id);
    case 'docker-network':
      return removeDockerNetwork(resource.id);
    case 'iptables-rule':
      return removeRule(resource.rule);
    case 'bridge':
      return deleteLink(resource.id);
  }
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
      return `Docker network ${resource.id}`;
    case 'iptables-rule':
      return `iptables ${resource.rule.chain}: ${resource.rule.purpose}`;
    case 'bridge':
      return `bridge ${resource.id}`;
  }
}
