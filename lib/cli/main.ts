import { Command, CommanderError } from 'commander';
import { EXIT_BAD_INPUT } from '../common/errors.ts';
import { reportError } from './output.ts';
import { commands } from './commands/index.ts';

/** Builds the `hybrid-lab` program; each command lives in its own file under commands/. */
export function buildProgram(): Command {
  const program = new Command('hybrid-lab')
    .description('Provision and test hybrid networks: VMs and Docker containers on one Linux bridge, with lab DNS.')
    .option('--debug', 'show stack traces and external command details on errors')
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({ outputError: (text, write) => write(text) })
    .exitOverride();
  program.addHelpText(
    'after',
    `
Examples:
  npx hybrid-lab up                 bring the default lab up (lab/default.yaml)
  npx hybrid-lab status --json      nodes, addresses and state as JSON
  npx hybrid-lab exec test-container -- ping -c 2 web-server.hybrid.local
  npx hybrid-lab down               remove everything the lab made

Exit codes: 0 ok, 1 a check failed, 2 bad input or setup error.`,
  );
  for (const register of commands) register(program);
  return program;
}

/** Runs the CLI and returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  const debug = argv.includes('--debug');
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with code 0; usage errors with 1, which we map to 2.
      return error.exitCode === 0 ? 0 : EXIT_BAD_INPUT;
    }
    return reportError(error, debug);
  }
}
