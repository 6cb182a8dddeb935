import { SetupError } from '../common/errors.ts';
import { silentReporter } from '../common/progress.ts';
import { containerRuntime } from '../runtimes/registry.ts';
import { loadVmProvider } from '../vms/registry.ts';
import { dnsContainerName } from './names.ts';
import { readState, type LabState } from './state.ts';
import { vmContext } from './vm-context.ts';

/** How a node is frozen and thawed; what pauseNode and resumeNode run. */
interface NodeFreezer {
  freeze(): Promise<void>;
  thaw(): Promise<void>;
}

/**
 * Freezes a node of a lab that is up: a container's processes are paused (cgroup freezer), a
 * VM's CPUs stop (qemu: QMP `stop`). Its address stays on the bridge but nothing answers, not
 * even a TCP reset, as when a machine hangs or loses power: what a failover test needs (a load
 * balancer's health check, a client's timeout). `dns` names the lab's DNS container.
 */
export async function pauseNode(labName: string, nodeName: string): Promise<void> {
  await (await nodeFreezer(labName, nodeName)).freeze();
}

/** Thaws a node pauseNode froze: it carries on where it stopped (its connections may have timed out meanwhile). */
export async function resumeNode(labName: string, nodeName: string): Promise<void> {
  await (await nodeFreezer(labName, nodeName)).thaw();
}

async function nodeFreezer(labName: string, nodeName: string): Promise<NodeFreezer> {
  const state = await readState(labName);
  if (!state || state.status !== 'up') {
    throw new SetupError(`lab "${labName}" is not up${state ? ` (state: ${state.status})` : ''}, so node "${nodeName}" cannot be paused or resumed. Fix: run \`npx hybrid-lab up\` first`);
  }
  const runtime = () => containerRuntime(state.topology.runtime);
  if (nodeName === 'dns') return containerFreezer(await runtime(), dnsContainerName(labName));
  const resource = state.resources.find((r) => (r.kind === 'container' || r.kind === 'vm') && r.node === nodeName);
  if (!resource) throw new SetupError(`no node "${nodeName}" in lab "${labName}" to pause or resume. Fix: name one of ${knownNodes(state)}`);
  if (resource.kind === 'container') return containerFreezer(await runtime(), resource.id);
  if (resource.kind !== 'vm' || !resource.handle) throw new SetupError(`VM ${nodeName} of lab "${labName}" has no record of a started VM. Fix: run \`npx hybrid-lab up\` again`);
  const provider = await loadVmProvider(resource.provider);
  const { handle } = resource;
  const context = vmContext(state.topology, silentReporter);
  if (!provider.pause || !provider.resume) {
    throw new SetupError(`the ${provider.name} provider cannot pause VM ${nodeName}. Fix: use provider: qemu for a VM you pause, or stop its service with exec`);
  }
  return { freeze: () => provider.pause!(handle, context), thaw: () => provider.resume!(handle, context) };
}

function containerFreezer(runtime: { pause(id: string): Promise<void>; unpause(id: string): Promise<void> }, id: string): NodeFreezer {
  return { freeze: () => runtime.pause(id), thaw: () => runtime.unpause(id) };
}

function knownNodes(state: LabState): string {
  return ['dns', ...state.topology.nodes.map((node) => node.name)].join(', ');
}
