import type { RunRecord } from '../measurement.ts';
import { syntheticHistory, type SyntheticPair } from './synthetic-history.ts';

/** Pairs like the default lab's: container, VM, DNS and throughput. */
export const FIXTURE_PAIRS: SyntheticPair[] = [
  { from: 'host', to: 'web-server', metric: 'icmp-rtt', typical: 0.4 },
  { from: 'vm1', to: 'web-server', metric: 'icmp-rtt', typical: 1.2 },
  { from: 'vm1', to: 'dns', metric: 'dns-resolve', typical: 2 },
  { from: 'vm1', to: 'web-server', metric: 'tcp-throughput', typical: 9e8 },
];

/**
 * A history for renderer and CLI tests: 6 TCG runs (another group), then 20 KVM runs whose last
 * run has `vm1 → web-server icmp-rtt` 60% slower when `regressed` is true.
 */
export function fixtureHistory(regressed: boolean): RunRecord[] {
  const tcg = syntheticHistory({ seed: 7, runs: 6, pairs: FIXTURE_PAIRS, accelMode: 'tcg', topologyHash: 'ffff0000aaaa', runIdPrefix: 'tcg', startIso: '2026-10-20T00:00:00Z' });
  const kvm = syntheticHistory({ seed: 3, runs: 20, pairs: FIXTURE_PAIRS, inject: regressed ? { pairIndex: 1, fromRun: 19, factor: 1.6 } : undefined });
  return [...tcg, ...kvm];
}
