import { step, type ProgressReporter } from '../common/progress.ts';
import type { Topology } from '../topology/topology.ts';
import { loadVmProvider } from '../vms/registry.ts';
import type { LabResource, StateStore } from './state.ts';
import { vmContext } from './vm-context.ts';

/** Starts every VM of the topology that is not running, through its provider. */
export async function ensureVms(topology: Topology, store: StateStore, reporter: ProgressReporter, track: (resource: LabResource) => void): Promise<void> {
  const ctx = vmContext(topology, reporter);
  for (const node of topology.nodes) {
    if (node.kind !== 'vm') continue;
    const provider = await loadVmProvider(node.provider);
    const id = `${topology.name}-${node.name}`;
    const recorded = store.find('vm', id);
    if (recorded?.phase === 'created' && recorded.kind === 'vm' && recorded.handle && (await provider.isRunning(recorded.handle, ctx))) continue;
    if (recorded?.kind === 'vm' && recorded.handle) await provider.destroy(recorded.handle, ctx);
    await step(reporter, `${node.provider} provider ready`, () => provider.prepare(ctx));
    const entry = await store.plan({ kind: 'vm', id, node: node.name, provider: node.provider });
    // The provider reports the boot itself (time to marker, RSS, accel mode).
    const handle = await provider.start(node, ctx);
    await store.markCreated(entry, { handle } as Partial<LabResource>);
    track({ kind: 'vm', id, node: node.name, provider: node.provider, handle });
  }
}
