import type { ProgressReporter } from '../common/progress.ts';
import { labStateDir } from '../common/paths.ts';
import type { ResolvedNetwork, Topology } from '../topology/topology.ts';
import type { VmLabContext } from '../vms/provider.ts';
import { join } from 'node:path';
import { leaseFile } from './dns-paths.ts';

/** What VM providers need to know about the lab. */
export function vmContext(topology: Topology, reporter: ProgressReporter): VmLabContext {
  return {
    labName: topology.name,
    bridgeName: topology.bridge.name,
    prefix: topology.bridge.prefix,
    gateway: topology.bridge.gateway,
    dnsServer: topology.dns.address,
    dnsDomain: topology.dns.domain,
    networks: vmNetworks(topology),
    leaseFile: leaseFile(topology.name),
    stateDir: join(labStateDir(topology.name), 'vms'),
    reporter,
  };
}

/** The lab's segments; a state file written before `networks:` existed has one, on its bridge. */
function vmNetworks(topology: Topology): ResolvedNetwork[] {
  if (topology.networks?.length) return topology.networks;
  const { bridge, dns } = topology;
  return [{ name: 'main', bridge: bridge.name, mode: 'bridged', subnet: bridge.subnet, prefix: bridge.prefix, gateway: bridge.gateway, dns: dns.address }];
}

/** Enough context to look for a lab's VM leftovers when no topology is known (lost state). */
export function leftoverContext(labName: string): Omit<VmLabContext, 'reporter'> {
  return { labName, bridgeName: '', prefix: 0, gateway: '', dnsServer: '', dnsDomain: '', stateDir: join(labStateDir(labName), 'vms') };
}
