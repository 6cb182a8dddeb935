import { chmod, copyFile, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { run } from '../common/run.ts';

/** A directory being filled as a root filesystem for an image or initramfs. */
export class RootfsBuilder {
  constructor(readonly root: string) {}

  async reset(): Promise<void> {
    await rm(this.root, { recursive: true, force: true });
    await mkdir(this.root, { recursive: true });
    for (const dir of ['bin', 'sbin', 'etc', 'tmp', 'proc', 'sys', 'dev', 'www', 'run', 'var/run', 'root']) await mkdir(join(this.root, dir), { recursive: true });
  }

  /** Copies the static busybox and links every applet it has. */
  async addBusybox(busyboxPath = '/bin/busybox'): Promise<void> {
    await this.addFile(busyboxPath, '/bin/busybox', 0o755);
    const applets = (await run(busyboxPath, ['--list'])).stdout.split('\n').filter((name) => name && name !== 'busybox');
    for (const applet of applets) await symlink('busybox', join(this.root, 'bin', applet)).catch(() => undefined);
  }

  /** Copies a dynamically linked program and the libraries `ldd` says it needs, at the same paths. */
  async addDynamicProgram(programPath: string, targetPath = programPath): Promise<void> {
    await this.addFile(programPath, targetPath, 0o755);
    for (const library of await sharedLibraries(programPath)) await this.addFile(library, library, 0o755);
  }

  async addFile(source: string, target: string, mode = 0o644): Promise<void> {
    const destination = join(this.root, target);
    await mkdir(dirname(destination), { recursive: true });
    await copyFile(source, destination);
    await chmod(destination, mode);
  }

  async writeFile(target: string, content: string, mode = 0o644): Promise<void> {
    const destination = join(this.root, target);
    await mkdir(dirname(destination), { recursive: true });
    await writeFile(destination, content, { mode });
    await chmod(destination, mode);
  }

  /** Minimal account files so tools that look up users work. */
  async addAccounts(): Promise<void> {
    await this.writeFile('/etc/passwd', 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n');
    await this.writeFile('/etc/group', 'root:x:0:\nnogroup:x:65534:\n');
  }
}

/** Libraries and loader a dynamic binary needs, as absolute paths (from ldd's output). */
export function parseLdd(output: string): string[] {
  const paths = new Set<string>();
  for (const line of output.split('\n')) {
    const match = /=>\s*(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(/.exec(line);
    if (match) paths.add(match[1]);
  }
  return [...paths];
}

/** Absolute paths of the shared libraries (and loader) a program links against. */
export async function sharedLibraries(programPath: string): Promise<string[]> {
  return parseLdd((await run('ldd', [programPath])).stdout);
}

/** Content of the files that define an image, for its cache key. */
export async function fileDigestInputs(paths: readonly string[]): Promise<Buffer[]> {
  return Promise.all(paths.map((path) => readFile(path)));
}
