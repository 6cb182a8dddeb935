import { ProvisionError } from '../common/errors.ts';
import { run } from '../common/run.ts';
import type { ContainerRuntime } from '../runtimes/runtime.ts';
import { labNetworks, nodeNics, type Topology } from '../topology/topology.ts';
import type { RecordedResource } from './state.ts';

interface HostLink {
  ifindex: number;
  ifname: string;
  master?: string;
  ifalias?: string;
}

/**
 * The host-side interface of a node's link on the lab bridge: a container's veth (its eth0's
 * iflink names the peer's ifindex) or a VM's tap (in its handle). Only an interface that is a
 * port of this lab's bridge is returned, so an impairment never lands on anything else.
 */
export async function hostInterfaceOf(topology: Topology, link: { nodeName: string; nicIndex: number }, resources: readonly RecordedResource[], runtime: ContainerRuntime): Promise<string> {
  const { nodeName, nicIndex } = link;
  // The engine names a container's interfaces in the order its networks were attached: eth0 the first NIC's, then the others.
  const device = `eth${nicIndex}`;
  const spec = topology.nodes.find((node) => node.name === nodeName);
  const network = spec ? labNetworks(topology).find((candidate) => candidate.name === nodeNics(topology, spec)[nicIndex]?.network) : undefined;
  const bridge = network?.bridge ?? topology.bridge.name;
  const resource = resources.find((r) => (r.kind === 'container' || r.kind === 'vm') && r.node === nodeName);
  const links = JSON.parse((await run('ip', ['-j', 'link', 'show'])).stdout || '[]') as HostLink[];
  let found: HostLink | undefined;
  if (resource?.kind === 'container') {
    const read = await runtime.exec(resource.id, ['cat', `/sys/class/net/${device}/iflink`], { timeoutMs: 15_000 });
    const ifindex = Number(read.stdout.trim());
    if (read.exitCode !== 0 || !Number.isInteger(ifindex) || ifindex <= 0) {
      throw new ProvisionError(`cannot find the host side of node ${nodeName}'s link: \`cat /sys/class/net/${device}/iflink\` in container ${resource.id} answered ${JSON.stringify(read.stdout.trim() || read.stderr.trim())}. Fix: give the node an image with cat (busybox), or remove impair from it`);
    }
    found = links.find((candidate) => candidate.ifindex === ifindex);
  } else if (resource?.kind === 'vm') {
    if (nicIndex > 0) throw new ProvisionError(`VM ${nodeName}: only its first NIC can be impaired so far. Fix: move impair to its first NIC`);
    const tap = resource.handle?.nic.hostInterface;
    if (!tap) throw new ProvisionError(`VM ${nodeName} (${resource.provider}) does not say which host interface its lab NIC is. Fix: remove impair from it (the ${resource.provider} provider cannot be impaired yet)`);
    found = links.find((candidate) => candidate.ifname === tap);
  } else {
    throw new ProvisionError(`node ${nodeName} is not in the lab's state. Fix: run \`hybrid-lab up\` again`);
  }
  if (!found || found.master !== bridge) {
    throw new ProvisionError(`node ${nodeName}'s host interface ${found?.ifname ?? '(not found)'} is not a port of the lab bridge ${bridge}; nothing was impaired. Fix: run \`hybrid-lab up\` again`);
  }
  return found.ifname;
}
