import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { shortHash } from '../common/hash.ts';
import { cacheDir } from '../common/paths.ts';
import { run } from '../common/run.ts';
import { IMAGE_LABEL, type ContainerRuntime } from '../runtimes/runtime.ts';
import { RootfsBuilder, fileDigestInputs, sharedLibraries } from './rootfs.ts';
import { memoizedContentKey } from './input-memo.ts';
import { buildEchoTool } from './static-tools.ts';
import { LAB_DIR } from '../topology/load.ts';
const NODE_SERVICES_SCRIPT = join(LAB_DIR, 'images', 'node', 'services.sh');

export interface LocalImage {
  /** repo:tag, the tag being the content hash of everything that went in. */
  reference: string;
  /** Whether this call built it (false: it was cached). */
  built: boolean;
}

/** Packs a rootfs directory and imports it into the runtime (no registry, no Dockerfile). */
async function importRootfs(runtime: ContainerRuntime, root: string, reference: string, changes: string[]): Promise<void> {
  const tarball = `${root}.tar`;
  await run('tar', ['--numeric-owner', '-C', root, '-cf', tarball, '.']);
  try {
    await runtime.importImage(tarball, reference, changes);
  } finally {
    await rm(tarball, { force: true });
  }
}

/**
 * Builds (or reuses) an image whose tag is the hash of its inputs' content. `paths` are the
 * files that decide it (the top-level ones; their libraries are covered by the package status).
 */
async function cachedImage(runtime: ContainerRuntime, name: string, paths: readonly string[], contentInputs: () => Promise<Buffer[]>, fill: (rootfs: RootfsBuilder) => Promise<void>, changes: string[]): Promise<LocalImage> {
  const tag = await memoizedContentKey(name, paths, async () => shortHash(await contentInputs()));
  const reference = `hybrid-lab/${name}:${tag}`;
  if (await runtime.imageExists(reference)) return { reference, built: false };
  const root = join(cacheDir(), 'images', `${name}-${process.pid}`);
  const rootfs = new RootfsBuilder(root);
  await rootfs.reset();
  try {
    await fill(rootfs);
    await importRootfs(runtime, root, reference, [...changes, `LABEL ${IMAGE_LABEL}=${name}`]);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
  return { reference, built: true };
}

/** The node image: busybox (httpd, ping, nslookup, nc), hl-echo, iperf3 and the services script. */
export async function buildNodeImage(runtime: ContainerRuntime): Promise<LocalImage> {
  const echo = await buildEchoTool();
  const paths = ['/bin/busybox', echo, NODE_SERVICES_SCRIPT, '/usr/bin/iperf3'];
  return cachedImage(
    runtime,
    'node',
    paths,
    async () => fileDigestInputs([...paths, ...(await sharedLibraries('/usr/bin/iperf3'))]),
    async (rootfs) => {
      await rootfs.addBusybox();
      await rootfs.addAccounts();
      await rootfs.addFile(echo, '/usr/bin/hl-echo', 0o755);
      await rootfs.addDynamicProgram('/usr/bin/iperf3');
      await rootfs.writeFile('/etc/hybrid-lab/services.sh', await readFile(NODE_SERVICES_SCRIPT, 'utf8'), 0o755);
    },
    ['ENV PATH=/usr/sbin:/usr/bin:/sbin:/bin', 'ENTRYPOINT ["/bin/sh", "/etc/hybrid-lab/services.sh"]'],
  );
}

/** The DNS image: dnsmasq from the host's package with its libraries, on busybox. */
export async function buildDnsImage(runtime: ContainerRuntime): Promise<LocalImage> {
  const paths = ['/bin/busybox', '/usr/sbin/dnsmasq'];
  return cachedImage(
    runtime,
    'dns',
    paths,
    async () => fileDigestInputs([...paths, ...(await sharedLibraries('/usr/sbin/dnsmasq'))]),
    async (rootfs) => {
      await rootfs.addBusybox();
      await rootfs.addAccounts();
      await rootfs.addDynamicProgram('/usr/sbin/dnsmasq');
      await mkdir(join(rootfs.root, 'var/lib/misc'), { recursive: true });
    },
    ['ENV PATH=/usr/sbin:/usr/bin:/sbin:/bin', 'ENTRYPOINT ["/usr/sbin/dnsmasq", "--keep-in-foreground", "--conf-file=/etc/dnsmasq/dnsmasq.conf"]'],
  );
}

