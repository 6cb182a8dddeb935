import type { ProgressReporter } from '../common/progress.ts';
import { labStateDir } from '../common/paths.ts';
import { labNetworks, type Topology } from '../topology/topology.ts';
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
    networks: labNetworks(topology),
    leaseFile: leaseFile(topology.name),
    stateDir: join(labStateDir(topology.name), 'vms'),
    reporter,
  };
}

/** Enough context to look for a lab's VM leftovers when no topology is known (lost state). */
export function leftoverContext(labName: string): Omit<VmLabContext, 'reporter'> {
  return { labName, bridgeName: '', prefix: 0, gateway: '', dnsServer: '', dnsDomain: '', stateDir: join(labStateDir(labName), 'vms') };
}
