import { SetupError } from '../common/errors.ts';
import { silentReporter } from '../common/progress.ts';
import { ContainerNode } from '../nodes/container-node.ts';
import { containerRuntime } from '../runtimes/registry.ts';
import { HostNode } from '../nodes/host-node.ts';
import { buildEchoTool } from '../images/static-tools.ts';
import type { LabNode } from '../nodes/node.ts';
import { loadVmProvider } from '../vms/registry.ts';
import { dnsContainerName } from './names.ts';
import { readState, type LabState } from './state.ts';
import { vmContext } from './vm-context.ts';

/** A lab that is up, with a node handle for the host, the DNS server and every topology node. */
export interface LiveLab {
  state: LabState;
  host: LabNode;
  dns: LabNode;
  /** Topology nodes, in topology order. */
  nodes: LabNode[];
}

/** Reads the state of a lab that is up and builds its node handles; fails clearly when it is not up. */
export async function openLab(labName: string): Promise<LiveLab> {
  const state = await readState(labName);
  if (!state || state.status !== 'up') {
    throw new SetupError(`lab "${labName}" is not up${state ? ` (state: ${state.status})` : ''}. Fix: run \`npx hybrid-lab up\` first`);
  }
  const { topology } = state;
  const host = new HostNode('host', topology.bridge.gateway, { 'hl-echo': await buildEchoTool() });
  const runtime = await containerRuntime(topology.runtime);
  const dns = new ContainerNode('dns', topology.dns.address, dnsContainerName(topology.name), runtime);
  const nodes: LabNode[] = [];
  for (const spec of topology.nodes) {
    const resource = state.resources.find((r) => (r.kind === 'container' || r.kind === 'vm') && r.node === spec.name);
    if (!resource) throw new SetupError(`node ${spec.name} is in the topology but not in the lab's state. Fix: run \`npx hybrid-lab up\` again`);
    if (resource.kind === 'container') nodes.push(new ContainerNode(spec.name, spec.ip, resource.id, runtime));
    else if (resource.kind === 'vm' && resource.handle) {
      const provider = await loadVmProvider(resource.provider);
      nodes.push(provider.node(resource.handle, vmContext(topology, silentReporter)));
    }
  }
  return { state, host, dns, nodes };
}

/** Finds a node by name (host and dns included). */
export function findNode(lab: LiveLab, name: string): LabNode {
  const all = [lab.host, lab.dns, ...lab.nodes];
  const node = all.find((candidate) => candidate.name === name);
  if (!node) throw new SetupError(`no node "${name}" in lab "${lab.state.lab}". Known: ${all.map((n) => n.name).join(', ')}`);
  return node;
}
