import { step, type ProgressReporter } from '../common/progress.ts';
import { replaceChainRules } from '../net/iptables-batch.ts';
import { hostBridges } from '../net/bridge.ts';
import { createChain, chainPresent, labChainJumps, labChainName, labChainRules } from '../net/lab-chain.ts';
import { labNetworks, type Topology } from '../topology/topology.ts';
import { policyRules } from '../net/policy-rules.ts';
import type { StateStore } from './state.ts';
import { ensureResource, ensureRules, type Track } from './up-steps.ts';

/** A lab of one bridged network needs no chain: its per-bridge rules say everything. */
export function needsLabChain(topology: Topology): boolean {
  const networks = labNetworks(topology);
  return networks.length > 1 || networks.some((network) => network.mode !== 'bridged') || (topology.policies ?? []).length > 0;
}

/**
 * The lab chain (both families), its rules written whole in their order, and the jumps into it
 * from the top of FORWARD. Every rule is recorded before the chain is filled; rules recorded by
 * an earlier `up` that the topology no longer asks for are forgotten once the chain is rewritten.
 */
export async function ensureLabChain(topology: Topology, store: StateStore, reporter: ProgressReporter, track: Track): Promise<void> {
  if (!needsLabChain(topology)) return;
  const chain = labChainName(topology.name);
  for (const family of ['ipv4', 'ipv6'] as const) {
    await ensureResource(store, { kind: 'iptables-chain', id: `${family}:${chain}`, family }, () => chainPresent(chain, family), () => createChain(chain, family), reporter, track);
  }
  const own = new Set(labNetworks(topology).map((network) => network.bridge));
  const foreign = (await hostBridges()).filter((bridge) => !own.has(bridge)).sort();
  const rules = labChainRules(topology.name, labNetworks(topology), policyRules(topology), foreign);
  const wanted = new Set(rules.map((rule) => rule.purpose));
  const fresh = rules.filter((rule) => store.find('iptables-rule', rule.purpose)?.phase !== 'created');
  const entries = await Promise.all(rules.map((rule) => store.plan({ kind: 'iptables-rule', id: rule.purpose, rule })));
  for (const rule of fresh) track({ kind: 'iptables-rule', id: rule.purpose, rule }); // rolled back with this run
  await step(reporter, `lab chain ${chain} (${rules.length} rules)`, () => replaceChainRules(chain, rules), (changed) => (changed ? undefined : '(unchanged)'));
  await Promise.all(entries.map((entry) => store.markCreated(entry)));
  for (const stale of store.state.resources.filter((resource) => resource.kind === 'iptables-rule' && resource.rule.chain === chain && !wanted.has(resource.id))) {
    await store.forget(stale.kind, stale.id);
  }
  await ensureRules(labChainJumps(topology.name), store, reporter, track);
}
