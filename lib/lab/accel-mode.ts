import type { AccelMode } from '../report/measurement.ts';
import type { LabState } from './state.ts';

/** How a lab's VMs run, from their handles: emulated if any is, KVM if all are, none without VMs. */
export function labAccelMode(state: LabState | undefined): AccelMode {
  const modes = state?.resources.flatMap((r) => (r.kind === 'vm' && r.handle ? [r.handle.accel] : [])) ?? [];
  if (modes.length === 0) return 'none';
  return modes.includes('tcg') ? 'tcg' : 'kvm';
}
