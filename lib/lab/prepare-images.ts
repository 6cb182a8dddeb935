import { step, type ProgressReporter } from '../common/progress.ts';
import { runtimeFeatures } from '../host/packages.ts';
import { setupHost } from '../host/setup.ts';
import { buildDnsImage, buildNodeImage } from '../images/lab-images.ts';
import { resolveNodeImages } from '../images/workload-images.ts';
import { containerRuntime } from '../runtimes/registry.ts';
import type { ResolvedVmNode, Topology } from '../topology/topology.ts';
import { loadVmProvider } from '../vms/registry.ts';

/** What `image prepare` found or built for one topology. */
export interface PreparedImages {
  lab: string;
  source: string;
  /** One line per artefact: the lab's own images, each container's image, each VM's disk/box/initramfs. */
  artefacts: string[];
  elapsedMs: number;
}

/**
 * Builds (or finds in the cache) every image a topology's `up` would need, and creates nothing
 * else: no bridge, network, container or VM. CI runs it early (or in the background) so `up`
 * only starts things; a concurrent `up` of the same images waits for this build instead of
 * repeating it (the build lock).
 */
export async function prepareLabImages(topology: Topology, reporter: ProgressReporter, options: { setup?: boolean } = {}): Promise<PreparedImages> {
  const started = performance.now();
  const vms = topology.nodes.filter((node): node is ResolvedVmNode => node.kind === 'vm');
  if (options.setup !== false) await setupHost(reporter, ['core', 'build', ...runtimeFeatures(topology.runtime), ...(vms.length > 0 ? (['vm'] as const) : [])]);
  const runtime = await containerRuntime(topology.runtime);
  await runtime.ensureRunning();
  const node = await step(reporter, 'node image', () => buildNodeImage(runtime), (image) => image.reference);
  const dns = await step(reporter, 'DNS image', () => buildDnsImage(runtime), (image) => image.reference);
  const containers = await resolveNodeImages(topology, runtime, node.reference, reporter);
  const artefacts = [`node image ${node.reference}`, `DNS image ${dns.reference}`, ...[...containers].map(([name, image]) => `container ${name}: ${image}`)];
  // One VM at a time: two VMs of one recipe share one build, and a build is CPU-bound anyway.
  for (const vm of vms) {
    const provider = await loadVmProvider(vm.provider);
    artefacts.push(...(await provider.prepareImages(vm, reporter)).map((line) => `VM ${vm.name}: ${line}`));
  }
  return { lab: topology.name, source: topology.source, artefacts: [...new Set(artefacts)], elapsedMs: Math.round(performance.now() - started) };
}
