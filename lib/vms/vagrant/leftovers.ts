import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { hasProgram, run } from '../../common/run.ts';
import type { VmLeftover } from '../provider.ts';
import { vagrantEnv } from './env.ts';
import { ensureLibvirtDaemons } from './host-setup.ts';
import { listDomains, listNetworks, listVolumes, removeDomain, removeNetwork, removeVolume } from './libvirt.ts';
import { labPrefix } from './names.ts';

/**
 * Everything of a lab the vagrant provider can find without its state: libvirt domains, disk
 * volumes and networks named `hl_<lab>_...`, and the lab's Vagrant project folder. Listed in
 * removal order (domains before the volumes and networks they use).
 */
export async function findLabLeftovers(labName: string, projectDir: string): Promise<VmLeftover[]> {
  const leftovers: VmLeftover[] = [];
  if (await hasProgram('virsh')) {
    // Definitions persist while libvirtd is down; it must run to list and remove them.
    await ensureLibvirtDaemons();
    const prefix = labPrefix(labName);
    for (const id of (await listDomains()).filter((name) => name.startsWith(prefix))) {
      leftovers.push({ kind: 'libvirt-domain', id, remove: () => removeDomain(id) });
    }
    for (const id of (await listVolumes()).filter((name) => name.startsWith(prefix))) {
      leftovers.push({ kind: 'libvirt-volume', id, remove: () => removeVolume(id) });
    }
    for (const id of (await listNetworks()).filter((name) => name.startsWith(prefix))) {
      leftovers.push({ kind: 'libvirt-network', id, remove: () => removeNetwork(id) });
    }
  }
  if (existsSync(projectDir)) {
    leftovers.push({ kind: 'vagrant-project', id: projectDir, remove: () => removeProject(projectDir) });
  }
  return leftovers;
}

/** Deletes the project folder and drops its machines from Vagrant's global index (else `vagrant global-status` lists them forever). */
async function removeProject(projectDir: string): Promise<void> {
  await rm(projectDir, { recursive: true, force: true });
  await run('vagrant', ['global-status', '--prune'], { env: vagrantEnv(), cwd: '/', allowFailure: true, timeoutMs: 60_000 }).catch(() => undefined);
}
