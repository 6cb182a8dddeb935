import { Command, CommanderError } from 'commander';
import { EXIT_BAD_INPUT } from '../common/errors.ts';
import { commands } from './commands/index.ts';
import { reportError } from './output.ts';
import { isBrokenPipe } from './terminal/pipes.ts';
import { packageVersion } from './version.ts';

const HELP_EPILOGUE = `
Examples:
  npx hybrid-lab up                 bring the default lab up (lab/default.yaml)
  npx hybrid-lab status --json      nodes, addresses and state as JSON
  npx hybrid-lab exec test-container -- ping -c 2 web-server.hybrid.local
  npx hybrid-lab down               remove everything the lab made

Short flags mean one thing everywhere: -t --topology, -o --out, -f --follow, -i --interactive.
Colour only on a terminal (NO_COLOR=1 turns it off, FORCE_COLOR=1 on).
Exit codes: 0 ok, 1 a check failed, 2 bad input or setup error.`;

/** The command a command line runs (`hybrid-lab --debug status` -> status, `help exec` -> exec). */
export function invokedCommand(args: readonly string[]): string | undefined {
  const words = args.filter((arg) => !arg.startsWith('-'));
  return words[0] === 'help' ? words[1] : words[0];
}

/**
 * Builds the `hybrid-lab` program. Only the invoked command's module is loaded (with its
 * dependencies); the others are listed by name and summary, which is all `--help` needs.
 */
export async function buildProgram(args: readonly string[] = []): Promise<Command> {
  const program = new Command('hybrid-lab')
    .description('Provision and test hybrid networks: VMs and Docker containers on one Linux bridge, with lab DNS.')
    .version(packageVersion(), '-V, --version', 'print the version')
    .option('--debug', 'show stack traces and external command details on errors')
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({ outputError: (text, write) => write(text) })
    .exitOverride();
  program.addHelpText('after', HELP_EPILOGUE);
  const invoked = invokedCommand(args);
  for (const entry of commands) {
    if (entry.name === invoked) (await entry.load())(program);
    else program.command(entry.name).description(entry.summary);
  }
  return program;
}

/** Runs the CLI and returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const args = argv.slice(2);
  const debug = args.includes('--debug');
  try {
    const program = await buildProgram(args);
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with code 0; usage errors (bad flag values too) with 1, which we map to 2.
      return error.exitCode === 0 ? 0 : EXIT_BAD_INPUT;
    }
    if (isBrokenPipe(error)) return 0;
    return reportError(error, debug, args.includes('--json'));
  }
}
