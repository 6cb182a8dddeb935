import { appendFile, readFile } from 'node:fs/promises';
import { execa } from 'execa';
import { CommandError } from '../../common/errors.ts';
import type { RunResult } from '../../common/run.ts';
import { vagrantEnv } from './env.ts';

/**
 * Runs `vagrant ARGS` in a lab's project folder with the no-phone-home environment. Each output
 * line is appended to `logFile` with the seconds since start (where a slow `up` spends its time).
 * Throws CommandError with the output's tail unless allowFailure.
 */
export async function vagrant(projectDir: string, args: readonly string[], logFile: string, options: { timeoutMs?: number; allowFailure?: boolean } = {}): Promise<RunResult> {
  const started = performance.now();
  await appendFile(logFile, `\n$ vagrant ${args.join(' ')}   (${new Date().toISOString()})\n`);
  const subprocess = execa('vagrant', args, { cwd: projectDir, env: vagrantEnv(), timeout: options.timeoutMs ?? 15 * 60_000, all: true, reject: false, stdin: 'ignore' });
  for await (const line of subprocess.iterable({ from: 'all' })) {
    await appendFile(logFile, `[${((performance.now() - started) / 1000).toFixed(1).padStart(6)}s] ${plainLine(line)}\n`);
  }
  const result = await subprocess;
  const exitCode = result.exitCode ?? (result.timedOut ? 124 : 128);
  const outcome = { stdout: String(result.stdout ?? ''), stderr: String(result.stderr ?? ''), exitCode };
  if (exitCode !== 0 && !options.allowFailure) {
    throw new CommandError('vagrant', args, exitCode, outcome.stderr || outcome.stdout, outcome.stdout);
  }
  return outcome;
}

/** Drops terminal escapes and keeps only the last of the progress updates vagrant prints on one line. */
export function plainLine(line: string): string {
  // eslint-disable-next-line no-control-regex
  const plain = line.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '').replace(/\r/g, '');
  return plain.replace(/(?:Progress: \d+%\s*)+/g, (all) => `${all.slice(all.lastIndexOf('Progress:')).trim()} `);
}

/** Last lines of a log file, for error messages ('' when missing). */
export async function tailOfFile(path: string, lines = 15): Promise<string> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
