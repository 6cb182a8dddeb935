import type { ProgressReporter } from '../../common/progress.ts';
import { step } from '../../common/progress.ts';
import { type AccelDecision, detectAccel } from '../accel.ts';
import { ensureInitramfs } from './initramfs.ts';
import { ensureGuestKernel, type GuestKernel } from './kernel.ts';

/** What every qemu VM boots from, and how its CPU runs. */
export interface GuestArtefacts {
  kernel: GuestKernel;
  initrd: string;
  accel: AccelDecision;
}

let pending: Promise<GuestArtefacts> | undefined;

/** Kernel, initramfs and accel mode, built or found once per process (each is cached on disk too). */
export function guestArtefacts(reporter: ProgressReporter): Promise<GuestArtefacts> {
  pending ??= buildArtefacts(reporter).catch((error: unknown) => {
    pending = undefined; // let a later call retry (e.g. after apt-get update)
    throw error;
  });
  return pending;
}

async function buildArtefacts(reporter: ProgressReporter): Promise<GuestArtefacts> {
  const kernel = await step(reporter, 'VM kernel (Debian cloud kernel)', ensureGuestKernel, (found) => found.id);
  const initrd = await step(reporter, 'VM initramfs', () => ensureInitramfs(kernel), (path) => path.split('/').pop());
  const accel = await step(reporter, 'VM acceleration (KVM probe)', () => detectAccel({ kernel: kernel.vmlinuz, initrd }, reporter), (decision) => decision.mode);
  return { kernel, initrd, accel };
}
