import { step, type ProgressReporter } from '../common/progress.ts';
import { settleAll } from '../common/settle-all.ts';
import { nowMs } from '../common/time.ts';
import { assertLabName } from '../common/lab-name.ts';
import { containerRuntime } from '../runtimes/registry.ts';
import type { ContainerRuntime } from '../runtimes/runtime.ts';
import { deleteLink, findLabInterfaces } from '../net/bridge.ts';
import { ruleIsTagged } from '../net/iptables.ts';
import { deleteRules, deleteTaggedRules } from '../net/iptables-batch.ts';
import { deleteChainIfEmpty, leftoverChains } from '../net/lab-chain.ts';
import type { Topology } from '../topology/topology.ts';
import { findVmLeftovers, VM_PROVIDER_NAMES, worthSweeping } from '../vms/registry.ts';
import { acquireLabLock } from './lock.ts';
import { readState, removeStateDir, StateFileError, StateStore, type LabResource, type LabState } from './state.ts';
import { restoreSysctls } from './sysctls.ts';
import { describeResource, removeResource, type Removal } from './teardown.ts';
import { leftoverContext, vmContext } from './vm-context.ts';

export interface DownResult {
  lab: string;
  removed: string[];
  /** Resources found by label/name that the state file did not list (a crashed `up`). */
  leftovers: string[];
  /** Things done along the way worth saying: foreign endpoints disconnected, sysctls restored. */
  notes: string[];
  /** Recorded resources left alone because they do not carry the lab's mark. */
  refused: string[];
  /** What could not be removed, with why: non-empty means `down` failed (exit 1). */
  failures: string[];
  elapsedMs: number;
}

/**
 * Removal stages: what uses a thing goes in an earlier stage (nodes before their network, the
 * network before the bridge); kinds in one stage are removed together. The firewall goes once
 * no node is left that it guards the host from.
 */
const STAGES: Array<Array<LabResource['kind']>> = [['vm', 'container', 'dns-container'], ['docker-network', 'iptables-rule', 'ifb'], ['iptables-chain', 'bridge', 'macvlan-shim']];
const PARALLEL_REMOVALS = 32;
type EngineProbe = Awaited<ReturnType<ContainerRuntime['probe']>>;

/**
 * Removes everything of a lab: what the state file lists (each proven to be the lab's first),
 * then anything still found by the lab's labels, interface aliases, rule comments and VM
 * providers. Never stops at a failure: every step runs, and the failures are reported at the end.
 */
export async function downLab(labName: string, fallbackTopology: Topology | undefined, reporter: ProgressReporter): Promise<DownResult> {
  assertLabName(labName, 'lab name');
  const started = nowMs();
  const lock = await acquireLabLock(labName, 'down');
  const result: DownResult = { lab: labName, removed: [], leftovers: [], notes: [], refused: [], failures: [], elapsedMs: 0 };
  try {
    const state = await readTrustedState(labName, result);
    const topology = (state?.topology ?? fallbackTopology) as Topology | undefined;
    const recorded = topology ? [...(state?.resources ?? [])] : [];
    const remaining: LabResource[] = [];
    const runtime = await containerRuntime(topology?.runtime);
    const engine = await runtime.probe();
    for (const kinds of STAGES) {
      // Leftovers first: an unrecorded container holding the network would make its removal fail.
      if (kinds.includes('docker-network')) await sweepContainers(labName, runtime, engine, reporter, result);
      const batch = recorded.filter((resource) => kinds.includes(resource.kind));
      const rules = batch.filter((resource) => resource.kind === 'iptables-rule');
      const removeAll = (resources: LabResource[]) => removeEach(resources, topology!, reporter, result, remaining);
      await Promise.all([
        removeAll(batch.filter((resource) => resource.kind !== 'iptables-rule')),
        // Rules without the lab's comment are left for removeOne to refuse.
        rules.length > 0 ? removeRecordedRules(rules, labName, reporter, result, remaining).then(removeAll) : undefined,
      ]);
    }
    await sweepLeftovers(labName, topology, runtime, engine, reporter, result);
    if (state) result.notes.push(...(await restoreSysctls(state).catch((error) => [`could not restore sysctls: ${firstLine(error)}`])));
    if (result.failures.length === 0) await removeStateDir(labName);
    else if (state) await keepWhatRemains(state, remaining);
    result.elapsedMs = nowMs() - started;
    return result;
  } finally {
    await lock.release();
  }
}

async function readTrustedState(labName: string, result: DownResult): Promise<LabState | undefined> {
  try {
    return await readState(labName);
  } catch (error) {
    if (!(error instanceof StateFileError)) throw error;
    result.notes.push(`${error.message.split('. Fix:')[0]}: only resources carrying the lab's marks are removed`);
    return undefined;
  }
}

async function removeOne(resource: LabResource, topology: Topology, reporter: ProgressReporter): Promise<Removal> {
  return step(reporter, `remove ${describeResource(resource)}`, () => removeResource(resource, topology), (removal) => (removal.outcome === 'removed' ? undefined : removal.outcome === 'absent' ? '(already gone)' : `(refused: ${removal.reason})`));
}

/** Removes each resource (a bounded number at once), recording what happened; failures are kept for the next `down`. */
async function removeEach(resources: LabResource[], topology: Topology, reporter: ProgressReporter, result: DownResult, remaining: LabResource[]): Promise<void> {
  const outcomes = await settleAll(resources, PARALLEL_REMOVALS, (resource) => removeOne(resource, topology, reporter));
  outcomes.forEach((outcome, i) => {
    const what = describeResource(resources[i]);
    if (outcome.status === 'rejected') {
      result.failures.push(`${what}: ${firstLine(outcome.reason)}`);
      remaining.push(resources[i]);
    } else record(outcome.value, what, result);
  });
}

function record(removal: Removal, what: string, result: DownResult): void {
  if (removal.outcome === 'refused') result.refused.push(`${what}: ${removal.reason}; left alone`);
  else {
    result.removed.push(what);
    if (removal.outcome === 'removed') result.notes.push(...removal.notes);
  }
}

/** Runs one sweep action, recording a failure instead of throwing. */
async function attempt(result: DownResult, what: string, work: () => Promise<void>): Promise<boolean> {
  try {
    await work();
    return true;
  } catch (error) {
    result.failures.push(`${what}: ${firstLine(error)}`);
    return false;
  }
}

async function sweepContainers(labName: string, runtime: ContainerRuntime, engine: EngineProbe, reporter: ProgressReporter, result: DownResult): Promise<void> {
  if (!engine.reachable) return;
  const containers = await runtime.listLabContainers(labName).catch(() => []);
  await settleAll(containers, PARALLEL_REMOVALS, async (container) => {
    const what = `container ${container.name}`;
    if (await attempt(result, `leftover ${what}`, () => step(reporter, `remove leftover ${what}`, async () => void (await removeResource({ kind: 'container', id: container.id, node: container.node }, { name: labName, runtime: runtime.name } as Topology))))) result.leftovers.push(what);
  });
}

/**
 * Finds and removes what the lab made without relying on the state file: VM leftovers, the
 * engine's containers then networks, and tagged rules at once; the lab's interfaces last (a tap
 * goes with its QEMU, a bridge after the network on it).
 */
async function sweepLeftovers(labName: string, topology: Topology | undefined, runtime: ContainerRuntime, engine: EngineProbe, reporter: ProgressReporter, result: DownResult): Promise<void> {
  if (!engine.reachable) result.notes.push(`${runtime.name} engine not reachable (${engine.why}): its containers and networks were not looked for`);
  await Promise.all([
    sweepVmLeftovers(labName, topology, reporter, result),
    sweepContainers(labName, runtime, engine, reporter, result).then(() => sweepNetworks(labName, runtime, engine, reporter, result)),
    attempt(result, 'leftover iptables rules', async () => {
      const rules = await deleteTaggedRules(labName);
      if (rules > 0) result.leftovers.push(`${rules} iptables rule(s)`);
    }),
  ]);
  // The lab chain once the rules in it and the jumps to it are gone.
  for (const { chain, family } of await leftoverChains(labName).catch(() => [])) {
    const what = `${family === 'ipv6' ? 'ip6tables' : 'iptables'} chain ${chain}`;
    await attempt(result, `leftover ${what}`, async () => {
      const outcome = await deleteChainIfEmpty(chain, family);
      if (outcome === 'not-empty') throw new Error('it still holds rules the lab did not make; left alone');
      if (outcome === 'deleted') result.leftovers.push(what);
    });
  }
  for (const link of await findLabInterfaces(labName).catch(() => [])) {
    const what = `interface ${link.name}`;
    if (await attempt(result, `leftover ${what}`, () => step(reporter, `remove leftover ${what}`, () => deleteLink(link.name)))) result.leftovers.push(what);
  }
}

async function sweepVmLeftovers(labName: string, topology: Topology | undefined, reporter: ProgressReporter, result: DownResult): Promise<void> {
  const ctx = topology ? vmContext(topology, reporter) : leftoverContext(labName);
  await Promise.all(VM_PROVIDER_NAMES.map(async (name) => {
    if (!(await worthSweeping(name, topology?.nodes.some((node) => node.kind === 'vm' && node.provider === name) ?? false))) return;
    for (const leftover of await findVmLeftovers(name, labName, ctx).catch(() => [])) {
      const what = `${leftover.kind} ${leftover.id}`;
      if (await attempt(result, `leftover ${what}`, () => step(reporter, `remove leftover ${what}`, () => leftover.remove()))) result.leftovers.push(what);
    }
  }));
}

async function sweepNetworks(labName: string, runtime: ContainerRuntime, engine: EngineProbe, reporter: ProgressReporter, result: DownResult): Promise<void> {
  if (!engine.reachable) return;
  for (const network of await runtime.listLabNetworks(labName).catch(() => [])) {
    const what = `network ${network}`;
    await attempt(result, `leftover ${what}`, async () => {
      const removal = await step(reporter, `remove leftover ${what}`, () => removeResource({ kind: 'docker-network', id: network }, { name: labName, runtime: runtime.name } as Topology));
      if (removal.outcome === 'removed') result.notes.push(...removal.notes);
      result.leftovers.push(what);
    });
  }
}

/**
 * The lab's recorded rules go in one iptables-restore transaction per family; rules that do not
 * carry the lab's comment are left for removeOne to refuse. Returns those left to handle.
 */
async function removeRecordedRules(batch: LabResource[], labName: string, reporter: ProgressReporter, result: DownResult, remaining: LabResource[]): Promise<LabResource[]> {
  const rules = batch.flatMap((resource) => (resource.kind === 'iptables-rule' && ruleIsTagged(resource.rule, labName) ? [resource] : []));
  if (rules.length === 0) return batch;
  try {
    await step(reporter, `remove ${rules.length} firewall rule(s)`, () => deleteRules(rules.map((resource) => resource.rule)));
    result.removed.push(...rules.map(describeResource));
  } catch (error) {
    result.failures.push(`${rules.length} firewall rule(s): ${firstLine(error)}`);
    remaining.push(...rules);
  }
  return batch.filter((resource) => !rules.includes(resource as (typeof rules)[number]));
}

/** After a partial failure the state keeps only what is still there, so the next `down` retries just that. */
async function keepWhatRemains(state: LabState, remaining: LabResource[]): Promise<void> {
  const store = new StateStore({ ...state, status: 'failed', resources: state.resources.filter((resource) => remaining.some((r) => r.kind === resource.kind && r.id === resource.id)) });
  await store.save();
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}
