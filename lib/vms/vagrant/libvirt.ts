import { writeFileAtomic } from '../../common/atomic-write.ts';
import { run, type RunResult } from '../../common/run.ts';
import { LIBVIRT_URI } from './env.ts';

/** The storage pool vagrant-libvirt puts box images and VM disks in. */
export const DEFAULT_POOL = 'default';

/** Runs `virsh -c qemu:///system ARGS` and returns its output; throws CommandError on failure. */
export async function virsh(args: readonly string[], options: { allowFailure?: boolean; input?: string } = {}): Promise<RunResult> {
  return run('virsh', ['-c', LIBVIRT_URI, ...args], { timeoutMs: 120_000, ...options });
}

/** Names printed one per line by `virsh ... --name` commands. */
function names(stdout: string): string[] {
  return stdout.split('\n').map((line) => line.trim()).filter(Boolean);
}

/** Every domain, running or not. */
export async function listDomains(): Promise<string[]> {
  return names((await virsh(['list', '--all', '--name'])).stdout);
}

/** Every network, active or not. */
export async function listNetworks(): Promise<string[]> {
  return names((await virsh(['net-list', '--all', '--name'])).stdout);
}

/** Volume names in a pool; empty when the pool does not exist yet. */
export async function listVolumes(pool = DEFAULT_POOL): Promise<string[]> {
  const result = await virsh(['vol-list', pool], { allowFailure: true });
  if (result.exitCode !== 0) return [];
  // Table: " Name   Path" header, a dashes line, then "name  /path".
  return result.stdout
    .split('\n')
    .slice(2)
    .map((line) => line.trim().split(/\s+/)[0])
    .filter(Boolean);
}

/** Stops (if running) and removes a domain with its NVRAM/snapshot metadata. Idempotent. */
export async function removeDomain(name: string): Promise<void> {
  await virsh(['destroy', name], { allowFailure: true });
  const result = await virsh(['undefine', name, '--nvram', '--managed-save', '--snapshots-metadata'], { allowFailure: true });
  if (result.exitCode !== 0 && (await listDomains()).includes(name)) {
    await virsh(['undefine', name]);
  }
}

/** Stops and undefines a network (its bridge goes with it). Idempotent. */
export async function removeNetwork(name: string): Promise<void> {
  await virsh(['net-destroy', name], { allowFailure: true });
  const result = await virsh(['net-undefine', name], { allowFailure: true });
  if (result.exitCode !== 0 && (await listNetworks()).includes(name)) throw new Error(`cannot undefine libvirt network ${name}: ${result.stderr.trim()}`);
}

/** Deletes a volume from the pool. Idempotent. */
export async function removeVolume(name: string, pool = DEFAULT_POOL): Promise<void> {
  const result = await virsh(['vol-delete', name, '--pool', pool], { allowFailure: true });
  if (result.exitCode !== 0 && (await listVolumes(pool)).includes(name)) throw new Error(`cannot delete volume ${name}: ${result.stderr.trim()}`);
}

/** Defines and starts a network from XML, unless one of that name exists (then just starts it). */
export async function ensureNetwork(name: string, xml: string, xmlFile: string): Promise<void> {
  if (!(await listNetworks()).includes(name)) {
    await writeFileAtomic(xmlFile, xml);
    await virsh(['net-define', xmlFile]);
  }
  const info = await virsh(['net-info', name]);
  if (/^Active:\s+no/m.test(info.stdout)) await virsh(['net-start', name]);
}

/** The domain's state word (running, shut off, ...) or undefined when it does not exist. */
export async function domainState(name: string): Promise<string | undefined> {
  const result = await virsh(['domstate', name], { allowFailure: true });
  return result.exitCode === 0 ? result.stdout.trim() : undefined;
}
