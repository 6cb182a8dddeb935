import { existsSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { VmLeftover } from '../provider.ts';
import { qemuGuestLabel, qemuNameArg, vmFiles } from './qemu-args.ts';
import { listQemuProcesses, type QemuProcess, runningQemuPid, stopQemu } from './qemu-process.ts';
import { findLabTaps, removeTap, tapName } from './tap.ts';
import { findSshMasters } from './disk/ssh.ts';

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    // already gone
  }
}

/** Stops one VM's QEMU (if running), removes its tap and its runtime files. Safe to repeat. */
export async function destroyQemuVm(labName: string, nodeName: string, stateDir: string): Promise<void> {
  const files = vmFiles(stateDir, nodeName);
  const pid = await runningQemuPid(files.pidFile, qemuGuestLabel(labName, nodeName));
  if (pid !== undefined) await stopQemu(pid, files.qmpSocket);
  // A QEMU whose pid file was lost is still found by its label.
  for (const qemu of await labQemuProcesses(labName, stateDir)) {
    if (qemu.argv.includes(qemuNameArg(qemuGuestLabel(labName, nodeName)))) await stopQemu(qemu.pid);
  }
  await removeTap(tapName(labName, nodeName));
  // Taps of the VM's further NICs, found by their alias (the handle need not have survived).
  for (const tap of await findLabTaps(labName, nodeName)) await removeTap(tap);
  for (const pid of await findSshMasters(files.dir)) killQuietly(pid);
  await rm(files.dir, { recursive: true, force: true });
}

/** QEMU processes of this lab: labelled with its name, or using files under its state dir. */
async function labQemuProcesses(labName: string, stateDir: string): Promise<QemuProcess[]> {
  const label = qemuNameArg(qemuGuestLabel(labName, ''));
  const filesRoot = `${join(stateDir, 'qemu')}/`;
  return (await listQemuProcesses()).filter((qemu) => qemu.argv.some((arg) => arg.startsWith(label) || arg.includes(filesRoot)));
}

/** Everything of this lab the qemu provider can find without a state file: processes, taps, file dirs. */
export async function findQemuLeftovers(labName: string, stateDir: string): Promise<VmLeftover[]> {
  const leftovers: VmLeftover[] = [];
  const filesRoot = join(stateDir, 'qemu');
  // A disk VM's shared SSH connection outlives its exec calls by up to a minute.
  const [qemus, taps, sshMasters] = await Promise.all([labQemuProcesses(labName, stateDir), findLabTaps(labName), findSshMasters(filesRoot)]);
  for (const qemu of qemus) {
    leftovers.push({ kind: 'qemu-process', id: String(qemu.pid), remove: () => stopQemu(qemu.pid) });
  }
  for (const tap of taps) {
    leftovers.push({ kind: 'tap', id: tap, remove: () => removeTap(tap) });
  }
  for (const pid of sshMasters) {
    leftovers.push({ kind: 'ssh-master', id: String(pid), remove: async () => killQuietly(pid) });
  }
  if (existsSync(filesRoot)) {
    for (const node of await readdir(filesRoot)) {
      const dir = join(filesRoot, node);
      leftovers.push({ kind: 'vm-files', id: dir, remove: () => rm(dir, { recursive: true, force: true }) });
    }
  }
  return leftovers;
}
