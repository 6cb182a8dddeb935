import type { LabNode } from '../nodes/node.ts';
import type { ProgressReporter } from '../common/progress.ts';
import type { NodeSpec } from '../topology/schema.ts';
import type { ResolvedNetwork, ResolvedNic } from '../topology/topology.ts';

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
  /** Every segment of the lab, the primary first (each NIC's bridge, mask and gateway); absent: only the bridge above. */
  networks?: ResolvedNetwork[];
  /** The lab DNS server's DHCP lease file, readable on the host (a disk VM's dynamic address is looked up there). */
  leaseFile?: string;
  /** Per-lab directory for the provider's files (sockets, logs, disks). */
  stateDir: string;
  reporter: ProgressReporter;
}

/** A VM's hybrid NIC as the host sees it (the debug capture maps it to the node). */
export interface VmNicFacts {
  /** Host interface on the lab bridge (a tap), when the provider knows it. */
  hostInterface?: string;
  mac?: string;
}

/** One NIC of a VM as made: where it is attached, and the address it has (for a dynamic lease, the one the guest got). */
export interface VmNicRecord extends VmNicFacts {
  network: string;
  ip?: string;
  ipv6?: string;
  dhcp?: boolean;
}

/** A VM node as a provider starts it; `nics` absent (benchmarks, older callers): one NIC on the first network at `ip`. */
export type VmStartSpec = Omit<Extract<NodeSpec, { kind: 'vm' }>, 'nics'> & { ip: string; nics?: ResolvedNic[] } & { [providerOption: string]: unknown };

/** A management network the provider attached the VM to; the lab isolates it from its own bridge. */
export interface VmManagementFacts {
  bridge: string;
  ip: string;
}

/**
 * A VM that has been created; enough to find and remove it later even if the process that made
 * it died. What other layers need is typed here; `details` belongs to the provider alone (it
 * reads it through its own typed accessor, never anyone else).
 */
export interface VmHandle {
  name: string;
  provider: string;
  ip: string;
  accel: AccelMode;
  /** The first NIC (the debug capture maps it to the node). */
  nic: VmNicFacts;
  /** Every NIC, the first one first; older handles lack it (one NIC: `nic`). */
  nics?: VmNicRecord[];
  management?: VmManagementFacts;
  /** Boot time and resident memory, for progress lines and benchmarks. */
  boot?: { ms: number; rssKb: number };
  details: Record<string, string | number>;
}

/** What identifies a VM before it has a handle: enough for a provider to find and remove it by name. */
export type VmIdentity = Pick<VmHandle, 'name' | 'provider'> & Partial<VmHandle>;

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
  /**
   * Builds (or finds in the cache) everything start(spec) would build for this VM (disk image,
   * box of its role, initramfs extras) without starting anything: `image prepare` warms a cache
   * ahead of `up`. Returns one line per artefact.
   */
  prepareImages(spec: VmStartSpec, reporter: ProgressReporter): Promise<string[]>;
  /**
   * Whether this VM may boot while the lab DNS server is still starting: its boot asks nothing of
   * it (no name lookups; DHCP clients that retry until it answers; no SLAAC). Absent or false: the
   * VM starts once the DNS server is ready.
   */
  bootsBeforeDns?(spec: VmStartSpec): boolean;
  /** Creates and starts the VM and waits until it has booted (marker seen / reachable). */
  start(spec: VmStartSpec, ctx: VmLabContext): Promise<VmHandle>;
  /** The node interface (exec, address) for a running VM. */
  node(handle: VmHandle, ctx: VmLabContext): LabNode;
  /** Whether the VM is still running. */
  isRunning(handle: VmHandle, ctx: VmLabContext): Promise<boolean>;
  /** Freezes the running VM's CPUs (it stops answering, as a hung machine); optional per provider. */
  pause?(handle: VmHandle, ctx: VmLabContext): Promise<void>;
  /** Lets a VM pause() froze run on. */
  resume?(handle: VmHandle, ctx: VmLabContext): Promise<void>;
  /**
   * Stops and removes the VM and everything it made (tap, domain, disks). Idempotent. Works from
   * the identity alone (a VM recorded before it was started, whose start never returned).
   */
  destroy(handle: VmHandle | VmIdentity, ctx: Omit<VmLabContext, 'reporter'>): Promise<void>;
  /** Everything of this lab the provider can find on the host, even with no state file. */
  findLeftovers(labName: string, ctx: Omit<VmLabContext, 'reporter'>): Promise<VmLeftover[]>;
}
