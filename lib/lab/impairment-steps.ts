import { ProvisionError } from '../common/errors.ts';
import { silentReporter, step, type ProgressReporter } from '../common/progress.ts';
import { kernelHas } from '../host/kernel-capabilities.ts';
import { linkExists } from '../net/bridge.ts';
import { applyGuestNetem, clearGuestNetem } from '../net/guest-impairment.ts';
import { applyLinkImpairment, createIfb, ifbName, removeLinkImpairment } from '../net/link-impairment.ts';
import type { LabNode } from '../nodes/node.ts';
import type { ContainerRuntime } from '../runtimes/runtime.ts';
import { describeImpairment } from '../topology/impairment.ts';
import { impairmentRequests, linkOf, planImpairment, type ImpairmentRequest } from '../topology/impairment-links.ts';
import type { Topology } from '../topology/topology.ts';
import { loadVmProvider } from '../vms/registry.ts';
import { hostInterfaceOf } from './link-interfaces.ts';
import type { StateStore } from './state.ts';
import { describeResource } from './teardown.ts';
import { ensureResource, type Track } from './up-steps.ts';
import { vmContext } from './vm-context.ts';

/**
 * Every impaired link gets its qdiscs (re-applied on each `up`: a re-created container has a new
 * veth, and a changed impairment replaces the old one); links impaired before but not any more
 * lose theirs and their ifb. The kernel was checked in the pre-flight (host-conflicts.ts).
 */
export async function ensureImpairments(topology: Topology, previous: Topology | undefined, runtime: ContainerRuntime, store: StateStore, reporter: ProgressReporter, track: Track): Promise<void> {
  const requests = impairmentRequests(topology);
  const hostHasNetem = (requests.length > 0 || (previous !== undefined && impairmentRequests(previous).length > 0)) && (await kernelHas('qdisc-netem'));
  const plans = requests.map((request) => ({ request, plan: planImpairment(request, hostHasNetem) }));
  await removeStaleHostImpairments(topology, runtime, store, new Set(plans.filter(({ plan }) => plan.host).map(({ request }) => request.linkName)), reporter);
  for (const { request, plan } of plans) {
    if (plan.host) await impairOnHost(topology, runtime, store, request, plan.host, reporter, track);
    if (plan.guest) {
      const guest = plan.guest;
      await step(reporter, `impair ${request.nodeName}'s link inside its guest: ${describeImpairment(guest)}`, async () => {
        const vm = await vmNodeOf(topology, store, request.nodeName);
        await applyGuestNetem(vm.node, vm.mac, guest);
      });
    }
  }
  // A running VM impaired inside its guest by the previous `up` keeps that netem until it is cleared;
  // only those are asked (an exec into every VM on every `up` would cost seconds under TCG).
  const guestPlanned = new Set(plans.filter(({ plan }) => plan.guest).map(({ request }) => request.nodeName));
  const guestBefore = previous ? impairmentRequests(previous).filter((request) => planImpairment(request, hostHasNetem).guest).map((request) => request.nodeName) : [];
  for (const name of guestBefore.filter((n) => !guestPlanned.has(n) && topology.nodes.some((node) => node.name === n))) {
    await step(reporter, `remove the guest impairment of ${name} (no longer in the topology)`, async () => {
      const vm = await vmNodeOf(topology, store, name);
      await clearGuestNetem(vm.node, vm.mac);
    });
  }
}

async function impairOnHost(topology: Topology, runtime: ContainerRuntime, store: StateStore, request: ImpairmentRequest, impairment: NonNullable<ReturnType<typeof planImpairment>['host']>, reporter: ProgressReporter, track: Track): Promise<void> {
  const ifb = { kind: 'ifb' as const, id: ifbName(topology.name, request.linkName), node: request.linkName };
  await ensureResource(store, ifb, () => linkExists(ifb.id), async () => void (await createIfb(topology.name, request.linkName)), reporter, track);
  await step(reporter, `impair ${request.nodeName}'s link: ${describeImpairment(impairment)}`, async () => {
    const hostInterface = await hostInterfaceOf(topology, request, store.state.resources, runtime);
    await applyLinkImpairment({ labName: topology.name, linkName: request.linkName, hostInterface }, impairment);
    return hostInterface;
  }, (hostInterface) => `(${hostInterface} and ${describeResource(ifb)})`);
}

/** Links whose host impairment left the topology: their qdiscs are removed and their ifb deleted. */
async function removeStaleHostImpairments(topology: Topology, runtime: ContainerRuntime, store: StateStore, wanted: ReadonlySet<string>, reporter: ProgressReporter): Promise<void> {
  for (const resource of store.state.resources.filter((r) => r.kind === 'ifb' && !wanted.has(r.node))) {
    if (resource.kind !== 'ifb') continue;
    await step(reporter, `remove the host impairment of ${resource.node} (no longer in the topology)`, async () => {
      const link = linkOf(topology, resource.node);
      const hostInterface = link ? await hostInterfaceOf(topology, link, store.state.resources, runtime).catch(() => undefined) : undefined;
      // Without the node its interface went with it; only the ifb is left to remove.
      await removeLinkImpairment({ labName: topology.name, linkName: resource.node, hostInterface: hostInterface ?? resource.id });
    });
    await store.forget('ifb', resource.id);
  }
}

/** The running VM as a LabNode, with its lab NIC's MAC. */
async function vmNodeOf(topology: Topology, store: StateStore, nodeName: string): Promise<{ node: LabNode; mac: string }> {
  const resource = store.state.resources.find((r) => r.kind === 'vm' && r.node === nodeName);
  if (resource?.kind !== 'vm' || !resource.handle?.nic.mac) throw new ProvisionError(`VM ${nodeName} has no recorded handle with its NIC's MAC. Fix: run \`hybrid-lab up\` again`);
  const provider = await loadVmProvider(resource.provider);
  return { node: provider.node(resource.handle, vmContext(topology, silentReporter)), mac: resource.handle.nic.mac };
}
