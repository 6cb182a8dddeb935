import { join } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { run, type RunResult } from '../common/run.ts';

/** The repository this test code lives in. */
export const REPO_ROOT = join(import.meta.dirname, '..', '..');

/** The CLI's entry point and the Node it needs (>= 22.18), as a user's `npx hybrid-lab` runs it. */
export function cliCommand(): { node: string; args: string[] } {
  return { node: join(REPO_ROOT, 'node_modules', '.bin', 'node'), args: [join(REPO_ROOT, 'lib', 'cli', 'bin.mjs')] };
}

/** Runs `hybrid-lab ARGS` as a separate process and waits for it. */
export function runCli(args: string[], options: { env?: Record<string, string>; cwd?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  const { node, args: entry } = cliCommand();
  return run(node, [...entry, ...args], { cwd: options.cwd ?? REPO_ROOT, allowFailure: true, timeoutMs: options.timeoutMs ?? 600_000, env: options.env });
}

/** Starts `hybrid-lab ARGS` without waiting (for tests that kill it part-way). */
export function spawnCli(args: string[], env: Record<string, string> = {}): ChildProcess {
  const { node, args: entry } = cliCommand();
  return spawn(node, [...entry, ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}
