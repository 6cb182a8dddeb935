/** Exit codes shared by every command: 0 ok, 1 a check failed, 2 bad input or setup error. */
export const EXIT_OK = 0;
export const EXIT_CHECK_FAILED = 1;
export const EXIT_BAD_INPUT = 2;

/** Base class: every error the tool raises on purpose carries the exit code it maps to. */
export class HybridLabError extends Error {
  readonly exitCode: number = EXIT_BAD_INPUT;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A topology file that is malformed or inconsistent: names the field path, value and fix. */
export class TopologyError extends HybridLabError {
  constructor(
    readonly fieldPath: string,
    readonly value: unknown,
    readonly problem: string,
    readonly fix: string,
    readonly file?: string,
  ) {
    super(
      `${file ? `${file}: ` : ''}${fieldPath || '(file)'}: ${problem}` +
        (value === undefined ? '' : ` (got ${JSON.stringify(value)})`) +
        `. Fix: ${fix}`,
    );
  }
}

/** The host lacks something the lab needs (a package, the Docker engine, a kernel feature). */
export class SetupError extends HybridLabError {}

/** Creating or removing a lab resource failed. */
export class ProvisionError extends HybridLabError {}

/** Another process holds the lab lock. */
export class LockError extends HybridLabError {}

/** A check ran and found the network not as promised. */
export class CheckFailedError extends HybridLabError {
  override readonly exitCode: number = EXIT_CHECK_FAILED;
}

/** An external program failed: carries the command line, exit code and stderr to act on. */
export class CommandError extends HybridLabError {
  constructor(
    readonly command: string,
    readonly args: readonly string[],
    readonly commandExitCode: number | undefined,
    readonly stderr: string,
    readonly stdout = '',
  ) {
    const shown = [command, ...args].join(' ');
    const tail = stderr.trim().split('\n').slice(-5).join('\n');
    super(`command failed (exit ${commandExitCode ?? 'signal'}): ${shown}${tail ? `\n${tail}` : ''}`);
  }
}
