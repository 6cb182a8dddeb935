import { existsSync, readdirSync } from 'node:fs';
import { chmod, copyFile, mkdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { SetupError } from '../../common/errors.ts';
import { cacheDir } from '../../common/paths.ts';

/** libvirt connection every virsh call and every Vagrantfile uses. */
export const LIBVIRT_URI = 'qemu:///system';

/** Where Vagrant keeps boxes and its data: under the project's cache, not ~/.vagrant.d. */
export function vagrantHome(): string {
  return join(cacheDir(), 'vagrant', 'home');
}

/** Box build work and outputs (kernel, initrd, .box) shared by every lab. */
export function boxCacheDir(): string {
  return join(cacheDir(), 'vagrant', 'boxes');
}

/**
 * Environment for every `vagrant` run. No phone-home: the checkpoint service and box update
 * checks are off (the Vagrantfiles also set box_check_update = false).
 */
export function vagrantEnv(): Record<string, string> {
  return {
    VAGRANT_HOME: vagrantHome(),
    VAGRANT_CHECKPOINT_DISABLE: '1',
    VAGRANT_BOX_UPDATE_CHECK_DISABLE: '1',
    VAGRANT_DEFAULT_PROVIDER: 'libvirt',
    VAGRANT_NO_COLOR: '1',
    LIBVIRT_DEFAULT_URI: LIBVIRT_URI,
  };
}

/** Directories the Debian vagrant package has used for its insecure key pair, newest first. */
const INSECURE_KEY_DIRS = ['/usr/share/rubygems-integration/all/gems', '/usr/share/vagrant'];

/** The Vagrant insecure key pair shipped with the vagrant package (private key, public key). */
export function insecureKeyPair(): { privateKey: string; publicKey: string } {
  for (const dir of candidateKeyDirs()) {
    const privateKey = join(dir, 'vagrant');
    if (existsSync(privateKey) && existsSync(`${privateKey}.pub`)) return { privateKey, publicKey: `${privateKey}.pub` };
  }
  throw new SetupError('cannot find the Vagrant insecure key pair (keys/vagrant, keys/vagrant.pub). Fix: apt-get install vagrant');
}

function candidateKeyDirs(): string[] {
  const dirs: string[] = [];
  for (const base of INSECURE_KEY_DIRS) {
    if (!existsSync(base)) continue;
    dirs.push(join(base, 'keys'));
    // Debian: /usr/share/rubygems-integration/all/gems/vagrant-<version>/keys
    for (const entry of readDirSafe(base).filter((name) => name.startsWith('vagrant-')).sort().reverse()) {
      dirs.push(join(base, entry, 'keys'));
    }
  }
  return dirs;
}

function readDirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/**
 * A 0600 copy of the insecure private key for plain ssh (the package ships it 0644, which ssh
 * refuses for its owner). Vagrant keeps its own copy in VAGRANT_HOME the same way.
 */
export async function sshPrivateKey(): Promise<string> {
  const copy = join(cacheDir(), 'vagrant', 'insecure_private_key');
  if (!existsSync(copy)) {
    await mkdir(join(cacheDir(), 'vagrant'), { recursive: true });
    const temp = `${copy}.${process.pid}`;
    await copyFile(insecureKeyPair().privateKey, temp);
    await chmod(temp, 0o600);
    await rename(temp, copy);
  }
  return copy;
}
