import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ProvisionError } from '../../common/errors.ts';
import type { AccelMode } from '../provider.ts';

/** Where one VM's runtime files live: all under the lab's state dir, so `down` finds them. */
export interface VmFiles {
  dir: string;
  pidFile: string;
  consoleLog: string;
  serialSocket: string;
  qmpSocket: string;
}

/** Unix socket paths are limited to 107 bytes by the kernel's sockaddr_un. */
const MAX_SOCKET_PATH = 107;

export function vmFiles(stateDir: string, nodeName: string): VmFiles {
  const dir = join(stateDir, 'qemu', nodeName);
  const files = {
    dir,
    pidFile: join(dir, 'qemu.pid'),
    consoleLog: join(dir, 'console.log'),
    serialSocket: join(dir, 'serial.sock'),
    qmpSocket: join(dir, 'qmp.sock'),
  };
  if (Buffer.byteLength(files.serialSocket) > MAX_SOCKET_PATH) {
    throw new ProvisionError(`VM socket path ${files.serialSocket} is longer than ${MAX_SOCKET_PATH} bytes. Fix: use a shorter HYBRID_LAB_STATE directory or lab name`);
  }
  return files;
}

/** Label of a lab VM's QEMU process: lab and node, so leftovers can be found by cmdline. */
export function qemuGuestLabel(labName: string, nodeName: string): string {
  return `hybrid-lab:${labName}:${nodeName}`;
}

/** The exact -name argument carrying the label (matched whole, so vm1 never matches vm10). */
export function qemuNameArg(label: string): string {
  return `guest=${label}`;
}

export interface QemuLaunch {
  labName: string;
  nodeName: string;
  accel: AccelMode;
  memoryMb: number;
  cpus: number;
  /** Direct kernel boot; omitted: the firmware boots the first disk (a user's image with its own bootloader). */
  kernel?: string;
  initrd?: string;
  cmdline?: string;
  /** Disks, in order (vda, vdb, ...). */
  drives?: QemuDrive[];
  /** A virtio RNG: without it sshd in a TCG guest waits seconds for entropy. */
  rng?: boolean;
  /** TCG translation cache in MiB; default tcgTbSizeMb(). */
  tbSizeMb?: number;
  /** One virtio NIC per tap, in order (the first is the guest's primary); `fd`: a macvtap QEMU finds already open as that descriptor. */
  nics: ReadonlyArray<{ tap: string; mac: string; fd?: number }>;
  managementMac?: string;
  /** Firmware image; qboot boots a -kernel guest faster than SeaBIOS. Omitted: QEMU's default BIOS. */
  bios?: string;
  files: VmFiles;
}

/** One disk attached as virtio-blk. */
export interface QemuDrive {
  file: string;
  format: 'qcow2' | 'raw';
  readOnly?: boolean;
}

/** -drive arguments: virtio, writeback cache; readonly where the guest must not write. */
export function driveArgs(drives: readonly QemuDrive[]): string[] {
  return drives.flatMap((drive) => ['-drive', `file=${drive.file},if=virtio,format=${drive.format},cache=writeback${drive.readOnly ? ',readonly=on' : ''}`]);
}

export const QEMU_BINARY = 'qemu-system-x86_64';
export const QBOOT_ROM = '/usr/share/qemu/qboot.rom';

/** qboot when the QEMU package ships it, else undefined (SeaBIOS, a little slower). */
export function preferredBios(): string | undefined {
  return existsSync(QBOOT_ROM) ? QBOOT_ROM : undefined;
}

/** TCG translation-cache size in MiB: QEMU's 1 GiB default costs RSS; HYBRID_LAB_TCG_TB_MB overrides. */
export function tcgTbSizeMb(): number {
  const fromEnv = Number(process.env.HYBRID_LAB_TCG_TB_MB);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : DEFAULT_TCG_TB_MB;
}

// 16 MiB measured: RSS 185 MB vs 203 MB at 32 (-m 128), no boot-time cost seen (lib/vms/qemu/boot.bench.ts).
const DEFAULT_TCG_TB_MB = 16;

/**
 * Translation cache for a disk VM (systemd, Python): 16 MiB thrashes. Measured ready time (SSH +
 * cloud-init) of the Debian recipe under TCG: 16 MiB 3 min 13 s / 380 MB RSS, 128 MiB 1 min 18 s
 * / 512 MB, 256 MiB 1 min 6 s / 651 MB (-m 512). HYBRID_LAB_TCG_TB_MB overrides.
 */
export function diskTcgTbSizeMb(): number {
  return process.env.HYBRID_LAB_TCG_TB_MB ? tcgTbSizeMb() : 128;
}

/** CPU flags: KVM runs the host CPU; TCG a plain qemu64 with a small translation cache. */
export function accelArgs(accel: AccelMode, tbSizeMb: number = tcgTbSizeMb()): string[] {
  return accel === 'kvm' ? ['-accel', 'kvm', '-cpu', 'host'] : ['-accel', `tcg,tb-size=${tbSizeMb}`, '-cpu', 'qemu64'];
}

/**
 * One tap netdev + virtio-net device per NIC: the first in slot 3 (as before several NICs), the
 * management NIC keeps slot 4, further NICs from slot 5. romfile= skips the iPXE option ROM:
 * nothing boots from the network, and it saves memory.
 */
function nicArgs(nics: QemuLaunch['nics']): string[] {
  return nics.flatMap((nic, index) => {
    const id = index === 0 ? 'lab' : `lab${index}`;
    const slot = index === 0 ? 3 : 4 + index;
    const backend = nic.fd === undefined ? `tap,id=${id},ifname=${nic.tap},script=no,downscript=no` : `tap,id=${id},fd=${nic.fd}`;
    return ['-netdev', backend, '-device', `virtio-net-pci,netdev=${id},mac=${nic.mac},addr=0x${slot.toString(16)},romfile=`];
  });
}

/** The full QEMU argument list for a lab VM (daemonized, serial + QMP on unix sockets). */
export function renderQemuArgs(launch: QemuLaunch): string[] {
  const { files } = launch;
  const args = [
    '-name', qemuNameArg(qemuGuestLabel(launch.labName, launch.nodeName)),
    '-machine', 'pc',
    ...accelArgs(launch.accel, launch.tbSizeMb),
    ...(launch.bios ? ['-bios', launch.bios] : []),
    '-m', String(launch.memoryMb),
    '-smp', String(launch.cpus),
    '-nodefaults', '-no-user-config', '-display', 'none', '-no-reboot',
    ...(launch.kernel ? ['-kernel', launch.kernel] : []),
    ...(launch.kernel && launch.initrd ? ['-initrd', launch.initrd] : []),
    ...(launch.kernel && launch.cmdline ? ['-append', launch.cmdline] : []),
    ...driveArgs(launch.drives ?? []),
    ...(launch.rng ? ['-device', 'virtio-rng-pci'] : []),
    '-chardev', `socket,id=serial0,path=${files.serialSocket},server=on,wait=off,logfile=${files.consoleLog}`,
    '-serial', 'chardev:serial0',
    '-qmp', `unix:${files.qmpSocket},server=on,wait=off`,
    ...nicArgs(launch.nics),
  ];
  if (launch.managementMac) {
    // restrict=on: the user-mode network cannot reach anything outside the VM.
    args.push('-netdev', 'user,id=mgmt,restrict=on', '-device', `virtio-net-pci,netdev=mgmt,mac=${launch.managementMac},addr=0x4,romfile=`);
  }
  args.push('-daemonize', '-pidfile', files.pidFile);
  return args;
}
