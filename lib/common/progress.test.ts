import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { step, terminalReporter } from './progress.ts';

function capture(tty: boolean): { stream: PassThrough & { isTTY?: boolean }; text: () => string } {
  const stream = Object.assign(new PassThrough(), { isTTY: tty });
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk));
  return { stream, text: () => text };
}

describe('terminalReporter', () => {
  it('in a pipe (CI log): each step prints a line when it starts and one when it ends, with its time', async () => {
    const { stream, text } = capture(false);
    const reporter = terminalReporter({ stream, numbered: true });
    await step(reporter, 'node image', async () => 'cached', (value) => value);
    reporter.plan?.(3);
    await step(reporter, 'bridge hybr12', async () => sleep(20));
    await expect(step(reporter, 'DNS server', async () => Promise.reject(new Error('port 53 taken\nmore')))).rejects.toThrow();
    const lines = text().split('\n');
    expect(lines[0]).toBe('… [1] node image');
    expect(lines[1]).toMatch(/^✔ \[1\] node image \(\d+ ms\) cached$/);
    expect(lines[2]).toBe('… [2/3] bridge hybr12');
    expect(lines[3]).toMatch(/^✔ \[2\/3\] bridge hybr12 \((2\d|[3-9]\d|\d{3,}) ms\)$/);
    expect(lines[5]).toMatch(/^✘ \[3\/3\] DNS server \(\d+ ms\): port 53 taken$/);
    expect(text()).not.toContain('\x1b');
  });

  it('on a terminal: the running step ticks in place, then its result replaces it (colour only when asked)', async () => {
    const { stream, text } = capture(true);
    const reporter = terminalReporter({ stream, tickMs: 10, colour: true });
    await step(reporter, 'build node image', async () => sleep(60));
    const shown = text();
    expect(shown.match(/\x1b\[2K… build node image \d+ ms\r/g)!.length).toBeGreaterThan(2);
    expect(shown).toMatch(/\x1b\[2K\x1b\[32m✔\x1b\[39m build node image \(\d+ ms\)\n$/);
  });
});
