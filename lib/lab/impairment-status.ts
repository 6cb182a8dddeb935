import { linkExists } from '../net/bridge.ts';
import { appliedQdiscs, ifbName } from '../net/link-impairment.ts';
import type { ContainerRuntime } from '../runtimes/runtime.ts';
import type { Impairment } from '../topology/impairment.ts';
import { impairmentRequests } from '../topology/impairment-links.ts';
import type { Topology } from '../topology/topology.ts';
import { hostInterfaceOf } from './link-interfaces.ts';
import type { RecordedResource } from './state.ts';

/** A node's impairment as `status` shows it: what the topology asks, and whether the host has it in place. */
export type ImpairmentStatus = Impairment & {
  /** The host-side interface carrying it (veth or tap), when found. */
  hostInterface?: string;
  /** Both directions' qdiscs are in place (host interface and the link's ifb). */
  applied: boolean;
};

/** Live impairment status per impaired node (by node name); checks the qdiscs, not just the state file. */
export async function impairmentStatuses(topology: Topology, resources: readonly RecordedResource[], runtime: ContainerRuntime | undefined): Promise<Map<string, ImpairmentStatus>> {
  const statuses = new Map<string, ImpairmentStatus>();
  for (const request of impairmentRequests(topology)) {
    const hostInterface = runtime ? await hostInterfaceOf(topology, request.nodeName, resources, runtime).catch(() => undefined) : undefined;
    const ifb = ifbName(topology.name, request.linkName);
    const applied = hostInterface !== undefined && (await linkExists(ifb)) && (await appliedQdiscs(hostInterface)).length > 0 && (await appliedQdiscs(ifb)).length > 0;
    statuses.set(request.nodeName, { ...request.impairment, hostInterface, applied });
  }
  return statuses;
}
