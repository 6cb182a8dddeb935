import { step, type ProgressReporter } from '../common/progress.ts';
import { nowMs } from '../common/time.ts';
import { findLabContainers, removeContainer } from '../containers/find.ts';
import { findLabNetworks, removeDockerNetwork } from '../containers/network.ts';
import { dockerEngineReachable } from '../host/docker-engine.ts';
import { deleteLink, findLabInterfaces } from '../net/bridge.ts';
import { removeTaggedRules } from '../net/iptables.ts';
import { succeeds } from '../common/run.ts';
import type { Topology } from '../topology/topology.ts';
import { loadVmProvider, VM_PROVIDER_NAMES } from '../vms/registry.ts';
import { acquireLabLock } from './lock.ts';
import { readState, removeStateDir } from './state.ts';
import { describeResource, removeResource } from './teardown.ts';
import { vmContext } from './vm-context.ts';

export interface DownResult {
  lab: string;
  removed: string[];
  /** Resources found by label/name that the state file did not list (a crashed `up`). */
  leftovers: string[];
  elapsedMs: number;
}

/**
 * Removes everything of a lab: first what the state file lists, then anything still found by the
 * lab's labels, interface aliases, rule comments and VM providers. Safe to run twice.
 */
export async function downLab(labName: string, fallbackTopology: Topology | undefined, reporter: ProgressReporter): Promise<DownResult> {
  const started = nowMs();
  const lock = await acquireLabLock(labName, 'down');
  const removed: string[] = [];
  const leftovers: string[] = [];
  try {
    const state = await readState(labName);
    const topology = state?.topology ?? fallbackTopology;
    for (const resource of [...(state?.resources ?? [])].reverse()) {
      if (!topology) break;
      await step(reporter, `remove ${describeResource(resource)}`, () => removeResource(resource, topology));
      removed.push(describeResource(resource));
    }
    for (const leftover of await sweepLeftovers(labName, topology, reporter)) leftovers.push(leftover);
    await removeStateDir(labName);
    return { lab: labName, removed, leftovers, elapsedMs: nowMs() - started };
  } finally {
    await lock.release();
  }
}

/** Finds and removes what the lab made without relying on the state file. */
async function sweepLeftovers(labName: string, topology: Topology | undefined, reporter: ProgressReporter): Promise<string[]> {
  const found: string[] = [];
  if (topology) {
    const ctx = vmContext(topology, reporter);
    for (const name of VM_PROVIDER_NAMES) {
      if (!(await worthSweeping(name, topology))) continue;
      const provider = await loadVmProvider(name).catch(() => undefined);
      for (const leftover of (await provider?.findLeftovers(labName, ctx).catch(() => [])) ?? []) {
        await step(reporter, `remove leftover ${leftover.kind} ${leftover.id}`, () => leftover.remove());
        found.push(`${leftover.kind} ${leftover.id}`);
      }
    }
  }
  if (await dockerEngineReachable()) {
    for (const container of await findLabContainers(labName)) {
      await step(reporter, `remove leftover container ${container.name}`, () => removeContainer(container.id));
      found.push(`container ${container.name}`);
    }
    for (const network of await findLabNetworks(labName)) {
      await step(reporter, `remove leftover Docker network ${network}`, () => removeDockerNetwork(network));
      found.push(`Docker network ${network}`);
    }
  }
  const rules = await removeTaggedRules(labName);
  if (rules > 0) found.push(`${rules} iptables rule(s)`);
  for (const link of await findLabInterfaces(labName)) {
    await step(reporter, `remove leftover interface ${link.name}`, () => deleteLink(link.name));
    found.push(`interface ${link.name}`);
  }
  return found;
}

/**
 * qemu leftovers are cheap to look for (processes, taps), so always; vagrant's need libvirtd
 * (seconds to start), so only when the topology uses vagrant or libvirtd already runs.
 */
async function worthSweeping(provider: string, topology: Topology): Promise<boolean> {
  if (provider === 'qemu') return true;
  if (topology.nodes.some((node) => node.kind === 'vm' && node.provider === provider)) return true;
  return provider === 'vagrant' && (await succeeds('pgrep', ['-x', 'libvirtd']));
}
