import type { Command } from 'commander';
import { EXIT_CHECK_FAILED } from '../../common/errors.ts';
import { formatDuration } from '../../common/time.ts';
import { downLab } from '../../lab/down.ts';
import { loadTopology } from '../../topology/load.ts';
import { assertDockerSocketAccess } from '../docker-access.ts';
import { LAB_OPTION, TOPOLOGY_OPTION } from '../lab-select.ts';
import { printDocument } from '../output.ts';
import { cliProgress } from '../progress.ts';

export function registerDown(program: Command): void {
  program
    .command('down')
    .description('remove everything a lab made (also leftovers of a crashed up)')
    .option(...TOPOLOGY_OPTION)
    .option(...LAB_OPTION)
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExamples:\n  npx hybrid-lab down\n  npx hybrid-lab down --lab vagrantlab')
    .action(async (options: { topology?: string; lab?: string; json?: boolean }) => {
      // down also sweeps labs whose state file is lost, so an unknown --lab is not an error here.
      const fallback = options.lab ? undefined : await loadTopology(options.topology);
      const name = options.lab ?? fallback!.name;
      await assertDockerSocketAccess();
      const result = await downLab(name, fallback, cliProgress());
      // What could not be removed (and notes, refusals) when the library reports them.
      const { failures = [], notes = [], refused = [] } = result as Partial<Record<'failures' | 'notes' | 'refused', string[]>>;
      if (failures.length > 0) process.exitCode = EXIT_CHECK_FAILED;
      if (options.json) return printDocument('down', result);
      for (const note of [...notes, ...refused]) process.stderr.write(`  ${note}\n`);
      if (failures.length > 0) {
        process.stdout.write(`lab "${name}" is NOT fully down: ${failures.length} resource(s) could not be removed (${formatDuration(result.elapsedMs)}):\n`);
        for (const failure of failures) process.stdout.write(`  ✘ ${failure}\n`);
        process.stdout.write(`Fix: see the reasons above, then run \`hybrid-lab down --lab ${name}\` again\n`);
        return;
      }
      const extra = result.leftovers.length > 0 ? `, ${result.leftovers.length} leftover(s) found and removed` : '';
      process.stdout.write(`lab "${name}" is down: ${result.removed.length} resource(s) removed${extra} (${formatDuration(result.elapsedMs)})\n`);
    });
}
