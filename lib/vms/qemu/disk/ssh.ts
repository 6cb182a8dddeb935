import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../../../common/run.ts';
import type { ExecOptions, ExecResult, LabNode } from '../../../nodes/node.ts';
import { shellQuote, sshOptions } from '../../vagrant/ssh-exec.ts';

/** The lab's key for one disk VM and the socket its shared SSH connection uses. */
export interface SshAccess {
  privateKey: string;
  controlPath: string;
}

/** Key and control socket live in the VM's own state dir, so `down` removes them with it. */
export function sshAccess(vmDir: string): SshAccess {
  return { privateKey: join(vmDir, 'id_ed25519'), controlPath: join(vmDir, 'ssh.ctl') };
}

/** Generates the VM's ed25519 key pair (private key 0600) and returns the public key line. */
export async function generateSshKey(access: SshAccess, comment: string): Promise<string> {
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', access.privateKey]);
  return readFile(`${access.privateKey}.pub`, 'utf8');
}

/**
 * A shared connection: a key exchange costs seconds in a TCG guest, a multiplexed session tens of
 * milliseconds. ServerAlive makes the master give up within a minute after its VM is gone (not sooner: a
 * TCG guest on a loaded host can be slow to answer keepalives).
 */
function multiplexOptions(access: SshAccess): string[] {
  return ['-o', 'ControlMaster=auto', '-o', `ControlPath=${access.controlPath}`, '-o', 'ControlPersist=60', '-o', 'ServerAliveInterval=10', '-o', 'ServerAliveCountMax=6'];
}

/** Runs argv as root in the guest; ssh's own failures give exit 255, a timeout 124. */
export async function sshRun(ip: string, access: SshAccess, argv: readonly string[], options: ExecOptions & { connectTimeoutS?: number } = {}): Promise<ExecResult> {
  if (argv.length === 0) throw new Error('exec: empty command');
  const args = [
    ...sshOptions(access.privateKey), '-o', `ConnectTimeout=${options.connectTimeoutS ?? 10}`, ...multiplexOptions(access),
    `root@${ip}`, '--', argv.map(shellQuote).join(' '),
  ];
  try {
    const result = await run('ssh', args, { allowFailure: true, timeoutMs: options.timeoutMs });
    return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
  } catch (error) {
    return { exitCode: 124, stdout: '', stderr: error instanceof Error ? error.message : String(error) };
  }
}

/** Ends the shared connection (before the VM goes). Never throws. */
export async function closeSshMaster(ip: string, access: SshAccess): Promise<void> {
  if (!existsSync(access.controlPath)) return;
  await run('ssh', [...sshOptions(access.privateKey), ...multiplexOptions(access), '-O', 'exit', `root@${ip}`], { allowFailure: true, timeoutMs: 10_000 }).catch(() => undefined);
}

/** ssh master processes whose control socket lies under `root` (a lab's VM files), found via /proc. */
export async function findSshMasters(root: string): Promise<number[]> {
  const pids = (await readdir('/proc')).filter((entry) => /^\d+$/.test(entry));
  const argvs = await Promise.all(pids.map(async (pid) => (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0')));
  return pids.flatMap((pid, i) => (argvs[i][0]?.endsWith('ssh') && argvs[i].some((arg) => arg.startsWith(`ControlPath=${root}/`)) ? [Number(pid)] : []));
}

/** A disk VM as a LabNode: exec over SSH with the lab's key, as root. */
export class SshVmNode implements LabNode {
  readonly kind = 'vm' as const;
  constructor(
    readonly name: string,
    readonly ip: string,
    private readonly access: SshAccess,
  ) {}

  exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    return sshRun(this.ip, this.access, argv, options);
  }
}
