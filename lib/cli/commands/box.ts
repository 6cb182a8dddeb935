import type { Command } from 'commander';
import { formatDuration, nowMs } from '../../common/time.ts';
import { BOX_ROLES, type BoxRole } from '../../vms/vagrant/box/box-recipe.ts';
import { buildBox } from '../../vms/vagrant/box/box-build.ts';
import { printDocument } from '../output.ts';
import { cliProgress } from '../progress.ts';
import { TopologyError } from '../../common/errors.ts';

export function registerBox(program: Command): void {
  const box = program
    .command('box')
    .description('Vagrant boxes for the vagrant VM provider (built locally, no downloads)')
    .addHelpText('after', '\nExamples:\n  npx hybrid-lab box build\n  npx hybrid-lab box build --role docker --force');
  box
    .command('build')
    .description('build the hybrid-lab Vagrant box (debootstrap Debian, kernel, qcow2) and add it to Vagrant; cached by recipe hash')
    .option('--role <role>', `box role: ${BOX_ROLES.join(' or ')}`, 'base')
    .option('--force', 'rebuild even when the installed box matches the recipe')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  npx hybrid-lab box build\n  npx hybrid-lab box build --role docker\n  npx hybrid-lab box build --force --json',
    )
    .action(async (options: { role: string; force?: boolean; json?: boolean }) => {
      if (!(BOX_ROLES as readonly string[]).includes(options.role)) {
        throw new TopologyError('--role', options.role, 'unknown box role', `use one of ${BOX_ROLES.join(', ')}`);
      }
      const started = nowMs();
      const built = await buildBox({ role: options.role as BoxRole, force: options.force, reporter: cliProgress() });
      const elapsedMs = nowMs() - started;
      if (options.json) printDocument('box-build', { ...built, elapsedMs: Math.round(elapsedMs) });
      else process.stdout.write(`${built.name} ${built.cached ? 'already current' : 'built'} (recipe ${built.hash}) in ${formatDuration(elapsedMs)}\n`);
    });
}
