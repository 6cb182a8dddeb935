import { mkdir, rm } from 'node:fs/promises';
import { ProvisionError } from '../../common/errors.ts';
import { formatDuration } from '../../common/time.ts';
import type { VmHandle, VmLabContext, VmStartSpec } from '../provider.ts';
import type { GuestArtefacts } from './artefacts.ts';
import { renderKernelCmdline } from './cmdline.ts';
import { BootFailure, consoleTail, waitForBootMarker } from './console-log.ts';
import { vmMac } from './mac.ts';
import { qemuNodeOptions } from './options.ts';
import { preferredBios, qemuGuestLabel, renderQemuArgs, vmFiles } from './qemu-args.ts';
import { isQemuWithLabel, launchQemu, residentKb } from './qemu-process.ts';
import { leasedAddresses } from './guest-addresses.ts';
import { createTaps, nicRecords, planGuestNics } from './nic-plan.ts';
import { serialExec } from './serial-exec.ts';
import { vmInitrd } from './initramfs-extras.ts';

/** How long a guest may take to print its boot marker (TCG on a busy host is slow). */
export function bootTimeoutMs(): number {
  const fromEnv = Number(process.env.HYBRID_LAB_VM_BOOT_TIMEOUT_MS);
  return Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : 90_000;
}

/**
 * Creates the taps + QEMU for one VM, waits for its boot marker, and reads back the address each
 * DHCP NIC leased (the guest's init waits for its leases before the marker). The caller cleans up on failure.
 */
export async function startQemuVm(spec: VmStartSpec, ctx: VmLabContext, artefacts: GuestArtefacts): Promise<VmHandle> {
  const files = vmFiles(ctx.stateDir, spec.name);
  const nics = planGuestNics(spec, ctx);
  const options = qemuNodeOptions(spec);
  const managementMac = options.managementNic ? vmMac(ctx.labName, spec.name, 'mgmt') : undefined;
  // Before anything is made: an unknown package stops here.
  const initrd = await vmInitrd(artefacts.initrd, options.initramfs, `VM ${spec.name} initramfs.packages`);
  const label = qemuGuestLabel(ctx.labName, spec.name);
  await rm(files.dir, { recursive: true, force: true });
  await mkdir(files.dir, { recursive: true });
  const attached = await createTaps(nics, files.dir);
  const cmdline = renderKernelCmdline({ name: spec.name, nics, dnsDomain: ctx.dnsDomain, services: spec.services, managementMac });
  const args = renderQemuArgs({
    labName: ctx.labName, nodeName: spec.name, accel: artefacts.accel.mode, memoryMb: spec.memoryMb, cpus: spec.cpus,
    kernel: artefacts.kernel.vmlinuz, initrd, cmdline, nics: attached.launchNics, managementMac, bios: preferredBios(), files,
  });
  const started = Date.now();
  // QEMU holds its own copies of the macvtap descriptors once it runs.
  const pid = await launchQemu(args, files.pidFile, attached.passFds).finally(attached.close);
  try {
    await waitForBootMarker(files.consoleLog, bootTimeoutMs(), () => isQemuWithLabel(pid, label));
  } catch (error) {
    const tail = await consoleTail(files.consoleLog);
    const why = error instanceof BootFailure ? error.message : String(error);
    throw new ProvisionError(`VM ${spec.name} did not boot: ${why}. Last console lines (${files.consoleLog}):\n${tail || '(console empty)'}`, { cause: error });
  }
  const bootMs = Date.now() - started;
  const records = nicRecords(nics, await leasedAddresses(spec.name, nics, (argv) => serialExec(files.serialSocket, argv, 20_000)));
  const details: QemuDetails = {
    pid, label, dir: files.dir, serialSocket: files.serialSocket, qmpSocket: files.qmpSocket, consoleLog: files.consoleLog,
    ...(managementMac ? { managementMac } : {}),
  };
  return {
    name: spec.name,
    provider: 'qemu',
    ip: records[0]?.ip ?? spec.ip,
    accel: artefacts.accel.mode,
    nic: { hostInterface: records[0].hostInterface, mac: records[0].mac },
    nics: records,
    boot: { ms: bootMs, rssKb: (await residentKb(pid)) ?? 0 },
    details: { ...details },
  };
}

/** What the qemu provider keeps in a handle's `details` (read only through qemuDetails). */
export interface QemuDetails {
  pid: number;
  label: string;
  dir: string;
  serialSocket: string;
  qmpSocket: string;
  consoleLog: string;
  managementMac?: string;
  /** `ssh` for disk VMs (exec over SSH with the lab's key); absent for the serial agent. */
  exec?: 'ssh';
  baseDisk?: string;
  overlay?: string;
  seed?: string;
  sshKey?: string;
  sshControl?: string;
}

/** The qemu provider's own view of a handle's details. */
export function qemuDetails(handle: Pick<VmHandle, 'details'>): Partial<QemuDetails> {
  return (handle.details ?? {}) as Partial<QemuDetails>;
}

/** One-line summary for the progress reporter: `booted in 3.1 s, 171 MB RSS, tcg`. */
export function describeBoot(handle: VmHandle): string {
  const rssMb = Math.round((handle.boot?.rssKb ?? 0) / 1024);
  return `${handle.ip}, booted in ${formatDuration(handle.boot?.ms ?? 0)}, ${rssMb} MB RSS, ${handle.accel}`;
}
