import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../common/run.ts';
import { REPO_ROOT, runCli, type CliRunOptions } from '../testing/cli-process.ts';
import { documentSchemas } from './schemas/documents.ts';

// `hybrid-lab test` on a real lab (cmd12 on hybr12) that is broken on purpose: a node is stopped.
const LAB = 'cmd12';
const scratch = mkdtempSync(join(tmpdir(), 'hl-test-cmd-'));
const topology = join(scratch, 'cmd12.yaml');
writeFileSync(topology, `name: ${LAB}\nbridge: { name: hybr12, subnet: 10.0.12.0/24 }\nnodes:\n  - { name: client, kind: container, ip: 10.0.12.10 }\n  - { name: web, kind: container, ip: 10.0.12.20 }\n`);
// A user's own suite directory, run beside the built-in suites (`test --dir`).
const userDir = join(scratch, 'my-tests');
mkdirSync(userDir);
writeFileSync(
  join(userDir, 'mine.test.ts'),
  `import { describe, expect, it } from 'vitest';
import { useLab } from '${join(REPO_ROOT, 'dist', 'vitest', 'index.js')}';
const lab = await useLab();
describe('mine', () => {
  it('client reaches web', async () => {
    await expect(lab.node('client')).toReach(lab.node('web'));
  });
});
`,
);
// Results, history and debug reports of these runs stay out of the repository's reports/.
const env = { HYBRID_LAB_REPORTS: join(scratch, 'reports'), HYBRID_LAB_HISTORY: join(scratch, 'history.jsonl') };
const cli = (args: string[], options: CliRunOptions = {}) => runCli(args, { asUser: true, env, timeoutMs: 600_000, ...options });

beforeAll(async () => {
  const up = await cli(['up', '-t', topology]);
  expect(up.exitCode, up.stderr).toBe(0);
});

afterAll(async () => {
  await cli(['down', '-t', topology]);
});

describe('hybrid-lab test (CLI as a process, real lab)', () => {
  it('--list names the checks without running them', async () => {
    const result = await cli(['test', 'connectivity', '-t', topology, '--dir', userDir, '--list', '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    const { checks } = documentSchemas['test-list'].parse(JSON.parse(result.stdout));
    expect(checks).toContain('connectivity: client -> web icmp by ip [v4]');
    expect(checks).toContain('mine client reaches web');
    expect(checks).toContain('connectivity: host -> web udp echo by ip [v4]');
    expect(existsSync(join(scratch, 'reports', 'vitest-results.json'))).toBe(false); // nothing ran
  });

  it('runs a built-in check and the user\'s own suite (--dir) together', async () => {
    const result = await cli(['test', 'connectivity', '-t', topology, '--dir', userDir, '--test', 'client -> web icmp by ip|mine', '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(documentSchemas['test-run'].parse(JSON.parse(result.stdout))).toMatchObject({ passed: 2, failed: 0 });
    expect(result.stderr).toMatch(/\] mine: client reaches web ✔|\] [a-z-]+: mine > client reaches web ✔/);
  });

  it('monitor --once --json and logs dns --json print documents of their published schemas', async () => {
    const sample = await cli(['monitor', '--lab', LAB, '--once', '--json']);
    expect(sample.exitCode, sample.stderr).toBe(0);
    const parsed = documentSchemas['monitor-sample'].parse(JSON.parse(sample.stdout));
    expect(parsed.nodes.map((node) => node.name)).toEqual(expect.arrayContaining(['client', 'web']));
    await cli(['exec', '--lab', LAB, 'client', '--', 'nslookup', 'web.hybrid.local']);
    const logs = await cli(['logs', 'dns', '--lab', LAB, '--since', '5m', '--json']);
    expect(logs.exitCode, logs.stderr).toBe(0);
    const queries = logs.stdout.trim().split('\n').map((line) => documentSchemas['dns-query'].parse(JSON.parse(line)));
    expect(queries.some((query) => query.clientName === 'client' && query.name === 'web.hybrid.local' && query.answers.includes('10.0.12.20'))).toBe(true);
    // A value Docker refuses is refused in Docker's own words, exit 2.
    const bad = await cli(['logs', 'dns', '--lab', LAB, '--since', 'abc']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/^error: --since abc: docker logs says: invalid value for "since": failed to parse value as time or duration: "abc"\. Fix:/);
  });

  it('graph shows the live lab, status --all lists it', async () => {
    const graph = await cli(['graph', '-t', topology]);
    expect(graph.exitCode, graph.stderr).toBe(0);
    expect(graph.stdout).toContain('n_web["web<br/>10.0.12.20<br/>container · docker<br/>running"]');
    const all = await cli(['status', '--all']);
    expect(all.stdout).toMatch(new RegExp(`^${LAB}\\s+up\\s+hybr12\\s+10\\.0\\.12\\.0/24\\s+4\\s+4$`, 'm'));
  });

  it('a failing check: exit 1, listed again with its reason, JUnit where asked, --fail-fast stops, --debug-on-failure captures', async () => {
    // Found by its labels: the container naming scheme is the runtime's business.
    const web = (await run('docker', ['ps', '-q', '--filter', `label=hybrid-lab.lab=${LAB}`, '--filter', 'label=hybrid-lab.node=web'])).stdout.trim();
    expect(web).not.toBe('');
    await run('docker', ['stop', '-t', '1', web]);
    const junit = join(scratch, 'lab-junit.xml');
    const result = await cli(['test', 'connectivity', '-t', topology, '--test', 'client -> web', '--json', '--junit', junit, '--fail-fast', '--debug-on-failure']);
    expect(result.exitCode, result.stderr).toBe(1);
    const document = documentSchemas['test-run'].parse(JSON.parse(result.stdout));
    expect(document).toMatchObject({ failed: 1, exitCode: 1, junitPath: junit });
    expect(document.failures[0].name).toMatch(/^connectivity: client -> web > icmp by ip \[v4\]$/);
    expect(document.failures[0].message).not.toBe('');
    // Progress goes to stderr with --json; the failure is repeated at the end with its reason.
    expect(result.stderr).toContain('Failed checks (1):\n  ✘ connectivity: client -> web > icmp by ip [v4]\n');
    expect(readFileSync(junit, 'utf8')).toMatch(/<failure /);
    const report = /debug report: (\S+report\.html)/.exec(result.stderr);
    expect(report, result.stderr).not.toBeNull();
    expect(readFileSync(report![1], 'utf8')).toContain('<svg');
  });
});
