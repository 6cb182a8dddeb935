import type { RunContext, RunRecord } from '../measurement.ts';

/**
 * Runs are comparable only when measured the same way: same VM acceleration (KVM and TCG differ
 * by orders of magnitude) and the same topology (hash of the resolved topology file).
 */
export function groupKeyOf(context: RunContext): string {
  return `${context.accelMode}/${context.topologyHash}`;
}

export interface RunGroup {
  key: string;
  accelMode: RunContext['accelMode'];
  topologyName: string;
  topologyHash: string;
  runCount: number;
  firstIso: string;
  lastIso: string;
  hostnames: string[];
}

/** Sorts runs oldest first by start time; runs with the same time keep file order. */
export function chronological(runs: readonly RunRecord[]): RunRecord[] {
  return runs
    .map((run, index) => ({ run, index, time: Date.parse(run.context.startedAtIso) }))
    .sort((a, b) => a.time - b.time || a.index - b.index)
    .map(({ run }) => run);
}

/** Summarises which groups exist in (chronologically sorted) runs, most recent group first. */
export function describeGroups(runs: readonly RunRecord[]): RunGroup[] {
  const groups = new Map<string, RunGroup>();
  for (const { context } of runs) {
    const key = groupKeyOf(context);
    const group = groups.get(key);
    if (!group) {
      groups.set(key, {
        key,
        accelMode: context.accelMode,
        topologyName: context.topologyName,
        topologyHash: context.topologyHash,
        runCount: 1,
        firstIso: context.startedAtIso,
        lastIso: context.startedAtIso,
        hostnames: [context.hostname],
      });
      continue;
    }
    group.runCount++;
    group.lastIso = context.startedAtIso;
    group.topologyName = context.topologyName;
    if (!group.hostnames.includes(context.hostname)) group.hostnames.push(context.hostname);
  }
  return [...groups.values()].sort((a, b) => Date.parse(b.lastIso) - Date.parse(a.lastIso));
}

/** Human description of a group: `tcg, topology default (3f2a9c1b)`. */
export function describeGroupKey(group: Pick<RunGroup, 'accelMode' | 'topologyName' | 'topologyHash'>): string {
  const accel = group.accelMode === 'kvm' ? 'KVM' : group.accelMode === 'tcg' ? 'TCG (emulated)' : 'no VMs';
  return `${accel}, topology ${group.topologyName} (${group.topologyHash.slice(0, 8)})`;
}
