import { ProvisionError } from '../common/errors.ts';
import { step, type ProgressReporter } from '../common/progress.ts';
import { allSettledOrThrow } from '../common/settle-all.ts';
import { nowMs } from '../common/time.ts';
import { buildDnsImage, buildNodeImage } from '../images/lab-images.ts';
import { resolveNodeImages } from '../images/workload-images.ts';
import { containerRuntime } from '../runtimes/registry.ts';
import { runtimeFeatures } from '../host/packages.ts';
import { setupHost } from '../host/setup.ts';
import { checkTopologyAgainstHost } from '../topology/host-conflicts.ts';
import { labIpv6Prefixes } from '../topology/families.ts';
import { labNetworks, type Topology } from '../topology/topology.ts';
import { bridgesToIsolate, ensureEngineIsolation } from './engine-isolation.ts';
import { countingReporter, upStepsAhead } from './up-plan.ts';
import { requireHostIpv6 } from '../net/ipv6-support.ts';
import { acquireLabLock } from './lock.ts';
import { ensureBridge, ensureContainers, ensureDnsServer, ensureForwarding, ensureLabNetworkStep, removeStaleNodes, writeDnsFiles } from './up-steps.ts';
import { ensureVms } from './vm-steps.ts';
import { removeStaleForwardRules } from './port-forwards.ts';
import { ensureImpairments } from './impairment-steps.ts';
import { readState, StateStore, type LabResource, removeStateDir } from './state.ts';
import { restoreSysctls } from './sysctls.ts';
import { describeResource, removeResource } from './teardown.ts';

export interface UpOptions {
  reporter: ProgressReporter;
  /** Install missing packages and start dockerd first (default true). */
  setup?: boolean;
}

export interface UpResult {
  lab: string;
  /** Resources this run created or replaced; empty when the lab was already as described. */
  created: string[];
  removed: string[];
  elapsedMs: number;
}

/** Brings a lab up, or brings an existing one in line with its topology. Rolls back on failure. */
export async function upLab(topology: Topology, options: UpOptions): Promise<UpResult> {
  const started = nowMs();
  const reporter = countingReporter(options.reporter);
  const lock = await acquireLabLock(topology.name, 'up');
  const created: LabResource[] = [];
  let store: StateStore | undefined;
  let fresh = false; // no state before this run (and the state was readable)
  try {
    for (const warning of topology.warnings ?? []) reporter.note(`warning: ${warning}`);
    // Independent reads of the host, at once: the state, the bridge and routes, packages and engine.
    const [previous] = await allSettledOrThrow([
      readState(topology.name),
      checkTopologyAgainstHost(topology),
      options.setup !== false ? setupHost(reporter, ['core', 'build', ...runtimeFeatures(topology.runtime), ...(topology.nodes.some((n) => n.kind === 'vm') ? (['vm'] as const) : [])]) : Promise.resolve(),
    ]);
    fresh = previous === undefined;
    assertCompatible(previous?.topology, topology);
    await requireHostIpv6(labIpv6Prefixes(topology)); // a dual-stack lab on a host without IPv6 stops here, before anything is made
    store = previous ? new StateStore({ ...previous, topology }) : StateStore.fresh(topology);
    await store.setStatus('creating');
    const runtime = await containerRuntime(topology.runtime);
    await runtime.ensureRunning(); // a no-op when its engine answers (setup started it)
    // For [n/N]: what the host holds is looked at while the images are checked (two steps).
    const hostFacts = allSettledOrThrow([bridgesToIsolate(topology, runtime), runtime.listLabContainers(topology.name)]);
    hostFacts.catch(() => undefined); // awaited below; a failed image check must not leave it unhandled
    reporter.plan?.(reporter.started() + 2 + upStepsAhead(topology, { state: previous }));
    const describeImage = (image: { reference: string; built: boolean }) => `${image.reference}${image.built ? ' (built)' : ' (cached)'}`;
    const images = {
      node: await step(reporter, 'node image', () => buildNodeImage(runtime), describeImage),
      dns: await step(reporter, 'DNS image', () => buildDnsImage(runtime), describeImage),
    };
    // Every node's image is here (pulled or built) before anything is created: a missing one stops `up` clean.
    const nodeImages = await resolveNodeImages(topology, runtime, images.node.reference, reporter);
    const [isolate, containers] = await hostFacts;
    const running = new Map(containers.filter((container) => container.state === 'running').map((container) => [container.name, container.spec]));
    reporter.plan?.(reporter.started() + upStepsAhead(topology, { state: previous, running, images: nodeImages, isolate }));
    const track = (resource: LabResource) => created.push(resource);
    // A forward taken out of the file stops answering now, not at the next `down`.
    const removedForwards = await removeStaleForwardRules(topology, store, reporter);
    // The bridges first (the runtime's networks are made on them); then, at once, the networks, the
    // firewall (every rule in place before any node starts) and the DNS files.
    await ensureBridge(topology, store, reporter, track);
    const labStore = store;
    const [, , dnsFiles] = await allSettledOrThrow([
      ensureLabNetworkStep(topology, runtime, store, reporter, track),
      ensureForwarding(topology, labStore, reporter, track).then(() => ensureEngineIsolation(topology, runtime, labStore, reporter, track, isolate)),
      writeDnsFiles(topology),
    ]);
    const removed = await removeStaleNodes(topology, store, reporter);
    // The DNS server, containers and VMs start together; user containers and VMs start once DNS
    // answers (a VM whose provider says its boot needs nothing of DNS: at once), a container that
    // dependsOn a VM once the lab's VMs are up.
    const dnsUp = ensureDnsServer(topology, runtime, store, images.dns.reference, reporter, track, dnsFiles);
    const vmsUp = ensureVms(topology, store, reporter, track, dnsUp);
    const vmGates = new Map(topology.nodes.filter((node) => node.kind === 'vm').map((node) => [node.name, vmsUp]));
    await allSettledOrThrow([dnsUp, ensureContainers(topology, runtime, store, nodeImages, reporter, track, vmGates, dnsUp), vmsUp]);
    await ensureImpairments(topology, previous?.topology, runtime, store, reporter, track);
    await store.setStatus('up');
    return { lab: topology.name, created: created.map(describeResource), removed: [...removedForwards, ...removed], elapsedMs: nowMs() - started };
  } catch (error) {
    await rollback(created, topology, store, reporter);
    // A refused or failed first `up` leaves no state directory behind.
    if (fresh && (!store || store.state.resources.length === 0)) await removeStateDir(topology.name).catch(() => undefined);
    throw error instanceof ProvisionError || (error as { exitCode?: number }).exitCode !== undefined
      ? error
      : new ProvisionError(`up failed: ${(error as Error).message}`, { cause: error });
  } finally {
    await lock.release();
  }
}

/** A bridge or subnet change cannot be applied to a running lab. */
function assertCompatible(previous: Topology | undefined, next: Topology): void {
  if (!previous) return;
  const shape = (topology: Topology) => labNetworks(topology).map((network) => `${network.name} ${network.mode} ${network.bridge} ${network.subnet}${network.ipv6 ? ` ${network.ipv6.subnet}` : ''} (dns ${network.dns})`).join(', ');
  if (shape(previous) !== shape(next)) {
    throw new ProvisionError(`lab "${next.name}" is up with networks ${shape(previous)}; the topology now says ${shape(next)}. Fix: run \`hybrid-lab down\` first`);
  }
}

/** Removes, newest first, what this run created; a failed `up` leaves nothing half-made. */
async function rollback(created: LabResource[], topology: Topology, store: StateStore | undefined, reporter: ProgressReporter): Promise<void> {
  if (created.length === 0) {
    if (store && store.state.resources.length > 0) await store.setStatus('failed');
    return;
  }
  reporter.note(`rolling back ${created.length} resource(s) created by this run`);
  for (const resource of [...created].reverse()) {
    try {
      const removal = await removeResource(resource, topology);
      await store?.forget(resource.kind, resource.id);
      reporter.note(removal.outcome === 'refused' ? `left ${describeResource(resource)} alone: ${removal.reason}` : `removed ${describeResource(resource)}`);
    } catch (error) {
      reporter.note(`could not remove ${describeResource(resource)}: ${(error as Error).message} (run \`hybrid-lab down\`)`);
    }
  }
  if (store && store.state.resources.length === 0) {
    await restoreSysctls(store.state).catch(() => undefined);
    await removeStateDir(topology.name);
  } else await store?.setStatus('failed');
}
