import type { z } from 'zod';
import { SetupError } from '../common/errors.ts';
import { succeeds } from '../common/run.ts';
import type { VmHandle, VmLabContext, VmLeftover, VmProvider } from './provider.ts';
import { checkQemuNode, qemuOptions } from './qemu/options.ts';
import { checkVagrantNode, vagrantOptions } from './vagrant/options.ts';

/** One line per VM provider: its folder's loader, the topology fields it adds, and when `down` looks for its leftovers. */
interface VmProviderEntry {
  load: () => Promise<VmProvider>;
  /** Provider-only node fields; the schema refuses them on another provider's VM. */
  options: Record<string, z.ZodType>;
  /** Whether to search for this provider's leftovers of a lab that does not use it (cheap, or its daemon already runs). */
  sweepWhenUnused: () => Promise<boolean>;
  /** Checks its options need together (beyond each field's own schema). */
  check?: (node: Record<string, unknown>, issue: (field: string, message: string) => void) => void;
  /** Its leftover finder alone, when loading the whole provider would cost `down` more than the search. */
  leftovers?: () => Promise<VmProvider['findLeftovers']>;
  /** Its liveness check alone, for the same reason (`status`). */
  running?: () => Promise<VmProvider['isRunning']>;
}

export const VM_PROVIDERS = {
  qemu: {
    load: async () => (await import('./qemu/index.ts')).qemuProvider,
    options: qemuOptions,
    sweepWhenUnused: async () => true,
    check: checkQemuNode,
    // The provider module pulls in boot, disk and SSH code (~0.5 s to load): a containers-only `down` needs none of it.
    leftovers: async () => {
      const { findQemuLeftovers } = await import('./qemu/cleanup.ts');
      return (labName, ctx) => findQemuLeftovers(labName, ctx.stateDir);
    },
    running: async () => (await import('./qemu/liveness.ts')).qemuIsRunning,
  },
  // Looking needs libvirtd (seconds to start): only when it already runs.
  vagrant: { load: async () => (await import('./vagrant/index.ts')).vagrantProvider, options: vagrantOptions, sweepWhenUnused: () => succeeds('pgrep', ['-x', 'libvirtd']), check: checkVagrantNode },
} satisfies Record<string, VmProviderEntry>;

/** A provider's own checks of a VM node (see VmProviderEntry.check). */
export function checkProviderOptions(node: Record<string, unknown> & { provider: string }, issue: (field: string, message: string) => void): void {
  (VM_PROVIDERS[node.provider as VmProviderName] as VmProviderEntry | undefined)?.check?.(node, issue);
}

export type VmProviderName = keyof typeof VM_PROVIDERS;
/** Provider names a topology may use; each is a folder under lib/vms exporting a VmProvider. */
export const VM_PROVIDER_NAMES = Object.keys(VM_PROVIDERS) as [VmProviderName, ...VmProviderName[]];

const loaded = new Map<string, VmProvider>();

function entryOf(name: string): VmProviderEntry {
  if (!(name in VM_PROVIDERS)) throw new SetupError(`unknown VM provider "${name}". Fix: use one of ${VM_PROVIDER_NAMES.join(', ')}`);
  return VM_PROVIDERS[name as VmProviderName];
}

/** Loads a provider lazily so a containers-only lab never imports VM code. */
export async function loadVmProvider(name: string): Promise<VmProvider> {
  const cached = loaded.get(name);
  if (cached) return cached;
  const provider = await entryOf(name).load();
  loaded.set(name, provider);
  return provider;
}

/** What this provider left of a lab, found without its state file (through its light finder when it has one). */
export async function findVmLeftovers(name: string, labName: string, ctx: Omit<VmLabContext, 'reporter'>): Promise<VmLeftover[]> {
  const entry = entryOf(name);
  const find = entry.leftovers ? await entry.leftovers() : (labName: string, ctx: Omit<VmLabContext, 'reporter'>) => loadVmProvider(name).then((provider) => provider.findLeftovers(labName, ctx));
  return find(labName, ctx);
}

/** Whether the VM runs, asked of the provider (through its light check when it has one). */
export async function vmIsRunning(name: string, handle: VmHandle, ctx: VmLabContext): Promise<boolean> {
  const entry = entryOf(name);
  return entry.running ? (await entry.running())(handle, ctx) : (await loadVmProvider(name)).isRunning(handle, ctx);
}

/** Whether `down` should look for this provider's leftovers: always when the lab uses it, else as the provider says. */
export async function worthSweeping(name: string, usedByLab: boolean): Promise<boolean> {
  return usedByLab || (await entryOf(name).sweepWhenUnused());
}

/** Names of the providers a topology may use. */
export function vmProviderNames(): string[] {
  return [...VM_PROVIDER_NAMES];
}
