import type { Command } from 'commander';
import { TopologyError } from '../../common/errors.ts';
import { terminalReporter } from '../../common/progress.ts';
import { formatDuration, nowMs } from '../../common/time.ts';
import { ensureDebianImage } from '../../images/debian/base-image.ts';
import { containerRuntime } from '../../runtimes/registry.ts';
import { debianPackageName } from '../../topology/workload-schema.ts';
import { printJson } from '../output.ts';

const RECIPES = ['debian'] as const;

export function registerImage(program: Command): void {
  const image = program
    .command('image')
    .description('local base images for Dockerfiles (built here, no registry)')
    .addHelpText('after', '\nExamples:\n  npx hybrid-lab image build debian\n  npx hybrid-lab image build debian --package python3 --package python3-psycopg2 --json');
  image
    .command('build <recipe>')
    .description('build a minimal Debian image (debootstrap minbase from the host\'s apt mirror, plus --package ...), cached by recipe hash; prints its reference')
    .option('--package <name>', 'an extra Debian package (repeatable)', (value: string, previous: string[]) => [...previous, value], [] as string[])
    .option('--runtime <name>', 'container runtime to import into', 'docker')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nUse it in a Dockerfile as FROM <printed reference>; with no --package it is also hybrid-lab/debian:bookworm.')
    .action(async (recipe: string, options: { package: string[]; runtime: string; json?: boolean }) => {
      if (!(RECIPES as readonly string[]).includes(recipe)) throw new TopologyError('recipe', recipe, 'unknown image recipe', `use one of ${RECIPES.join(', ')}`);
      for (const name of options.package) {
        const checked = debianPackageName.safeParse(name);
        if (!checked.success) throw new TopologyError('--package', name, 'not a Debian package name', 'use the name apt knows, e.g. python3-psycopg2');
      }
      const started = nowMs();
      const runtime = await containerRuntime(options.runtime);
      await runtime.ensureRunning();
      const built = await ensureDebianImage(runtime, options.package, { reporter: terminalReporter(), field: '--package' });
      const elapsedMs = Math.round(nowMs() - started);
      if (options.json) printJson({ ...built, elapsedMs });
      else process.stdout.write(`${built.reference}${built.alias ? ` (also ${built.alias})` : ''} ${built.built ? 'built' : built.imported ? 'imported from the cache' : 'cached'} in ${formatDuration(elapsedMs)}\n`);
    });
}
