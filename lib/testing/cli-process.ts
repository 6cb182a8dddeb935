import { spawn, type ChildProcess } from 'node:child_process';
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
  /** Leave out what npm and vitest set for this test run (npm_*, VITEST*...), as in a user's shell. */
  asUser?: boolean;
}

/** Names of the variables npm and vitest set for the running test, which a user's shell does not have. */
export function testRunVariables(): string[] {
  return Object.keys(process.env).filter((name) => /^(npm_|VITEST|NODE$|NODE_ENV$|TEST$|INIT_CWD$)/i.test(name));
}

/**
 * Runs a program through `env`: without the caller's NO_COLOR/FORCE_COLOR (a test that wants
 * colour sets them), and with asUser also without this test run's npm/vitest variables.
 */
export function runProgram(command: string, args: readonly string[], options: CliRunOptions = {}): Promise<RunResult> {
  const runOptions = { allowFailure: true, timeoutMs: options.timeoutMs ?? 600_000, input: options.input, cwd: options.cwd ?? REPO_ROOT };
  const unset = ['NO_COLOR', 'FORCE_COLOR', ...(options.asUser ? testRunVariables() : [])];
  const assignments = Object.entries(options.env ?? {}).map(([name, value]) => `${name}=${value}`);
  return run('env', [...unset.flatMap((name) => ['-u', name]), ...assignments, command, ...args], runOptions);
}

/** Runs `hybrid-lab ARGS` in its own process with this Node; never throws for a non-zero exit. */
export function runCli(args: readonly string[], options: CliRunOptions = {}): Promise<RunResult> {
  return runProgram(process.execPath, [CLI_BIN, ...args], options);
}

/** The CLI's entry point and the Node running the tests (>= 20.19), as a user's `npx hybrid-lab` runs it. */
export function cliCommand(): { node: string; args: string[] } {
  return { node: process.execPath, args: [CLI_BIN] };
}

/** Starts `hybrid-lab ARGS` without waiting (for tests that kill it part-way). */
export function spawnCli(args: string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, [CLI_BIN, ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}
