import { ProvisionError } from '../common/errors.ts';
import { step, type ProgressReporter } from '../common/progress.ts';
import { primaryFamilies } from '../topology/families.ts';
import type { ResolvedVmNode, Topology } from '../topology/topology.ts';
import { loadVmProvider } from '../vms/registry.ts';
import type { VmHandle, VmLabContext, VmProvider } from '../vms/provider.ts';
import { isolationRules } from '../net/iptables.ts';
import { ensureRules, type Track } from './up-steps.ts';
import type { LabResource, StateStore } from './state.ts';
import { vmContext } from './vm-context.ts';

/**
 * Starts every VM of the topology that is not running, through its provider, all at once (each
 * provider prepares its shared artefacts first, once). Every VM is tried; the first failure is
 * thrown after the others have finished, so rollback sees all that was made.
 */
export async function ensureVms(topology: Topology, store: StateStore, reporter: ProgressReporter, track: Track, dnsReady: Promise<void> = Promise.resolve()): Promise<void> {
  const ctx = vmContext(topology, reporter);
  const vms = topology.nodes.filter((node): node is ResolvedVmNode => node.kind === 'vm');
  const prepared = new Map<string, Promise<void>>();
  const prepare = (providerName: string) => {
    if (!prepared.has(providerName)) prepared.set(providerName, loadVmProvider(providerName).then((provider) => step(reporter, `${providerName} provider ready`, () => provider.prepare(ctx))));
    return prepared.get(providerName)!;
  };
  const results = await Promise.allSettled(vms.map(async (node) => {
    // The provider prepares while the DNS server starts; the guest boots once DNS answers, or at
    // once when its provider says its boot needs nothing of it (a TCG boot is the longest step of `up`).
    const handle = await ensureVm(node, topology, store, ctx, track, async (provider) => {
      await prepare(node.provider);
      if (provider.bootsBeforeDns?.(node)) return;
      await dnsReady.catch(() => {
        throw new ProvisionError(`VM ${node.name} was not started: it depends on the DNS server, which did not become ready (see its error)`);
      });
    });
    if (handle.management) await isolateManagementNetwork(topology, handle.management.bridge, store, reporter, track);
  }));
  const failure = results.find((result) => result.status === 'rejected');
  if (failure) throw (failure as PromiseRejectedResult).reason;
}

/** The running VM's handle: the recorded one if it still runs, else a freshly started VM. */
async function ensureVm(node: ResolvedVmNode, topology: Topology, store: StateStore, ctx: VmLabContext, track: Track, prepare: (provider: VmProvider) => Promise<void>): Promise<VmHandle> {
  const provider = await loadVmProvider(node.provider);
  const id = `${topology.name}-${node.name}`;
  const recorded = store.find('vm', id);
  const previous = recorded?.kind === 'vm' ? recorded.handle : undefined;
  if (previous && recorded?.phase === 'created' && (await provider.isRunning(previous, ctx))) return previous;
  if (previous) await provider.destroy(previous, ctx);
  await prepare(provider);
  const entry = await store.plan({ kind: 'vm', id, node: node.name, provider: node.provider });
  // Tracked before it starts: rollback (and down) remove a VM by its identity even when start never returned.
  const tracked: LabResource = { kind: 'vm', id, node: node.name, provider: node.provider };
  track(tracked);
  // The provider reports the boot itself (time to marker, RSS, accel mode).
  const handle = await provider.start(node, ctx);
  Object.assign(tracked, { handle });
  await store.markCreated(entry, { handle } as Partial<LabResource>);
  return handle;
}

/** Keeps a VM's management network and the lab bridge from forwarding to each other. */
async function isolateManagementNetwork(topology: Topology, managementBridge: string, store: StateStore, reporter: ProgressReporter, track: Track): Promise<void> {
  await ensureRules(primaryFamilies(topology).flatMap((family) => isolationRules(topology.name, topology.bridge.name, managementBridge, undefined, family)), store, reporter, track);
}
