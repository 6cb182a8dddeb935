import { shortHash } from '../../common/hash.ts';
import type { DebianMirror } from '../debian/apt-mirror.ts';
import { DISABLED_UNITS, GUEST_CONFIG_FILES } from './guest-config.ts';

/** Recipe names a topology's `disk: { recipe: ... }` may use. */
export const VM_DISK_RECIPES = ['debian'] as const;
export type VmDiskRecipeName = (typeof VM_DISK_RECIPES)[number];

/** A locally built VM disk: Debian plus extra Debian packages baked in at build time. */
export interface VmDiskRecipe {
  recipe: VmDiskRecipeName;
  packages: readonly string[];
}

/** Debian package names as dpkg allows them; anything else never reaches debootstrap's argv. */
export const DEBIAN_PACKAGE_NAME = /^[a-z0-9][a-z0-9+.-]+$/;

/**
 * What every image has: systemd as init, the cloud kernel (its own kernel and initrd are booted
 * directly), cloud-init + netplan (the NoCloud seed's network-config), sshd (exec), and the
 * tools the lab's probes run on every node (ping, busybox, nc, curl, ip).
 */
export const BASE_PACKAGES = [
  'systemd-sysv', 'udev', 'dbus', 'kmod', 'e2fsprogs', 'linux-image-cloud-amd64', 'initramfs-tools',
  'cloud-init', 'netplan.io', 'openssh-server', 'sudo', 'iproute2', 'iputils-ping', 'curl', 'netbase',
  // The probes' tools, as on every lab node: `busybox nslookup|wget|timeout`, `nc`, iperf3 (and hl-echo, copied in).
  'busybox-static', 'netcat-openbsd', 'iperf3',
] as const;

/** Bump when the build steps change in a way the hashed inputs do not show. */
const RECIPE_VERSION = '2';

/** Extra packages, deduplicated and sorted: the same set gives the same image. */
export function recipePackages(recipe: VmDiskRecipe): string[] {
  return [...new Set(recipe.packages)].sort();
}

/** Content hash of a recipe on a mirror (and the hl-echo probe tool it carries): the cache key of the built image. */
export function vmDiskRecipeHash(recipe: VmDiskRecipe, mirror: DebianMirror, echoTool: Buffer): string {
  return shortHash([
    RECIPE_VERSION,
    recipe.recipe,
    mirror.uri,
    mirror.suite,
    BASE_PACKAGES.join(','),
    recipePackages(recipe).join(','),
    JSON.stringify(GUEST_CONFIG_FILES),
    DISABLED_UNITS.join(','),
    echoTool,
  ], 16);
}
