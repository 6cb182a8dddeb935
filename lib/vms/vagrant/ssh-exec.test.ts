import { describe, expect, it } from 'vitest';
import { run } from '../../common/run.ts';
import { shellQuote } from './ssh-exec.ts';

describe('shellQuote (argv to the remote shell ssh runs)', () => {
  it('leaves plain words alone and quotes everything else', () => {
    expect(shellQuote('ping')).toBe('ping');
    expect(shellQuote('10.0.2.50')).toBe('10.0.2.50');
    expect(shellQuote('a b')).toBe(`'a b'`);
    expect(shellQuote('')).toBe(`''`);
  });

  it('round-trips awkward arguments through a real POSIX shell unchanged', async () => {
    const argv = ['it\'s', 'a b', '$HOME', '`id`', '"q"', 'semi;colon', 'new\nline', '*', ''];
    // The remote side of ssh does `sh -c "<joined line>"`; printf shows what each argument became.
    const line = ['printf', '%s\\0', ...argv].map(shellQuote).join(' ');
    const result = await run('sh', ['-c', line]);
    expect(result.stdout.split('\0').slice(0, -1)).toEqual(argv);
  });
});
