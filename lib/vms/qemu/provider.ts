import { step } from '../../common/progress.ts';
import type { VmHandle, VmLabContext, VmProvider } from '../provider.ts';
import { guestArtefacts } from './artefacts.ts';
import { vmInitrd } from './initramfs-extras.ts';
import { ensureVmDisk } from '../../images/vm-disk/build.ts';
import { destroyQemuVm, findQemuLeftovers } from './cleanup.ts';
import { vmFiles } from './qemu-args.ts';
import { qemuIsRunning } from './liveness.ts';
import { describeBoot, qemuDetails, startQemuVm } from './start-vm.ts';
import { QemuVmNode } from './vm-node.ts';
import { provisioningOf, qemuNodeOptions } from './options.ts';
import { startDiskVm } from './disk/start-disk-vm.ts';
import { closeSshMaster, sshAccess, SshVmNode } from './disk/ssh.ts';
import { qmpCommand } from './qmp.ts';

/**
 * Direct QEMU: Debian's cloud kernel + a busybox initramfs built here, a tap on the lab bridge,
 * exec over the serial console (no libvirt; boots in seconds even under TCG). A node with `disk:`
 * boots that disk instead (a copy-on-write overlay, a cloud-init seed) and is exec'd over SSH.
 */
export const qemuProvider: VmProvider = {
  name: 'qemu',

  async prepare(ctx) {
    await guestArtefacts(ctx.reporter);
  },

  async prepareImages(spec, reporter) {
    const artefacts = await guestArtefacts(reporter);
    const { disk, initramfs } = qemuNodeOptions(spec);
    if (typeof disk === 'object') {
      const image = await ensureVmDisk({ recipe: disk.recipe, packages: disk.packages }, reporter);
      return [`VM disk ${image.recipe.recipe} ${image.hash}: ${image.disk}`];
    }
    if (typeof disk === 'string') return [`VM disk ${disk} (the user's own)`];
    const initrd = await vmInitrd(artefacts.initrd, initramfs, `VM ${spec.name} initramfs.packages`);
    return [`VM kernel ${artefacts.kernel.id}`, `VM initramfs ${initrd}`];
  },

  // The kernel guest resolves nothing as it boots and its udhcpc retries for 40 s (lab/images/vm/init.sh):
  // it boots while the DNS server starts. A disk's cloud-init may resolve names; SLAAC waits for the RAs.
  bootsBeforeDns(spec) {
    return qemuNodeOptions(spec).disk === undefined && !(spec.nics ?? []).some((nic) => nic.slaac);
  },

  async start(spec, ctx) {
    const artefacts = await guestArtefacts(ctx.reporter);
    return step(ctx.reporter, `VM ${spec.name} (qemu)`, async () => {
      // A VM of the same name from an earlier run would hold the tap: replace it, never run two.
      await destroyQemuVm(ctx.labName, spec.name, ctx.stateDir);
      try {
        const options = qemuNodeOptions(spec);
        const { disk, readyTimeoutSec } = options;
        if (disk !== undefined) return await startDiskVm({ ...spec, disk, cloudInit: provisioningOf(options), readyTimeoutSec }, ctx, artefacts.accel.mode);
        return await startQemuVm(spec, ctx, artefacts);
      } catch (error) {
        await destroyQemuVm(ctx.labName, spec.name, ctx.stateDir).catch(() => undefined);
        throw error;
      }
    }, describeBoot);
  },

  node(handle: VmHandle, ctx: VmLabContext) {
    const details = qemuDetails(handle);
    if (details.exec === 'ssh') return new SshVmNode(handle.name, handle.ip, sshAccess(String(details.dir)));
    return new QemuVmNode(handle.name, handle.ip, details.serialSocket ?? vmFiles(ctx.stateDir, handle.name).serialSocket);
  },

  isRunning: qemuIsRunning,

  async pause(handle, ctx) {
    await qmpCommand(qmpSocketOf(handle, ctx), 'stop');
  },

  async resume(handle, ctx) {
    await qmpCommand(qmpSocketOf(handle, ctx), 'cont');
  },

  async destroy(handle, ctx) {
    const details = qemuDetails({ details: handle.details ?? {} });
    if (details.exec === 'ssh' && handle.ip) await closeSshMaster(handle.ip, sshAccess(String(details.dir)));
    await destroyQemuVm(ctx.labName, handle.name, ctx.stateDir);
  },

  async findLeftovers(labName, ctx) {
    return findQemuLeftovers(labName, ctx.stateDir);
  },
};

/** The VM's QMP monitor socket (in the handle since it was started; the lab's usual path otherwise). */
function qmpSocketOf(handle: VmHandle, ctx: VmLabContext): string {
  return qemuDetails(handle).qmpSocket ?? vmFiles(ctx.stateDir, handle.name).qmpSocket;
}
