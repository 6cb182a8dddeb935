import type { Command } from 'commander';
import { TopologyError } from '../../common/errors.ts';
import { terminalReporter } from '../../common/progress.ts';
import { formatDuration, nowMs } from '../../common/time.ts';
import { ensureVmDisk } from '../../images/vm-disk/build.ts';
import { printJson } from '../output.ts';

/** Image recipes `image build` knows; each maps to a builder in lib/images. */
const IMAGE_RECIPES = ['vm-debian'] as const;

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function registerImage(program: Command): void {
  const image = program
    .command('image')
    .description('local image recipes (built from Debian packages, no registry), cached by recipe hash')
    .addHelpText('after', '\nExamples:\n  npx hybrid-lab image build vm-debian\n  npx hybrid-lab image build vm-debian --package nginx-light --json');
  image
    .command('build <recipe>')
    .description(`build a recipe: ${IMAGE_RECIPES.join(', ')} (vm-debian: a Debian qcow2 disk with cloud-init and sshd for disk: { recipe: debian })`)
    .option('--package <name>', 'extra Debian package baked into the image (repeatable)', collect, [])
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExamples:\n  npx hybrid-lab image build vm-debian --package postgresql --package python3')
    .action(async (recipe: string, options: { package: string[]; json?: boolean }) => {
      if (!(IMAGE_RECIPES as readonly string[]).includes(recipe)) {
        throw new TopologyError('recipe', recipe, 'unknown image recipe', `use one of ${IMAGE_RECIPES.join(', ')}`);
      }
      const started = nowMs();
      const built = await ensureVmDisk({ recipe: 'debian', packages: options.package }, terminalReporter());
      const elapsedMs = Math.round(nowMs() - started);
      if (options.json) printJson({ recipe, packages: built.recipe.packages, hash: built.hash, disk: built.disk, kernel: built.kernel, initrd: built.initrd, built: built.built, elapsedMs });
      else process.stdout.write(`${recipe} ${built.built ? 'built' : 'already built'} (recipe ${built.hash}) in ${formatDuration(elapsedMs)}: ${built.disk}\n`);
    });
}
