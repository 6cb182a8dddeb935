import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { REPO_ROOT, runProgram } from './cli-process.ts';

// On a machine whose node is too old (Debian 12's own is 18), `. .ci/use-node` installs Node 22
// from the npm registry into a tools folder and puts it first on PATH, for that shell only. The
// minimum is raised here (HYBRID_LAB_MIN_NODE) so the install path runs on any machine.
const systemPath = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

describe('.ci/use-node', () => {
  it('gives a shell whose node is too old a Node 22, installed into the tools folder', async () => {
    const system = await runProgram('sh', ['-c', 'command -v node && node --version'], { asUser: true, env: { PATH: systemPath } });
    const tools = mkdtempSync(join(tmpdir(), 'hl-tools-'));
    onTestFinished(() => rmSync(tools, { recursive: true, force: true })); // a Node 22 is ~100 MB
    const script = `. "${join(REPO_ROOT, '.ci', 'use-node')}" && command -v node && node --version`;
    const result = await runProgram('bash', ['-c', script], { asUser: true, env: { PATH: systemPath, HYBRID_LAB_TOOLS: tools, HYBRID_LAB_MIN_NODE: '22.18' }, timeoutMs: 300_000 });
    expect(result.exitCode, result.stderr).toBe(0);
    const [nodePath, version] = result.stdout.trim().split('\n');
    const [major, minor] = version.slice(1).split('.').map(Number);
    expect(major > 22 || (major === 22 && minor >= 18), version).toBe(true);
    if (system.stdout.trim().split('\n')[1] !== version) expect(nodePath).toBe(join(tools, 'node_modules', 'node', 'bin', 'node'));
    // Sourcing again finds it: nothing is installed twice.
    const again = await runProgram('bash', ['-c', `export PATH="${systemPath}"; ${script}`], { asUser: true, env: { HYBRID_LAB_TOOLS: tools, HYBRID_LAB_MIN_NODE: '22.18' } });
    expect(again.stderr).not.toContain('installing Node 22');
  });
});
