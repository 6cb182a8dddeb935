import { readFile } from 'node:fs/promises';
import { shortHash } from '../../../common/hash.ts';
import type { DebianMirror } from '../../../images/debian/apt-mirror.ts';
import { GUEST_FILES } from './guest-files.ts';
import { HANDOFF_INIT } from './initramfs.ts';

/** Box roles, as the seeds' `hybrid-base` and `hybrid-docker`. */
export const BOX_ROLES = ['base', 'docker'] as const;
export type BoxRole = (typeof BOX_ROLES)[number];

/** Bump when the build steps change in a way the hashed inputs do not show. */
const RECIPE_VERSION = '1';

/** The name `vagrant box add` registers, used as config.vm.box. */
export function boxName(role: BoxRole): string {
  return `hybrid-lab/debian-${role}`;
}

/**
 * Packages debootstrap installs. The kernel is installed in the guest (not just booted from the
 * host) so `modprobe` works inside, which the docker role needs for overlay and bridge modules.
 * curl: HTTP probes from the guest (busybox-static's wget segfaults on Debian 12).
 */
export function boxPackages(role: BoxRole): string[] {
  const base = ['openssh-server', 'sudo', 'iproute2', 'iputils-ping', 'kmod', 'iperf3', 'curl', 'linux-image-cloud-amd64'];
  return role === 'docker' ? [...base, 'docker.io', 'iptables'] : base;
}

/** Everything that decides the box's content, for the cache key. */
export interface BoxRecipeInputs {
  role: BoxRole;
  mirror: DebianMirror;
  busybox: string;
  echoTool: string;
  insecurePublicKey: string;
  boxVagrantfileTemplate: string;
}

/** Content hash of the recipe: the same inputs give the same box, so a second build is a no-op. */
export async function boxRecipeHash(inputs: BoxRecipeInputs): Promise<string> {
  return shortHash([
    RECIPE_VERSION,
    inputs.role,
    inputs.mirror.suite,
    boxPackages(inputs.role).join(','),
    JSON.stringify(GUEST_FILES),
    HANDOFF_INIT,
    inputs.boxVagrantfileTemplate,
    await readFile(inputs.busybox),
    await readFile(inputs.echoTool),
    await readFile(inputs.insecurePublicKey),
  ]);
}
