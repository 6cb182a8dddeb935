import { execa } from 'execa';
import { CommandError } from './errors.ts';

export interface RunResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface RunOptions {
  /** Bytes fed to the program's stdin. */
  input?: string | Buffer;
  /** Kill the program after this many milliseconds. */
  timeoutMs?: number;
  /** Return the result instead of throwing when the exit code is not 0. */
  allowFailure?: boolean;
  env?: Record<string, string>;
  cwd?: string;
}

/** Runs a program with an argument array (never a shell string); throws CommandError on failure. */
export async function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const result = await execa(command, args, {
    input: options.input,
    timeout: options.timeoutMs,
    env: options.env,
    cwd: options.cwd,
    reject: false,
    stripFinalNewline: false,
    encoding: 'utf8',
  });
  const exitCode = result.exitCode ?? (result.timedOut ? 124 : 128);
  if (result.failed && result.exitCode === undefined && !options.allowFailure) {
    // Spawn failures (ENOENT) and timeouts land here.
    const why = result.timedOut ? `timed out after ${options.timeoutMs} ms` : (result.originalMessage ?? result.message ?? "failed to start");
    throw new CommandError(command, args, undefined, why, String(result.stdout ?? ''));
  }
  if (exitCode !== 0 && !options.allowFailure) {
    throw new CommandError(command, args, exitCode, String(result.stderr ?? ''), String(result.stdout ?? ''));
  }
  return { stdout: String(result.stdout ?? ''), stderr: String(result.stderr ?? ''), exitCode };
}

/** True when the program exits 0; never throws. */
export async function succeeds(command: string, args: readonly string[], options: RunOptions = {}): Promise<boolean> {
  try {
    return (await run(command, args, { ...options, allowFailure: true })).exitCode === 0;
  } catch {
    return false;
  }
}

/** Whether a program is on PATH. */
export async function hasProgram(name: string): Promise<boolean> {
  return succeeds('sh', ['-c', 'command -v "$1"', 'sh', name]);
}
