import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { TestProgressReporter } from './test-progress-reporter.ts';

// A real vitest run of a small suite file (two passing checks, one failing, one skipped) through the reporter.
const dir = mkdtempSync(join(tmpdir(), 'hl-reporter-'));
writeFileSync(
  join(dir, 'sample.test.ts'),
  `import { describe, expect, it } from 'vitest';
describe('sample: a -> b', () => {
  it('icmp', () => expect(1).toBe(1));
  it('tcp', () => { throw new Error('no echo from 10.0.12.20:7 (connection refused)'); });
  it('udp', () => expect(2).toBe(2));
  it.skip('http (skipped: no web server)', () => {});
});
`,
);

describe('TestProgressReporter on a real vitest run', () => {
  it('prints a line per check, then the failed checks again with their reasons, then the counts', async () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (chunk: Buffer) => (text += chunk));
    const reporter = new TestProgressReporter(undefined, out, false);
    const { startVitest } = await import('vitest/node');
    const vitest = await startVitest('test', [], { root: dir, config: false, run: true, watch: false, reporters: [reporter] });
    await vitest.close();
    expect(reporter.summary).toMatchObject({ passed: 2, failed: 1, skipped: 1, failures: [{ name: 'sample: a -> b > tcp', message: 'no echo from 10.0.12.20:7 (connection refused)' }] });
    const lines = text.split('\n');
    expect(lines).toContain('[2/4] sample: a -> b > tcp ✘');
    const recap = lines.indexOf('Failed checks (1):');
    expect(recap).toBeGreaterThan(lines.indexOf('[2/4] sample: a -> b > tcp ✘'));
    expect(lines.slice(recap + 1, recap + 3)).toEqual(['  ✘ sample: a -> b > tcp', '      no echo from 10.0.12.20:7 (connection refused)']);
    expect(lines.at(-2)).toBe('✘ 2 passed, 1 failed, 1 skipped');
  });
});
