import type { VmHandle, VmLabContext } from '../provider.ts';
import { qemuGuestLabel, vmFiles } from './qemu-args.ts';
import { runningQemuPid } from './qemu-process.ts';

/** Whether the VM's QEMU runs (its pid file names a live QEMU with the VM's label). A module of its own: `status` loads only this. */
export async function qemuIsRunning(handle: Pick<VmHandle, 'name'>, ctx: Pick<VmLabContext, 'labName' | 'stateDir'>): Promise<boolean> {
  const files = vmFiles(ctx.stateDir, handle.name);
  return (await runningQemuPid(files.pidFile, qemuGuestLabel(ctx.labName, handle.name))) !== undefined;
}
