import type { Command } from 'commander';
import { TopologyError } from '../../common/errors.ts';
import { formatDuration, nowMs } from '../../common/time.ts';
import { debianPackageName } from '../../topology/workload-schema.ts';
import { printJson } from '../output.ts';
import { cliProgress } from '../progress.ts';

/**
 * Image recipes `image build` knows, each a builder in lib/images: `debian` (a container base
 * image for Dockerfiles' FROM) and `vm-debian` (a qcow2 disk with cloud-init and sshd for VMs).
 */
const RECIPES = ['debian', 'vm-debian'] as const;
type Recipe = (typeof RECIPES)[number];

export function registerImage(program: Command): void {
  const image = program
    .command('image')
    .description('local image recipes built from Debian packages (no registry), cached by recipe hash')
    .addHelpText('after', '\nExamples:\n  npx hybrid-lab image build debian --package python3 --json\n  npx hybrid-lab image build vm-debian --package nginx-light\n  npx hybrid-lab image prepare lab/examples/microservices/microservices.yaml');
  image
    .command('build <recipe>')
    .description(`build a recipe: ${RECIPES.join(', ')} (debian: container base image, FROM its printed reference; vm-debian: VM disk for disk: { recipe: debian })`)
    .option('--package <name>', 'an extra Debian package (repeatable)', (value: string, previous: string[]) => [...previous, value], [] as string[])
    .option('--runtime <name>', 'container runtime to import a container image into', 'docker')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExamples:\n  npx hybrid-lab image build debian --package python3 --package python3-psycopg2\n  npx hybrid-lab image build vm-debian --package postgresql --json')
    .action(async (recipe: string, options: { package: string[]; runtime: string; json?: boolean }) => {
      if (!(RECIPES as readonly string[]).includes(recipe)) throw new TopologyError('recipe', recipe, 'unknown image recipe', `use one of ${RECIPES.join(', ')}`);
      for (const name of options.package) {
        if (!debianPackageName.safeParse(name).success) throw new TopologyError('--package', name, 'not a Debian package name', 'use the name apt knows, e.g. python3-psycopg2');
      }
      const started = nowMs();
      const result = await buildRecipe(recipe as Recipe, options.package, options.runtime);
      const elapsedMs = Math.round(nowMs() - started);
      if (options.json) printJson({ recipe, ...result.document, elapsedMs });
      else process.stdout.write(`${result.summary} in ${formatDuration(elapsedMs)}\n`);
    });
  image
    .command('prepare [topologies...]')
    .description('build (or find in the cache) every image the topology files need, without bringing anything up (default: the default topology)')
    .option('--no-setup', 'do not install packages or start the engine')
    .option('--json', 'print one result per topology as JSON')
    .addHelpText('after', '\nA later `up` then only starts things; an `up` run meanwhile waits for a build in progress instead of repeating it.\n\nExamples:\n  npx hybrid-lab image prepare\n  npx hybrid-lab image prepare lab/examples/*/*.yaml --json')
    .action(async (files: string[], options: { setup: boolean; json?: boolean }) => {
      const [{ loadTopology }, { prepareLabImages }] = await Promise.all([import('../../topology/load.ts'), import('../../lab/prepare-images.ts')]);
      // Every file is read and checked before anything is built: a bad one stops here with exit 2.
      const topologies = [];
      for (const file of files.length > 0 ? files : [undefined]) topologies.push(await loadTopology(file));
      const results = [];
      for (const topology of topologies) {
        const result = await prepareLabImages(topology, cliProgress(), { setup: options.setup });
        results.push(result);
        if (!options.json) process.stdout.write(`${topology.source}: ${result.artefacts.length} image(s) ready in ${formatDuration(result.elapsedMs)}\n${result.artefacts.map((line) => `  ${line}`).join('\n')}\n`);
      }
      if (options.json) printJson(results);
    });
}

/** Builds one recipe (each builder loaded only when asked for). */
async function buildRecipe(recipe: Recipe, packages: string[], runtimeName: string): Promise<{ document: object; summary: string }> {
  if (recipe === 'vm-debian') {
    const { ensureVmDisk } = await import('../../images/vm-disk/build.ts');
    const built = await ensureVmDisk({ recipe: 'debian', packages }, cliProgress());
    return {
      document: { packages: built.recipe.packages, hash: built.hash, disk: built.disk, kernel: built.kernel, initrd: built.initrd, built: built.built },
      summary: `vm-debian ${built.built ? 'built' : 'already built'} (recipe ${built.hash}): ${built.disk}`,
    };
  }
  const [{ ensureDebianImage }, { containerRuntime }] = await Promise.all([import('../../images/debian/base-image.ts'), import('../../runtimes/registry.ts')]);
  const runtime = await containerRuntime(runtimeName);
  await runtime.ensureRunning();
  const built = await ensureDebianImage(runtime, packages, { reporter: cliProgress(), field: '--package' });
  return { document: built, summary: `${built.reference}${built.alias ? ` (also ${built.alias})` : ''} ${built.built ? 'built' : built.imported ? 'imported from the cache' : 'cached'}` };
}
