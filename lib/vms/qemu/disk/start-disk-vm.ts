import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ProvisionError } from '../../../common/errors.ts';
import type { ProgressReporter } from '../../../common/progress.ts';
import { ensureVmDisk } from '../../../images/vm-disk/build.ts';
import type { QemuNodeOptions } from '../options.ts';
import type { AccelMode, VmHandle, VmLabContext, VmStartSpec } from '../../provider.ts';
import { waitForLease } from '../../../dns/leases.ts';
import { consoleTail } from '../console-log.ts';
import { diskTcgTbSizeMb, preferredBios, qemuGuestLabel, renderQemuArgs, vmFiles, type QemuLaunch } from '../qemu-args.ts';
import { isQemuWithLabel, launchQemu, residentKb } from '../qemu-process.ts';
import { createTaps, nicRecords, planGuestNics, type GuestNic } from '../nic-plan.ts';
import { createOverlay, imageFormat } from './overlay.ts';
import { diskReadyTimeoutMs, ReadinessFailure, waitForDiskVmReady } from './readiness.ts';
import { renderSeed } from './seed.ts';
import { writeSeedIso } from './seed-iso.ts';
import { generateSshKey, sshAccess } from './ssh.ts';

type DiskVmSpec = VmStartSpec & { disk: NonNullable<QemuNodeOptions['disk']>; cloudInit?: QemuNodeOptions['cloudInit']; readyTimeoutSec?: number };

/** How the guest boots: the recipe's own kernel/initrd directly, or the firmware from a user's disk. */
interface BootSource {
  base: string;
  format: 'qcow2' | 'raw';
  kernel?: { kernel: string; initrd: string; cmdline: string };
}

async function bootSource(spec: DiskVmSpec, reporter: ProgressReporter): Promise<BootSource> {
  const { disk } = spec;
  if (typeof disk === 'string') return { base: disk, format: await imageFormat(disk, spec.name) };
  const image = await ensureVmDisk({ recipe: disk.recipe, packages: disk.packages }, reporter);
  // console=ttyS0 puts the boot log in console.log (shown when readiness fails).
  return { base: image.disk, format: 'qcow2', kernel: { kernel: image.kernel, initrd: image.initrd, cmdline: `${image.rootArgs} console=ttyS0 net.ifnames=0 quiet panic=-1` } };
}

/**
 * Boots a disk VM: tap on the lab bridge, a copy-on-write overlay over the base image, a
 * cloud-init NoCloud seed (hostname, netplan static address, the lab's SSH key, the user's
 * cloudInit), then waits for SSH and cloud-init. The caller cleans up on failure.
 */
export async function startDiskVm(spec: DiskVmSpec, ctx: VmLabContext, accel: AccelMode): Promise<VmHandle> {
  const source = await bootSource(spec, ctx.reporter);
  const files = vmFiles(ctx.stateDir, spec.name);
  const nics = planGuestNics(spec, ctx);
  const label = qemuGuestLabel(ctx.labName, spec.name);
  await rm(files.dir, { recursive: true, force: true });
  await mkdir(files.dir, { recursive: true, mode: 0o700 });
  const overlay = join(files.dir, 'overlay.qcow2');
  const seed = join(files.dir, 'seed.iso');
  const access = sshAccess(files.dir);
  await createOverlay(source.base, source.format, overlay);
  const publicKey = await generateSshKey(access, label);
  await writeSeedIso(renderSeed({
    labName: ctx.labName, nodeName: spec.name, nics, dnsDomain: ctx.dnsDomain, sshPublicKey: publicKey, cloudInit: spec.cloudInit,
  }), seed);
  const attached = await createTaps(nics, files.dir);
  const launch: QemuLaunch = {
    labName: ctx.labName, nodeName: spec.name, accel, memoryMb: spec.memoryMb, cpus: spec.cpus, nics: attached.launchNics, files, rng: true, tbSizeMb: diskTcgTbSizeMb(),
    drives: [{ file: overlay, format: 'qcow2' }, { file: seed, format: 'raw', readOnly: true }],
    // qboot only boots -kernel guests; a user's disk with its own bootloader needs SeaBIOS.
    ...(source.kernel ? { ...source.kernel, bios: preferredBios() } : {}),
  };
  const started = Date.now();
  const pid = await launchQemu(renderQemuArgs(launch), files.pidFile, attached.passFds).finally(attached.close);
  let leased: Map<string, string>;
  try {
    const timeoutMs = spec.readyTimeoutSec !== undefined ? spec.readyTimeoutSec * 1000 : diskReadyTimeoutMs();
    const deadline = Date.now() + timeoutMs;
    leased = await diskVmLeases(spec.name, nics, ctx, deadline, () => isQemuWithLabel(pid, label));
    const ip = nics[0].ipv4 === 'dhcp' ? leased.get(nics[0].mac)! : spec.ip;
    await waitForDiskVmReady(ip, access, { deadline: Math.max(deadline, Date.now() + 1000), timeoutMs }, () => isQemuWithLabel(pid, label));
  } catch (error) {
    const tail = await consoleTail(files.consoleLog);
    const check = error instanceof ReadinessFailure ? error.check : 'ssh';
    const why = error instanceof Error ? error.message : String(error);
    throw new ProvisionError(`VM ${spec.name} did not become ready (check: ${check}): ${why}. Last console lines (${files.consoleLog}):\n${tail || '(console empty)'}`, { cause: error });
  }
  const records = nicRecords(nics, leased);
  return {
    name: spec.name, provider: 'qemu', ip: records[0].ip ?? spec.ip, accel,
    nic: { hostInterface: records[0].hostInterface, mac: records[0].mac },
    nics: records,
    boot: { ms: Date.now() - started, rssKb: (await residentKb(pid)) ?? 0 },
    details: {
      pid, label, dir: files.dir, serialSocket: files.serialSocket, qmpSocket: files.qmpSocket, consoleLog: files.consoleLog,
      exec: 'ssh', baseDisk: source.base, overlay, seed, sshKey: access.privateKey, sshControl: access.controlPath,
    },
  };
}

/**
 * The address each DHCP NIC leased, from the lab's lease file (the host reads it; SSH needs the
 * first NIC's address before anything can be asked of the guest). A NIC without a lease by the
 * deadline fails the boot naming its network.
 */
async function diskVmLeases(vmName: string, nics: readonly GuestNic[], ctx: VmLabContext, deadline: number, stillRunning: () => Promise<boolean>): Promise<Map<string, string>> {
  const leased = new Map<string, string>();
  for (const nic of nics.filter((candidate) => candidate.ipv4 === 'dhcp')) {
    const lease = ctx.leaseFile ? await waitForLease(ctx.leaseFile, nic.mac, Math.max(0, deadline - Date.now()), stillRunning) : undefined;
    if (!lease) throw new ReadinessFailure('dhcp', `no DHCP lease for NIC ${nic.mac} on network ${nic.network} in ${ctx.leaseFile ?? '(the lab has no lease file)'}`);
    leased.set(nic.mac, lease.ip);
  }
  return leased;
}
