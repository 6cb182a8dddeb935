import type { Command } from 'commander';
import { formatDuration } from '../../common/time.ts';
import { upLab } from '../../lab/up.ts';
import { loadTopology } from '../../topology/load.ts';
import { assertDockerSocketAccess } from '../docker-access.ts';
import { TOPOLOGY_OPTION } from '../lab-select.ts';
import { printDocument } from '../output.ts';
import { cliProgress } from '../progress.ts';

export function registerUp(program: Command): void {
  program
    .command('up')
    .description('bring a lab up (installs missing host packages, builds images, creates bridge, DNS, containers, VMs)')
    .option(...TOPOLOGY_OPTION)
    .option('--no-setup', 'do not install packages or start dockerd')
    .option('--json', 'print the result as JSON (progress still goes to stderr)')
    .addHelpText('after', '\nExamples:\n  npx hybrid-lab up\n  npx hybrid-lab up -t lab/examples/vagrant.yaml\n  npx hybrid-lab up --json | jq .created')
    .action(async (options: { topology?: string; setup: boolean; json?: boolean }) => {
      const topology = await loadTopology(options.topology);
      await assertDockerSocketAccess();
      const result = await upLab(topology, { reporter: cliProgress({ numbered: true }), setup: options.setup });
      if (options.json) return printDocument('up', result);
      const what = result.created.length + result.removed.length === 0 ? 'already up, nothing changed' : `${result.created.length} created, ${result.removed.length} removed`;
      process.stdout.write(`lab "${result.lab}" is up: ${what} (${formatDuration(result.elapsedMs)})\n`);
    });
}
