import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

// Issue 9, item 11: `vitest run suites` (the README's command for users) must collect exactly the
// files in suites/, never one of the project's own self-tests that breaks and repairs the lab.
describe('the users\' filter `vitest run suites`', () => {
  it('collects only files under suites/', async () => {
    const { stdout } = await promisify(execFile)('node_modules/.bin/vitest', ['list', 'suites', '--filesOnly'], { timeout: 120_000, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
    const files = stdout.split('\n').map((line) => line.replace(/^\[[^\]]*\]\s*/, '').trim()).filter((line) => line.endsWith('.ts'));
    expect(files.length, `vitest list printed no files:\n${stdout}`).toBeGreaterThanOrEqual(5);
    expect(files.filter((file) => !file.startsWith('suites/'))).toEqual([]);
  });
});
