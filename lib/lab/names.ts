import { labInterfaceAlias } from '../net/bridge.ts';
import { shimAlias } from '../net/macvlan.ts';
import { isPrimaryNetwork, labNetworks, type ResolvedNetwork, type Topology } from '../topology/topology.ts';

/**
 * Names of what a lab makes in a container engine. Lab and node names are DNS labels (no `_`),
 * so `<lab>_<node>` can never equal another lab's node container (`hybrid` + `web-server` vs
 * `hybrid-web` + `server`), nor `<lab>-dns` / `<lab>-net` (the seeds' names, kept).
 */
export function containerName(labName: string, nodeName: string): string {
  return `${labName}_${nodeName}`;
}

export function dnsContainerName(labName: string): string {
  return `${labName}-dns`;
}

/** The engine network on a lab network's bridge: `<lab>-net` for the primary one (the seeds' name), `<lab>-net-<network>` for the others. */
export function labNetworkName(labName: string, network?: { name: string; primary: boolean }): string {
  return network && !network.primary ? `${labName}-net-${network.name}` : `${labName}-net`;
}

/** The alias that marks a lab bridge as the lab's: `hybrid-lab:<lab>:bridge` for the primary network, `...:bridge:<network>` for the others. */
export function bridgeAlias(topology: Topology, network: ResolvedNetwork | undefined): string {
  if (network?.mode === 'macvlan') return shimAlias(topology.name, network.name);
  return network && !isPrimaryNetwork(topology, network) ? labInterfaceAlias(topology.name, `bridge:${network.name}`) : labInterfaceAlias(topology.name, 'bridge');
}

/** The engine network of a lab network, by the network's name. */
export function engineNetworkName(topology: Topology, networkName: string): string {
  const network = labNetworks(topology).find((candidate) => candidate.name === networkName);
  return labNetworkName(topology.name, network ? { name: network.name, primary: isPrimaryNetwork(topology, network) } : undefined);
}
