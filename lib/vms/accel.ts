import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../common/atomic-write.ts';
import { cacheDir } from '../common/paths.ts';
import type { ProgressReporter } from '../common/progress.ts';
import { run } from '../common/run.ts';
import type { AccelMode } from './provider.ts';

/** What was decided about hardware virtualisation, and why (shown to the user and kept in status). */
export interface AccelDecision {
  mode: AccelMode;
  reason: string;
}

/** A kernel + initramfs that prints PROBE_MARKER once userspace runs (lab/images/vm/init.sh with hl.probe=1). */
export interface ProbeGuest {
  kernel: string;
  initrd: string;
}

export const PROBE_MARKER = 'HYBRID-LAB-PROBE-OK';
const PROBE_TIMEOUT_MS = 15_000;
const QBOOT = '/usr/share/qemu/qboot.rom';

/**
 * Decides KVM or TCG. HYBRID_LAB_ACCEL=kvm|tcg wins; otherwise KVM is *tried* (a guest must
 * reach userspace under -accel kvm), because /dev/kvm can exist and still not run ordinary
 * guests (e.g. the PVM variant). The result is cached until the next host boot.
 */
export async function detectAccel(guest: ProbeGuest, reporter: ProgressReporter): Promise<AccelDecision> {
  const forced = process.env.HYBRID_LAB_ACCEL;
  if (forced === 'kvm' || forced === 'tcg') return { mode: forced, reason: `HYBRID_LAB_ACCEL=${forced}` };
  const cacheFile = await accelCacheFile();
  let decision = await readCachedDecision(cacheFile);
  if (!decision) {
    decision = await probeKvm(guest);
    await writeFileAtomic(cacheFile, `${JSON.stringify(decision)}\n`);
  }
  if (decision.mode === 'tcg') reporter.note(`KVM not usable (${decision.reason}): VMs run under QEMU software emulation (TCG), slower`);
  return decision;
}

async function accelCacheFile(): Promise<string> {
  return join(cacheDir(), 'vm', `accel-${await bootId()}.json`);
}

/** The decision made since this host booted, if a VM start has probed already (doctor reads it; it never probes). */
export async function cachedAccelDecision(): Promise<AccelDecision | undefined> {
  return readCachedDecision(await accelCacheFile());
}

async function bootId(): Promise<string> {
  try {
    return (await readFile('/proc/sys/kernel/random/boot_id', 'utf8')).trim();
  } catch {
    return 'unknown-boot';
  }
}

async function readCachedDecision(file: string): Promise<AccelDecision | undefined> {
  if (!existsSync(file)) return undefined;
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as AccelDecision;
    return parsed.mode === 'kvm' || parsed.mode === 'tcg' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Boots the probe guest under KVM; KVM works if the guest reaches userspace in time. */
export async function probeKvm(guest: ProbeGuest): Promise<AccelDecision> {
  if (!existsSync('/dev/kvm')) return { mode: 'tcg', reason: '/dev/kvm does not exist' };
  const attempt = await guestBootsUnder('kvm', guest);
  return attempt.booted ? { mode: 'kvm', reason: attempt.detail } : { mode: 'tcg', reason: attempt.detail };
}

/**
 * Boots the probe guest (console on stdout, no disk, no NIC) under `accel` and reports whether
 * the probe marker appeared within the timeout. Also the positive control for the KVM probe.
 */
export async function guestBootsUnder(accel: AccelMode, guest: ProbeGuest, timeoutMs = PROBE_TIMEOUT_MS): Promise<{ booted: boolean; detail: string }> {
  const started = Date.now();
  const cpu = accel === 'kvm' ? ['-accel', 'kvm', '-cpu', 'host'] : ['-accel', 'tcg,tb-size=16', '-cpu', 'qemu64'];
  const result = await run('qemu-system-x86_64', [
    ...cpu, '-machine', 'pc', ...(existsSync(QBOOT) ? ['-bios', QBOOT] : []), '-m', '128',
    '-nodefaults', '-no-user-config', '-display', 'none', '-no-reboot', '-serial', 'stdio',
    '-kernel', guest.kernel, '-initrd', guest.initrd,
    '-append', 'console=ttyS0 quiet panic=-1 hl.probe=1',
  ], { allowFailure: true, timeoutMs });
  if (result.stdout.includes(PROBE_MARKER)) return { booted: true, detail: `a ${accel} guest booted in ${Date.now() - started} ms` };
  if (result.exitCode === 124) return { booted: false, detail: `a ${accel} guest did not boot within ${timeoutMs / 1000} s` };
  return { booted: false, detail: lastLine(result.stderr || result.stdout) || `qemu exited ${result.exitCode}` };
}

function lastLine(text: string): string {
  return text.trim().split('\n').pop()?.trim() ?? '';
}
