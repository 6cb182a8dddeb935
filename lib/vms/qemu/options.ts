import { z } from 'zod';
import { debianPackage, provisioningOptions, provisioningSchema } from '../provisioning.ts';

/** Separates the problem from the fix inside a zod message (as lib/topology/schema.ts does). */
const FIX = ' :: fix: ';

/** `disk:` a qcow2/raw image file (relative to the topology file), or a disk built here from a recipe. */
const vmDisk = z.union([
  z.string().min(1, `empty disk path${FIX}give a qcow2/raw file, or disk: { recipe: debian }`),
  z.strictObject({
    recipe: z.literal('debian', { message: `unknown disk recipe${FIX}use recipe: debian` }),
    /** Debian packages baked into the image at build time (the lab has no mirror at boot). */
    packages: z.array(debianPackage).default([]),
  }),
], { message: `disk must be a file path or { recipe: debian, packages: [...] }${FIX}e.g. disk: { recipe: debian, packages: [nginx-light] }` });

/**
 * What a busybox-initramfs VM (no disk:) carries beyond the built-in tools: Debian packages
 * unpacked into its initramfs, and programs it starts at boot.
 */
const initramfsExtras = z.strictObject({
  /**
   * Packages whose files are unpacked into the guest (docs and init scripts left out). Their
   * dependencies are not: the programs' shared libraries are copied from the host, as iperf3's are.
   */
  packages: z.array(debianPackage).min(1, `no packages${FIX}list at least one, e.g. packages: [prometheus-node-exporter], or remove initramfs`),
  /** Commands (argv lists) the guest starts in the background before it reports booted; output in /var/log/hybrid-lab/. */
  start: z.array(z.array(z.string().min(1)).min(1, `empty command${FIX}write the program and its arguments, e.g. [prometheus-node-exporter]`)).default([]),
});

/** Topology fields only the qemu provider reads (contributed to the VM node schema by the registry). */
export const qemuOptions = {
  /** A second NIC for management (the seeds' eth0), on QEMU's user network; off by default. */
  managementNic: z.boolean().optional(),
  /** Boot this disk (systemd, cloud-init, exec over SSH) instead of the busybox initramfs. */
  disk: vmDisk.optional(),
  /** The shared `provision:` fields (lib/vms/provisioning.ts), mapped to the NoCloud seed's user-data (disk VMs only). */
  ...provisioningOptions,
  /** The same as `provision:` under its earlier, cloud-init name. */
  cloudInit: provisioningSchema.optional(),
  initramfs: initramfsExtras.optional(),
  /** How long a disk VM may take to answer SSH and finish cloud-init (default $HYBRID_LAB_VM_READY_TIMEOUT_MS, else 300 s). */
  readyTimeoutSec: z.number().int().min(10, `too short for a VM to boot${FIX}give at least 10 (seconds)`).max(3600, `longer than an hour${FIX}give at most 3600 (seconds)`).optional(),
};

export type QemuNodeOptions = z.output<z.ZodObject<typeof qemuOptions>>;

/** The qemu options of a VM node (the schema has checked them). */
export function qemuNodeOptions(spec: object): QemuNodeOptions {
  return z.object(qemuOptions).parse(spec);
}

/** A disk VM's first-boot provisioning, under either name. */
export function provisioningOf(options: QemuNodeOptions): QemuNodeOptions['provision'] {
  return options.provision ?? options.cloudInit;
}

/** What the qemu options need together, beyond each field's own rules. */
export function checkQemuNode(node: Record<string, unknown>, issue: (field: string, message: string) => void): void {
  const options = node as QemuNodeOptions & { memoryMb?: number };
  for (const field of ['provision', 'cloudInit'] as const) {
    if (options[field] !== undefined && options.disk === undefined) issue(field, `${field} needs a disk image with cloud-init${FIX}add disk: { recipe: debian } or remove ${field}`);
  }
  if (options.provision !== undefined && options.cloudInit !== undefined) issue('cloudInit', `cloudInit is the earlier name of provision; a VM takes one${FIX}move its entries into provision and remove cloudInit`);
  if (options.disk !== undefined && options.managementNic) issue('managementNic', `disk VMs have only the hybrid NIC (exec goes over SSH on it)${FIX}remove managementNic`);
  if (options.disk !== undefined && options.initramfs !== undefined) issue('initramfs', `initramfs extras are for the busybox initramfs VM; a disk VM boots its own system${FIX}bake packages into disk: { recipe: debian, packages: [...] } and start programs with provision.runcmd`);
  if (options.readyTimeoutSec !== undefined && options.disk === undefined) issue('readyTimeoutSec', `readyTimeoutSec is how long a disk VM may take to be ready; this VM boots the busybox initramfs${FIX}remove readyTimeoutSec or add disk: { recipe: debian }`);
  if (options.disk !== undefined && (options.memoryMb ?? 0) < 256) issue('memoryMb', `a Debian disk VM needs at least 256 MB${FIX}set memoryMb: 512`);
}

/**
 * Whether the VM's guest can apply netem itself: the busybox initramfs (it carries iproute2's tc
 * and the netem/ifb modules, see initramfs.ts) and a Debian recipe disk (its kernel has them as
 * modules, and iproute2). A user's own disk image may have neither.
 */
export function guestAppliesNetem(node: { kind: string; provider?: string } & Record<string, unknown>): boolean {
  if (node.kind !== 'vm' || node.provider !== 'qemu') return false;
  const disk = node.disk as QemuNodeOptions['disk'];
  return disk === undefined || (typeof disk === 'object' && disk.recipe === 'debian');
}
