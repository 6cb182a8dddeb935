import type { ProgressReporter } from '../common/progress.ts';
import { linkExists } from '../net/bridge.ts';
import { isolationRules } from '../net/iptables.ts';
import { containerRuntime, CONTAINER_RUNTIME_NAMES } from '../runtimes/registry.ts';
import type { ContainerRuntime } from '../runtimes/runtime.ts';
import { networkFamilies } from '../topology/families.ts';
import { bridgedNetworks, labNetworks, type Topology } from '../topology/topology.ts';
import type { StateStore } from './state.ts';
import { ensureRules, type Track } from './up-steps.ts';

/**
 * Container networks on this host that nothing keeps apart from the lab bridge: the lab runtime's
 * other networks when that engine forwards between its networks (podman's netavark accepts all
 * traffic from each subnet), and every network of the other engines that answer (each engine
 * isolates only its own networks from each other: Docker's chains do not know podman0, nor
 * netavark's hybr0).
 */
export async function bridgesToIsolate(topology: Topology, runtime: ContainerRuntime): Promise<Array<{ bridge: string; what: string }>> {
  const found = new Map<string, string>();
  for (const name of CONTAINER_RUNTIME_NAMES) {
    const engine = name === runtime.name ? runtime : await containerRuntime(name);
    if (engine === runtime && engine.isolatesItsNetworks) continue;
    if (!(await engine.probe()).reachable) continue;
    for (const network of await engine.listBridgeNetworks()) {
      if (labNetworks(topology).some((own) => own.bridge === network.bridge) || network.lab === topology.name) continue;
      // A network whose bridge does not exist yet has nothing to reach: its rules come with the next `up` after it appears.
      if (!(await linkExists(network.bridge))) continue;
      found.set(network.bridge, `${engine.name} network ${network.name}`);
    }
  }
  return [...found].map(([bridge, what]) => ({ bridge, what }));
}

/** DROP rules both ways between the lab bridge and each of those networks, recorded like every lab rule. */
export async function ensureEngineIsolation(topology: Topology, runtime: ContainerRuntime, store: StateStore, reporter: ProgressReporter, track: Track, found?: Array<{ bridge: string; what: string }>): Promise<void> {
  const others = found ?? (await bridgesToIsolate(topology, runtime));
  // A macvlan shim forwards nothing at all (the lab chain drops it), so it needs no pairwise drops.
  const rules = bridgedNetworks(topology).flatMap((network) => networkFamilies(network).flatMap((family) => others.flatMap(({ bridge, what }) => isolationRules(topology.name, network.bridge, bridge, what, family))));
  if (rules.length > 0) await ensureRules(rules, store, reporter, track);
}
