import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../common/atomic-write.ts';
import type { VagrantMachine } from './vagrantfile.ts';

/** The machines of a lab's Vagrantfile, kept beside it so VMs can be added and removed one at a time. */
export function machinesFile(projectDir: string): string {
  return join(projectDir, 'machines.json');
}

export async function loadMachines(projectDir: string): Promise<VagrantMachine[]> {
  const file = machinesFile(projectDir);
  if (!existsSync(file)) return [];
  return JSON.parse(await readFile(file, 'utf8')) as VagrantMachine[];
}

export async function saveMachines(projectDir: string, machines: readonly VagrantMachine[]): Promise<void> {
  await writeFileAtomic(machinesFile(projectDir), `${JSON.stringify(machines, null, 2)}\n`);
}

/** The list with `machine` added or replacing the one of the same name, sorted by name. */
export function withMachine(machines: readonly VagrantMachine[], machine: VagrantMachine): VagrantMachine[] {
  return [...machines.filter((other) => other.name !== machine.name), machine].sort((a, b) => a.name.localeCompare(b.name));
}

const queues = new Map<string, Promise<unknown>>();

/**
 * Runs work for one lab at a time in this process: machines.json and the Vagrantfile are shared
 * by the lab's VMs, and concurrent `vagrant up` in one project fight over Vagrant's locks.
 */
export function serializedForLab<T>(labName: string, work: () => Promise<T>): Promise<T> {
  const previous = queues.get(labName) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(work);
  queues.set(labName, next);
  return next;
}
