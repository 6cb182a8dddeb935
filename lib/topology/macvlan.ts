import { TopologyError } from '../common/errors.ts';
import { shortHash } from '../common/hash.ts';
import { impairmentRequests } from './impairment-links.ts';
import type { NetworkInput } from './networks.ts';
import type { PolicySpec } from './policy-schema.ts';
import { portForwards } from './port-forwards.ts';
import type { ResolvedNetwork, ResolvedNode } from './topology.ts';

/**
 * `mode: macvlan`: a segment with no lab bridge. Its nodes sit on an existing host interface
 * (`parent`) and the L2 segment behind it: containers through the engine's macvlan driver, qemu
 * VMs through a macvtap each. The host reaches them through a lab-made macvlan "shim" on the
 * parent that carries the segment's gateway address (a parent cannot talk to its own macvlan
 * children). What the lab does with host netfilter or host-side links does not apply there, and
 * is refused here, at load, with one error each.
 */

/** The shim's name: `<lab>-<network>` when that fits Linux's 15 characters, else `hls-` and a hash of both. */
export function shimName(labName: string, networkName: string): string {
  const name = `${labName}-${networkName}`;
  return name.length <= 15 ? name : `hls-${shortHash([labName, networkName], 10)}`;
}

/** A network's own macvlan fields: `parent` exactly when the mode is macvlan, no `bridge:` or `dhcp:` there. Returns the parent. */
export function checkMacvlanNetwork(spec: NetworkInput['spec'], field: NetworkInput['field']): string | undefined {
  if (spec.mode !== 'macvlan') {
    if (spec.parent !== undefined) throw new TopologyError(field('parent'), spec.parent, `parent applies to mode: macvlan only; network ${spec.name} is ${spec.mode}`, 'remove parent, or set mode: macvlan');
    return undefined;
  }
  if (spec.parent === undefined) throw new TopologyError(field('parent'), undefined, `a macvlan network needs the host interface its nodes are attached to`, 'add parent: with an existing interface on the segment\'s L2 (see `ip link`), e.g. parent: eth1');
  if (spec.parent === 'lo') throw new TopologyError(field('parent'), spec.parent, 'the loopback interface has no L2 segment to attach nodes to', 'name an Ethernet-like interface, e.g. parent: eth1');
  if (spec.bridge !== undefined) throw new TopologyError(field('bridge'), spec.bridge, 'a macvlan network has no bridge: its nodes sit on the parent interface', 'remove bridge (the host reaches the nodes through a lab-made shim on the parent)');
  if (spec.dhcp !== undefined) throw new TopologyError(field('dhcp'), undefined, 'the lab DNS server does not serve DHCP on a macvlan network (its L2 is the parent\'s, shared with whatever else is there)', 'remove dhcp: nodes get static or allocated addresses');
  return spec.parent;
}

/**
 * What cannot work on a macvlan network, refused with the field that asks for it: impairment
 * (no host-side link to shape), policies (host netfilter never sees that traffic), SLAAC (no
 * router advertisements there), publishing a port of a node reached through the shim, vagrant
 * VMs and the podman runtime (not built for it yet).
 */
export function checkMacvlanUse(topology: { runtime?: string; nodes: readonly ResolvedNode[]; networks: readonly ResolvedNetwork[]; policies: readonly PolicySpec[]; networkField: (index: number, name: 'mode') => string }): void {
  const macvlan = new Map(topology.networks.filter((network) => network.mode === 'macvlan').map((network) => [network.name, network]));
  if (macvlan.size === 0) return;
  if (topology.runtime === 'podman') {
    const index = topology.networks.findIndex((network) => network.mode === 'macvlan');
    throw new TopologyError(topology.networkField(index, 'mode'), 'macvlan', 'the podman runtime cannot run a macvlan network here: netavark 1.4 (Debian 12) makes macvlan networks through its own DHCP proxy or host-local IPAM files, which the lab does not manage yet', 'use runtime: docker for a lab with a macvlan network, or a bridged network with podman');
  }
  for (const request of impairmentRequests({ nodes: topology.nodes as ResolvedNode[] })) {
    if (!macvlan.has(request.network)) continue;
    throw new TopologyError(request.fieldPath, undefined, `node ${request.nodeName}'s NIC on macvlan network ${request.network} has no host-side link to impair (its traffic goes straight through parent ${macvlan.get(request.network)!.parent})`, `remove impair there, or put the node on a bridged network for the impaired link`);
  }
  for (const [index, node] of topology.nodes.entries()) {
    node.nics.forEach((nic, nicIndex) => {
      if (!macvlan.has(nic.network)) return;
      if (node.kind === 'vm' && node.provider !== 'qemu') {
        throw new TopologyError(`nodes[${index}].provider`, node.provider, `VM ${node.name} is on macvlan network ${nic.network}, and only the qemu provider attaches VMs there (a macvtap it opens itself)`, 'use provider: qemu for this VM, or put it on a bridged network');
      }
      // SLAAC is only ever asked for under nics: (a node's own ip: never takes it).
      if (nic.slaac) throw new TopologyError(`nodes[${index}].nics[${nicIndex}].ipv6`, 'slaac', `nothing sends router advertisements on macvlan network ${nic.network}`, 'give a static ipv6 address, or omit it to have one allocated');
    });
  }
  for (const forward of portForwards({ nodes: topology.nodes as ResolvedNode[], bridge: { name: topology.networks[0].bridge, subnet: '', prefix: 0, gateway: '' }, networks: [...topology.networks] })) {
    const network = [...macvlan.values()].find((candidate) => candidate.bridge === forward.via);
    if (network) throw new TopologyError(forward.field, undefined, `node ${forward.node}'s first NIC is on macvlan network ${network.name}: a published port would be forwarded through the host's shim, which the lab keeps from forwarding`, `remove host: (reach the node on the segment itself), or make a bridged network the node's first NIC`);
  }
  for (const [index, policy] of topology.policies.entries()) {
    for (const end of ['from', 'to'] as const) {
      policy[end].forEach((selector, i) => {
        const field = `policies[${index}].${end}${policy[end].length > 1 ? `[${i}]` : ''}`;
        if ('network' in selector && macvlan.has(selector.network)) {
          throw new TopologyError(`${field}.network`, selector.network, `traffic on macvlan network ${selector.network} never passes the host's netfilter, so no policy can decide it`, 'remove this policy end (nodes on a macvlan network reach each other and the parent\'s segment directly)');
        }
        if ('node' in selector) {
          const node = topology.nodes.find((candidate) => candidate.name === selector.node);
          const on = node?.nics.find((nic) => macvlan.has(nic.network));
          if (on) throw new TopologyError(`${field}.node`, selector.node, `node ${selector.node} has a NIC on macvlan network ${on.network}, whose traffic never passes the host's netfilter, so the policy could not hold for it`, 'name one of its other networks instead ({ network: NAME }), or take the node off the macvlan network');
        }
      });
    }
  }
}
