import { inject } from 'vitest';
import { openLab, type LiveLab } from '../../lib/lab/lab-nodes.ts';
import { SetupError } from '../../lib/common/errors.ts';
import type { LabNode } from '../../lib/nodes/node.ts';
import type { AccelMode } from '../../lib/report/measurement.ts';
import { labAccelMode } from '../../lib/lab/accel-mode.ts';

/** The live lab the global setup made sure is up. */
export async function liveLab(): Promise<LiveLab> {
  const setupError = inject('labSetupError');
  if (setupError) throw new SetupError(`provisioning failed, so this suite cannot run: ${setupError}`);
  return openLab(inject('labName'));
}

/** Host plus every topology node: the endpoints every check runs between. */
export function endpoints(lab: LiveLab): LabNode[] {
  return [lab.host, ...lab.nodes];
}

/** Every ordered pair of distinct endpoints. */
export function orderedPairs(nodes: readonly LabNode[]): Array<[LabNode, LabNode]> {
  return nodes.flatMap((from) => nodes.filter((to) => to !== from).map((to) => [from, to] as [LabNode, LabNode]));
}

export type PairClass = 'hostContainer' | 'containerContainer' | 'vmContainer' | 'hostVm' | 'vmVm';

/** Which budget a pair is held to; direction does not matter. */
export function pairClass(a: LabNode, b: LabNode): PairClass {
  const kinds = [a.kind, b.kind].sort().join('+');
  switch (kinds) {
    case 'container+host':
      return 'hostContainer';
    case 'container+container':
      return 'containerContainer';
    case 'container+vm':
      return 'vmContainer';
    case 'host+vm':
      return 'hostVm';
    default:
      return 'vmVm';
  }
}

/** How the lab's VMs run: KVM, emulated (TCG), or no VMs. Read from the VM handles, never assumed. */
export function accelMode(lab: LiveLab): AccelMode {
  return labAccelMode(lab.state);
}

declare module 'vitest' {
  interface TaskMeta {
    /** The measured figure a check shows in `hybrid-lab test` progress (e.g. "0.21 ms"). */
    figure?: string;
  }
}
