import { SetupError } from '../common/errors.ts';
import type { VmProvider } from './provider.ts';

/** Provider names a topology may use; each is a folder under lib/vms exporting a VmProvider. */
export const VM_PROVIDER_NAMES = ['qemu', 'vagrant'] as const;

const loaded = new Map<string, VmProvider>();

/** Loads a provider lazily so a containers-only lab never imports VM code. */
export async function loadVmProvider(name: string): Promise<VmProvider> {
  const cached = loaded.get(name);
  if (cached) return cached;
  let provider: VmProvider;
  if (name === 'qemu') provider = (await import('./qemu/index.ts')).qemuProvider;
  else if (name === 'vagrant') provider = (await import('./vagrant/index.ts')).vagrantProvider;
  else throw new SetupError(`unknown VM provider "${name}". Fix: use one of ${VM_PROVIDER_NAMES.join(', ')}`);
  loaded.set(name, provider);
  return provider;
}

/** Names of the providers a topology may use. */
export function vmProviderNames(): string[] {
  return [...VM_PROVIDER_NAMES];
}
