import { join } from 'node:path';
import { run, type RunResult } from '../common/run.ts';

/** The repository root (lib/testing/../..). */
export const REPO_ROOT = join(import.meta.dirname, '..', '..');

/** The compiled CLI users run (`hybrid-lab` = dist/cli/bin.js); tests run it as a process. */
export const CLI_BIN = join(REPO_ROOT, 'dist', 'cli', 'bin.js');

export interface CliRunOptions {
  /** Added to the environment. */
  env?: Record<string, string>;
  input?: string;
  cwd?: string;
  timeoutMs?: number;
}

/** Runs `hybrid-lab ARGS` in its own process with this Node; never throws for a non-zero exit. */
export function runCli(args: readonly string[], options: CliRunOptions = {}): Promise<RunResult> {
  return run(process.execPath, [CLI_BIN, ...args], { allowFailure: true, timeoutMs: options.timeoutMs ?? 120_000, env: options.env, input: options.input, cwd: options.cwd ?? REPO_ROOT });
}
