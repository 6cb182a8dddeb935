import { existsSync } from 'node:fs';
import { chmod, mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { isLabName } from '../common/lab-name.ts';
import { writeFileAtomic } from '../common/atomic-write.ts';
import { HybridLabError } from '../common/errors.ts';
import { labStateDir, labStatePath, stateRoot } from '../common/paths.ts';
import type { IptablesRule } from '../net/iptables.ts';
import type { Topology } from '../topology/topology.ts';
import type { VmHandle } from '../vms/provider.ts';
import { labStateSchema } from './state-schema.ts';

/** A resource the lab makes. Recorded as `planned` before it is created, `created` after. */
export type LabResource =
  | { kind: 'bridge'; id: string }
  /** A macvlan network's host shim on `parent` (the parent is never the lab's). */
  | { kind: 'macvlan-shim'; id: string; network: string; parent: string }
  | { kind: 'docker-network'; id: string }
  | { kind: 'iptables-rule'; id: string; rule: IptablesRule }
  | { kind: 'iptables-chain'; id: string; family: 'ipv4' | 'ipv6' }
  | { kind: 'dns-container'; id: string }
  | { kind: 'container'; id: string; node: string }
  | { kind: 'vm'; id: string; node: string; provider: string; handle?: VmHandle }
  | { kind: 'ifb'; id: string; node: string };

export type RecordedResource = LabResource & { phase: 'planned' | 'created' };

/** A host sysctl the lab changed: restored on `down` when no other lab needs the new value. */
export interface SysctlChange {
  key: string;
  before: string;
  after: string;
}

export interface LabState {
  version: 1;
  lab: string;
  topology: Topology;
  status: 'creating' | 'up' | 'failed';
  updatedAt: string;
  resources: RecordedResource[];
  sysctls: SysctlChange[];
}

/** A state file that exists but cannot be trusted: it is not acted on. */
export class StateFileError extends HybridLabError {}

export function stateFilePath(labName: string): string {
  return labStatePath(labName, 'state.json');
}

/** The state root, root-only whatever the caller's umask. */
export async function ensureStateRoot(): Promise<void> {
  await mkdir(stateRoot(), { recursive: true, mode: 0o700 });
  await chmod(stateRoot(), 0o700);
}

/** The state root and the lab's directory, root-only whatever the caller's umask. */
export async function ensureLabDir(labName: string): Promise<void> {
  await ensureStateRoot();
  await mkdir(labStateDir(labName), { recursive: true, mode: 0o700 });
  await chmod(labStateDir(labName), 0o700);
}

/** The lab's state, or undefined when there is none. Throws StateFileError when the file is not a valid state of this lab. */
export async function readState(labName: string): Promise<LabState | undefined> {
  const path = stateFilePath(labName);
  if (!existsSync(path)) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new StateFileError(`${path}: not readable JSON (${(error as Error).message}). Fix: run \`hybrid-lab down --lab ${labName}\` (it finds the lab's resources by their marks)`);
  }
  const parsed = labStateSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new StateFileError(`${path}: not a valid lab state (${issue.path.join('.') || 'file'}: ${issue.message}); it is not acted on. Fix: run \`hybrid-lab down --lab ${labName}\` (it finds the lab's resources by their marks)`);
  }
  if (parsed.data.lab !== labName) throw new StateFileError(`${path}: records lab "${parsed.data.lab}", not "${labName}"; it is not acted on`);
  return parsed.data as unknown as LabState;
}

/** readState for readers that only show things (status): an untrusted file reads as no state. */
export async function readStateOrUndefined(labName: string): Promise<LabState | undefined> {
  try {
    return await readState(labName);
  } catch (error) {
    if (error instanceof StateFileError) return undefined;
    throw error;
  }
}

/**
 * Keeps the state file in step with what exists. One writer: writes happen one after another,
 * each serialising the whole state as it is when the write starts, so concurrent steps
 * (containers started in parallel) never lose a record to a stale write that lands last. Calls
 * made while a write is queued share it: twenty containers planned at once cost one or two
 * fsyncs, not twenty, and each `save()` still resolves only once its change is on disk.
 */
export class StateStore {
  private writes: Promise<void> = Promise.resolve();
  private queued: Promise<void> | undefined;

  constructor(public state: LabState) {}

  static fresh(topology: Topology): StateStore {
    return new StateStore({ version: 1, lab: topology.name, topology, status: 'creating', updatedAt: new Date().toISOString(), resources: [], sysctls: [] });
  }

  save(): Promise<void> {
    if (this.queued) return this.queued;
    const write = this.writes.then(async () => {
      this.queued = undefined; // from here on, changes need the next write
      await ensureLabDir(this.state.lab);
      this.state.updatedAt = new Date().toISOString();
      await writeFileAtomic(stateFilePath(this.state.lab), `${JSON.stringify(this.state, null, 2)}\n`, 0o600);
    });
    this.queued = write;
    this.writes = write.catch(() => undefined); // one failed write must not block the next
    return write;
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

  /** Records a sysctl change before it is made (the first `before` is kept across runs). */
  async recordSysctl(change: SysctlChange): Promise<void> {
    const known = this.state.sysctls.find((entry) => entry.key === change.key);
    if (known) known.after = change.after;
    else this.state.sysctls.push(change);
    await this.save();
  }
}

export async function removeStateDir(labName: string): Promise<void> {
  await rm(labStateDir(labName), { recursive: true, force: true });
}

/** Names of the labs recorded under the state root (directories whose name is a valid lab name). */
export async function listLabNames(): Promise<string[]> {
  const entries = await readdir(stateRoot(), { withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isDirectory() && isLabName(entry.name)).map((entry) => entry.name).sort();
}
