import { describe, expect, it } from 'vitest';
import { CommandError } from './errors.ts';
import { hasProgram, run, succeeds } from './run.ts';

describe('run (argument arrays, no shell)', () => {
  it('returns stdout and stderr apart, unstripped, and feeds input', async () => {
    const result = await run('sh', ['-c', 'cat; echo oops >&2', 'sh'], { input: 'hello\n' });
    expect(result).toEqual({ stdout: 'hello\n', stderr: 'oops\n', exitCode: 0 });
  });

  it('throws CommandError with argv, exit code and the program\'s own stderr', async () => {
    const error = await run('sh', ['-c', 'echo "no such thing: frob" >&2; exit 3']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandError);
    expect((error as CommandError).commandExitCode).toBe(3);
    expect((error as CommandError).message).toContain('no such thing: frob');
    expect((await run('sh', ['-c', 'exit 3'], { allowFailure: true })).exitCode).toBe(3);
  });

  it('passes env (added to ours) and cwd', async () => {
    const result = await run('sh', ['-c', 'echo "$HL_X $PWD"; test -n "$PATH"'], { env: { HL_X: 'y' }, cwd: '/tmp' });
    expect(result.stdout).toBe('y /tmp\n');
  });

  it('times out with 124 and reports a program that cannot start', async () => {
    expect((await run('sleep', ['5'], { timeoutMs: 100, allowFailure: true })).exitCode).toBe(124);
    await expect(run('sleep', ['5'], { timeoutMs: 100 })).rejects.toThrow(/timed out after 100 ms/);
    await expect(run('hl-no-such-program', [])).rejects.toThrow(/spawn hl-no-such-program ENOENT/);
    expect(await succeeds('hl-no-such-program', [])).toBe(false);
    expect(await hasProgram('sh')).toBe(true);
  });
});
