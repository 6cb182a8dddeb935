import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../common/atomic-write.ts';
import { labStateDir } from '../common/paths.ts';
import type { IptablesRule } from '../net/iptables.ts';
import type { Topology } from '../topology/topology.ts';
import type { VmHandle } from '../vms/provider.ts';

/** A resource the lab makes. Recorded as `planned` before it is created, `created` after. */
export type LabResource =
  | { kind: 'bridge'; id: string }
  | { kind: 'docker-network'; id: string }
  | { kind: 'iptables-rule'; id: string; rule: IptablesRule }
  | { kind: 'dns-container'; id: string }
  | { kind: 'container'; id: string; node: string }
  | { kind: 'vm'; id: string; node: string; provider: string; handle?: VmHandle };

export type RecordedResource = LabResource & { phase: 'planned' | 'created' };

export interface LabState {
  version: 1;
  lab: string;
  topology: Topology;
  status: 'creating' | 'up' | 'failed';
  updatedAt: string;
  resources: RecordedResource[];
}

export function stateFilePath(labName: string): string {
  return join(labStateDir(labName), 'state.json');
}

export async function readState(labName: string): Promise<LabState | undefined> {
  const path = stateFilePath(labName);
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(await readFile(path, 'utf8')) as LabState;
  } catch {
    return undefined; // unreadable state: `down` falls back to finding resources by label
  }
}

/** Keeps the state file in step with what exists; every change is written atomically at once. */
export class StateStore {
  constructor(public state: LabState) {}

  static fresh(topology: Topology): StateStore {
    return new StateStore({ version: 1, lab: topology.name, topology, status: 'creating', updatedAt: new Date().toISOString(), resources: [] });
  }

  async save(): Promise<void> {
    this.state.updatedAt = new Date().toISOString();
    await writeFileAtomic(stateFilePath(this.state.lab), `${JSON.stringify(this.state, null, 2)}\n`);
  }

  find(kind: LabResource['kind'], id: string): RecordedResource | undefined {
    return this.state.resources.find((resource) => resource.kind === kind && resource.id === id);
  }

  /** Records the resource as planned (before creating it). */
  async plan(resource: LabResource): Promise<RecordedResource> {
    const existing = this.find(resource.kind, resource.id);
    if (existing) return existing;
    const recorded = { ...resource, phase: 'planned' } as RecordedResource;
    this.state.resources.push(recorded);
    await this.save();
    return recorded;
  }

  async markCreated(recorded: RecordedResource, update: Partial<LabResource> = {}): Promise<void> {
    Object.assign(recorded, update, { phase: 'created' });
    await this.save();
  }

  async forget(kind: LabResource['kind'], id: string): Promise<void> {
    this.state.resources = this.state.resources.filter((resource) => !(resource.kind === kind && resource.id === id));
    await this.save();
  }

  async setStatus(status: LabState['status']): Promise<void> {
    this.state.status = status;
    await this.save();
  }
}

export async function removeStateDir(labName: string): Promise<void> {
  await rm(labStateDir(labName), { recursive: true, force: true });
}
