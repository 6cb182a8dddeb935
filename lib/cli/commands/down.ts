import type { Command } from 'commander';
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
      if (options.json) return printDocument('down', result);
      const extra = result.leftovers.length > 0 ? `, ${result.leftovers.length} leftover(s) found and removed` : '';
      process.stdout.write(`lab "${name}" is down: ${result.removed.length} resource(s) removed${extra} (${formatDuration(result.elapsedMs)})\n`);
    });
}
