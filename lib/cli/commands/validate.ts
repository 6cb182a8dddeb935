import type { Command } from 'commander';
import { checkTopologyAgainstHost } from '../../topology/host-conflicts.ts';
import { loadTopology } from '../../topology/load.ts';
import { TOPOLOGY_OPTION } from '../lab-select.ts';
import { printDocument } from '../output.ts';

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('check a topology file without creating anything')
    .option(...TOPOLOGY_OPTION)
    .option('--no-host-check', 'skip checking the bridge name and subnet against this host')
    .option('--json', 'print the resolved topology as JSON (a bad file: an error document, exit 2)')
    .addHelpText('after', '\nExamples:\n  npx hybrid-lab validate\n  npx hybrid-lab validate -t lab/examples/vagrant.yaml --json')
    .action(async (options: { topology?: string; hostCheck: boolean; json?: boolean }) => {
      const topology = await loadTopology(options.topology);
      if (options.hostCheck) await checkTopologyAgainstHost(topology);
      for (const warning of topology.warnings ?? []) process.stderr.write(`warning: ${warning}\n`);
      if (options.json) printDocument('resolved-topology', topology);
      else process.stdout.write(`${topology.source}: ok — lab "${topology.name}", ${topology.nodes.length} nodes on ${topology.bridge.name} ${topology.bridge.subnet}\n`);
    });
}
