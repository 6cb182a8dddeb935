import { EXIT_BAD_INPUT, EXIT_CHECK_FAILED, HybridLabError } from '../common/errors.ts';

/** Global flags every command sees. */
export interface GlobalOptions {
  debug?: boolean;
}

/** Prints an error the way users should see it: one message, no stack unless --debug. Returns the exit code. */
export function reportError(error: unknown, debug: boolean): number {
  if (error instanceof HybridLabError) {
    process.stderr.write(`error: ${error.message}\n`);
    if (debug && error.stack) process.stderr.write(`${error.stack}\n`);
    if (debug && error.cause) process.stderr.write(`cause: ${String((error.cause as Error).stack ?? error.cause)}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`error: ${message}\n`);
  if (debug && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  else process.stderr.write('(run with --debug for details)\n');
  return EXIT_BAD_INPUT;
}

/** Writes a value as pretty JSON to stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export { EXIT_CHECK_FAILED };
