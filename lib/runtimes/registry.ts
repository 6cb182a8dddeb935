import { SetupError } from '../common/errors.ts';
import type { ContainerRuntime } from './runtime.ts';

/** Runtime names a topology may use; each is a folder under lib/runtimes exporting a ContainerRuntime. */
export const CONTAINER_RUNTIME_NAMES = ['docker', 'podman'] as const;
export type ContainerRuntimeName = (typeof CONTAINER_RUNTIME_NAMES)[number];

const loaded = new Map<string, ContainerRuntime>();

/** Loads a runtime lazily (a lab only pays for the engine it uses). */
export async function containerRuntime(name: string = 'docker'): Promise<ContainerRuntime> {
  const cached = loaded.get(name);
  if (cached) return cached;
  let runtime: ContainerRuntime;
  if (name === 'docker') runtime = (await import('./docker/index.ts')).dockerRuntime;
  else if (name === 'podman') runtime = (await import('./podman/index.ts')).podmanRuntime;
  else throw new SetupError(`unknown container runtime "${name}". Fix: use one of ${CONTAINER_RUNTIME_NAMES.join(', ')}`);
  loaded.set(name, runtime);
  return runtime;
}
