import { silentReporter } from '../common/progress.ts';
import { kernelHas } from '../host/kernel-capabilities.ts';
import { linkExists } from '../net/bridge.ts';
import { guestNetemApplied } from '../net/guest-impairment.ts';
import { appliedQdiscs, ifbName } from '../net/link-impairment.ts';
import type { ContainerRuntime } from '../runtimes/runtime.ts';
import type { Impairment } from '../topology/impairment.ts';
import { impairmentRequests, planImpairment, type ImpairmentRequest } from '../topology/impairment-links.ts';
import type { Topology } from '../topology/topology.ts';
import { loadVmProvider } from '../vms/registry.ts';
import { hostInterfaceOf } from './link-interfaces.ts';
import type { RecordedResource } from './state.ts';
import { vmContext } from './vm-context.ts';

/** A node's impairment as `status` shows it: what the topology asks, and whether it is in place. */
export type ImpairmentStatus = Impairment & {
  /** The host-side interface carrying the host's part (veth or tap), when found. */
  hostInterface?: string;
  /** The netem part is applied inside the VM's guest (the host kernel has no netem). */
  inGuest?: boolean;
  /** Every part is in place: both directions on the host (interface and ifb) and/or in the guest. */
  applied: boolean;
};

/** Live impairment status per impaired node (by node name); checks the qdiscs, not just the state file. */
export async function impairmentStatuses(topology: Topology, resources: readonly RecordedResource[], runtime: ContainerRuntime | undefined): Promise<Map<string, ImpairmentStatus>> {
  const statuses = new Map<string, ImpairmentStatus>();
  const requests = impairmentRequests(topology);
  const hostHasNetem = requests.length > 0 && (await kernelHas('qdisc-netem'));
  for (const request of requests) {
    const plan = planImpairment(request, hostHasNetem);
    const host = plan.host ? await hostPartApplied(topology, request, resources, runtime) : { applied: true };
    const guestApplied = plan.guest ? await guestPartApplied(topology, request, resources) : true;
    statuses.set(request.nodeName, { ...request.impairment, hostInterface: host.hostInterface, ...(plan.guest ? { inGuest: true } : {}), applied: host.applied && guestApplied });
  }
  return statuses;
}

async function hostPartApplied(topology: Topology, request: ImpairmentRequest, resources: readonly RecordedResource[], runtime: ContainerRuntime | undefined): Promise<{ applied: boolean; hostInterface?: string }> {
  const hostInterface = runtime ? await hostInterfaceOf(topology, request, resources, runtime).catch(() => undefined) : undefined;
  const ifb = ifbName(topology.name, request.linkName);
  const applied = hostInterface !== undefined && (await linkExists(ifb)) && (await appliedQdiscs(hostInterface)).length > 0 && (await appliedQdiscs(ifb)).length > 0;
  return { applied, hostInterface };
}

async function guestPartApplied(topology: Topology, request: ImpairmentRequest, resources: readonly RecordedResource[]): Promise<boolean> {
  const resource = resources.find((r) => r.kind === 'vm' && r.node === request.nodeName);
  if (resource?.kind !== 'vm' || !resource.handle?.nic.mac) return false;
  const node = (await loadVmProvider(resource.provider)).node(resource.handle, vmContext(topology, silentReporter));
  return guestNetemApplied(node, resource.handle.nic.mac).catch(() => false);
}
