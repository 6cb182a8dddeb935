import { step, type ProgressReporter } from '../common/progress.ts';
import type { Topology } from '../topology/topology.ts';
import { loadVmProvider } from '../vms/registry.ts';
import type { VmHandle, VmLabContext } from '../vms/provider.ts';
import type { VmNodeSpec } from '../topology/schema.ts';
import { ensureRule, isolationRules, ruleExists } from '../net/iptables.ts';
import { ensureResource, type Track } from './up-steps.ts';
import type { LabResource, StateStore } from './state.ts';
import { vmContext } from './vm-context.ts';

/** Starts every VM of the topology that is not running, through its provider. */
export async function ensureVms(topology: Topology, store: StateStore, reporter: ProgressReporter, track: Track): Promise<void> {
  const ctx = vmContext(topology, reporter);
  for (const node of topology.nodes) {
    if (node.kind !== 'vm') continue;
    const handle = await ensureVm(node, topology, store, ctx, track);
    if (handle.details.managementBridge) await isolateManagementNetwork(topology, String(handle.details.managementBridge), store, reporter, track);
  }
}

/** The running VM's handle: the recorded one if it still runs, else a freshly started VM. */
async function ensureVm(node: VmNodeSpec & { ip: string }, topology: Topology, store: StateStore, ctx: VmLabContext, track: Track): Promise<VmHandle> {
  const provider = await loadVmProvider(node.provider);
  const id = `${topology.name}-${node.name}`;
  const recorded = store.find('vm', id);
  const previous = recorded?.kind === 'vm' ? recorded.handle : undefined;
  if (previous && recorded?.phase === 'created' && (await provider.isRunning(previous, ctx))) return previous;
  if (previous) await provider.destroy(previous, ctx);
  await step(ctx.reporter, `${node.provider} provider ready`, () => provider.prepare(ctx));
  const entry = await store.plan({ kind: 'vm', id, node: node.name, provider: node.provider });
  // The provider reports the boot itself (time to marker, RSS, accel mode).
  const handle = await provider.start(node, ctx);
  await store.markCreated(entry, { handle } as Partial<LabResource>);
  track({ kind: 'vm', id, node: node.name, provider: node.provider, handle });
  return handle;
}

/** Keeps a VM's management network and the lab bridge from forwarding to each other. */
async function isolateManagementNetwork(topology: Topology, managementBridge: string, store: StateStore, reporter: ProgressReporter, track: Track): Promise<void> {
  for (const rule of isolationRules(topology.name, topology.bridge.name, managementBridge)) {
    await ensureResource(store, { kind: 'iptables-rule', id: rule.purpose, rule }, () => ruleExists(rule), async () => void (await ensureRule(rule)), reporter, track);
  }
}
