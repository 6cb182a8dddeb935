import type { Command } from 'commander';
import { HybridLabError } from '../../common/errors.ts';
import { findNode, openLab } from '../../lab/lab-nodes.ts';
import { assertDockerSocketAccess } from '../docker-access.ts';
import { execWithStdin } from '../exec-stdin.ts';
import { wholeNumber } from '../flag-values.ts';
import { LAB_OPTION, selectedLabName, TOPOLOGY_OPTION } from '../lab-select.ts';
import { printDocument } from '../output.ts';

interface ExecFlags {
  topology?: string;
  lab?: string;
  timeout?: number;
  interactive?: boolean;
  json?: boolean;
}

export function registerExec(program: Command): void {
  program
    .command('exec')
    .description('run a command inside a node (host, dns, container or VM), like docker exec')
    .argument('<node>', 'node name (host, dns, or a topology node)')
    .argument('<command...>', 'command and arguments (put -- before them)')
    .option(...TOPOLOGY_OPTION)
    .option(...LAB_OPTION)
    .option('-i, --interactive', 'pass this command\'s stdin to the node\'s command (containers and the host), output streams as it comes')
    .option('--timeout <ms>', 'kill the command after this many milliseconds', wholeNumber('--timeout', 'milliseconds'))
    .option('--json', 'print exit code, stdout and stderr as JSON')
    .addHelpText(
      'after',
      `
-t is --topology here as everywhere (there is no TTY option); -i is --interactive, like docker exec -i.

Examples:
  npx hybrid-lab exec test-container -- ping -c 2 web-server.hybrid.local
  npx hybrid-lab exec base-vm -- nslookup test-container
  echo 'echo hi' | npx hybrid-lab exec -i test-container -- sh`,
    )
    .action(async (nodeName: string, argv: string[], options: ExecFlags) => {
      if (options.interactive && options.json) throw new HybridLabError('--interactive streams the output; it cannot be combined with --json. Fix: drop one of them');
      await assertDockerSocketAccess();
      const lab = await openLab(await selectedLabName(options));
      const node = findNode(lab, nodeName);
      if (options.interactive) {
        process.exitCode = await execWithStdin(node, argv, options.timeout);
        return;
      }
      const result = await node.exec(argv, { timeoutMs: options.timeout });
      if (options.json) printDocument('exec', { node: nodeName, argv, ...result });
      else {
        process.stdout.write(result.stdout);
        process.stderr.write(result.stderr);
      }
      process.exitCode = result.exitCode;
    });
}
