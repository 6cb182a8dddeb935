import type { LabNode } from '../nodes/node.ts';
import type { ProgressReporter } from '../common/progress.ts';
import type { VmNodeSpec } from '../topology/schema.ts';

/** How a VM's CPU is run: real hardware virtualisation or QEMU's software emulation. */
export type AccelMode = 'kvm' | 'tcg';

/** What a provider needs to know about the lab a VM joins. */
export interface VmLabContext {
  labName: string;
  /** Lab bridge the VM's hybrid NIC is attached to. */
  bridgeName: string;
  prefix: number;
  gateway: string;
  dnsServer: string;
  dnsDomain: string;
  /** Per-lab directory for the provider's files (sockets, logs, disks). */
  stateDir: string;
  reporter: ProgressReporter;
}

/** A VM that has been created; enough to find and remove it later even if the process that made it died. */
export interface VmHandle {
  name: string;
  provider: string;
  ip: string;
  accel: AccelMode;
  /** Provider-specific record kept in the lab state file (pid, tap, socket, domain name...). */
  details: Record<string, string | number>;
}

/** A resource a provider left on the host: found by name/label, removable without state. */
export interface VmLeftover {
  kind: string;
  id: string;
  remove(): Promise<void>;
}

/**
 * One interface for VM back-ends (direct QEMU, Vagrant+libvirt, ...). Adding a provider is one
 * new folder under lib/vms implementing this.
 */
export interface VmProvider {
  readonly name: string;
  /** Builds or checks what the provider needs (kernel, initramfs, box); cached, so cheap when done. */
  prepare(ctx: VmLabContext): Promise<void>;
  /** Creates and starts the VM and waits until it has booted (marker seen / reachable). */
  start(spec: VmNodeSpec & { ip: string }, ctx: VmLabContext): Promise<VmHandle>;
  /** The node interface (exec, address) for a running VM. */
  node(handle: VmHandle, ctx: VmLabContext): LabNode;
  /** Whether the VM is still running. */
  isRunning(handle: VmHandle, ctx: VmLabContext): Promise<boolean>;
  /** Stops and removes the VM and everything it made (tap, domain, disks). Idempotent. */
  destroy(handle: VmHandle, ctx: VmLabContext): Promise<void>;
  /** Everything of this lab the provider can find on the host, even with no state file. */
  findLeftovers(labName: string, ctx: Omit<VmLabContext, 'reporter'>): Promise<VmLeftover[]>;
}
