import { step, type ProgressReporter } from '../common/progress.ts';
import { linkExists } from '../net/bridge.ts';
import { applyLinkImpairment, createIfb, ifbName, removeLinkImpairment } from '../net/link-impairment.ts';
import type { ContainerRuntime } from '../runtimes/runtime.ts';
import { describeImpairment } from '../topology/impairment.ts';
import { impairmentRequests } from '../topology/impairment-links.ts';
import type { Topology } from '../topology/topology.ts';
import { hostInterfaceOf } from './link-interfaces.ts';
import type { StateStore } from './state.ts';
import { describeResource } from './teardown.ts';
import { ensureResource, type Track } from './up-steps.ts';

/**
 * Every impaired link gets its qdiscs (re-applied on each `up`: a re-created container has a new
 * veth, and a changed impairment replaces the old one); links impaired before but not any more
 * lose theirs and their ifb. The kernel was checked in the pre-flight (host-conflicts.ts).
 */
export async function ensureImpairments(topology: Topology, runtime: ContainerRuntime, store: StateStore, reporter: ProgressReporter, track: Track): Promise<void> {
  const requests = impairmentRequests(topology);
  const wanted = new Set(requests.map((request) => request.linkName));
  for (const resource of store.state.resources.filter((r) => r.kind === 'ifb' && !wanted.has(r.node))) {
    if (resource.kind !== 'ifb') continue;
    await step(reporter, `remove impairment of ${resource.node} (no longer in the topology)`, async () => {
      const nodeStillThere = topology.nodes.some((node) => node.name === resource.node);
      const hostInterface = nodeStillThere ? await hostInterfaceOf(topology, resource.node, store.state.resources, runtime).catch(() => undefined) : undefined;
      // The node's interface went with the node; only the ifb is left to remove.
      await removeLinkImpairment({ labName: topology.name, linkName: resource.node, hostInterface: hostInterface ?? resource.id });
    });
    await store.forget('ifb', resource.id);
  }
  for (const request of requests) {
    const ifb = { kind: 'ifb' as const, id: ifbName(topology.name, request.linkName), node: request.linkName };
    await ensureResource(store, ifb, () => linkExists(ifb.id), async () => void (await createIfb(topology.name, request.linkName)), reporter, track);
    await step(reporter, `impair ${request.nodeName}'s link: ${describeImpairment(request.impairment)}`, async () => {
      const hostInterface = await hostInterfaceOf(topology, request.nodeName, store.state.resources, runtime);
      await applyLinkImpairment({ labName: topology.name, linkName: request.linkName, hostInterface }, request.impairment);
      return hostInterface;
    }, (hostInterface) => `(${hostInterface} and ${describeResource(ifb)})`);
  }
}
