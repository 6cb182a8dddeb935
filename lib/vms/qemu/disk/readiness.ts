import { sleep } from '../../../common/time.ts';
import { sshRun, type SshAccess } from './ssh.ts';

/** How long a disk VM may take to answer SSH and finish cloud-init (TCG on a busy host is slow). */
export function diskReadyTimeoutMs(): number {
  const fromEnv = Number(process.env.HYBRID_LAB_VM_READY_TIMEOUT_MS);
  return Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : 300_000;
}

/** Which readiness check did not pass, and what it last saw. */
export class ReadinessFailure extends Error {
  constructor(
    readonly check: 'ssh' | 'cloud-init' | 'qemu' | 'dhcp',
    detail: string,
  ) {
    super(detail);
  }
}

/**
 * Ready = SSH answers with the lab's key, then `cloud-init status --wait` says done. Fails early
 * when QEMU is gone, and with the check's name when the deadline passes. `timeoutMs` is the whole
 * budget the messages name (the deadline may have started earlier, at QEMU's launch).
 */
export async function waitForDiskVmReady(ip: string, access: SshAccess, { deadline, timeoutMs }: { deadline: number; timeoutMs: number }, stillRunning: () => Promise<boolean>): Promise<void> {
  let last = 'no answer yet';
  for (;;) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw new ReadinessFailure('ssh', `SSH to root@${ip} did not answer within ${timeoutMs / 1000} s (last: ${last})`);
    const probe = await sshRun(ip, access, ['true'], { timeoutMs: Math.min(remaining, 15_000), connectTimeoutS: 5 });
    if (probe.exitCode === 0) break;
    last = probe.stderr.trim().split('\n').pop() || `exit ${probe.exitCode}`;
    if (!(await stillRunning())) throw new ReadinessFailure('qemu', 'QEMU exited before the guest answered SSH');
    await sleep(1000);
  }
  const remaining = Math.max(1000, deadline - Date.now());
  const status = await sshRun(ip, access, ['cloud-init', 'status', '--wait'], { timeoutMs: remaining });
  if (status.exitCode === 124) throw new ReadinessFailure('cloud-init', `cloud-init did not finish within ${timeoutMs / 1000} s`);
  if (status.exitCode !== 0 || !status.stdout.includes('done')) {
    const longStatus = await sshRun(ip, access, ['sh', '-c', 'cloud-init status --long; tail -n 15 /var/log/cloud-init-output.log'], { timeoutMs: 20_000 });
    throw new ReadinessFailure('cloud-init', `cloud-init status --wait exited ${status.exitCode}: ${status.stdout.trim()}\n${longStatus.stdout.trim()}`);
  }
}
