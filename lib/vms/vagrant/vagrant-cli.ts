import { appendFile, readFile } from 'node:fs/promises';
import { run, type RunResult } from '../../common/run.ts';
import { vagrantEnv } from './env.ts';

/**
 * Runs `vagrant ARGS` in a lab's project folder with the no-phone-home environment. Output is
 * appended to `logFile` (kept for diagnosis), and the result returned; throws CommandError.
 */
export async function vagrant(projectDir: string, args: readonly string[], logFile: string, options: { timeoutMs?: number; allowFailure?: boolean } = {}): Promise<RunResult> {
  await appendFile(logFile, `\n$ vagrant ${args.join(' ')}   (${new Date().toISOString()})\n`);
  try {
    const result = await run('vagrant', args, { cwd: projectDir, env: vagrantEnv(), timeoutMs: options.timeoutMs ?? 15 * 60_000, allowFailure: options.allowFailure });
    await appendFile(logFile, result.stdout + result.stderr);
    return result;
  } catch (error) {
    const err = error as { stdout?: string; stderr?: string; message?: string };
    await appendFile(logFile, `${err.stdout ?? ''}${err.stderr ?? ''}\n${err.message ?? ''}\n`);
    throw error;
  }
}

/** Last lines of a log file, for error messages ('' when missing). */
export async function tailOfFile(path: string, lines = 15): Promise<string> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
