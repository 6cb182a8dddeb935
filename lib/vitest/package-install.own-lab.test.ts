import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, type RunResult } from '../common/run.ts';
import { readState } from '../lab/state.ts';
import { REPO_ROOT, runProgram } from '../testing/cli-process.ts';

// The package as a user gets it: packed, installed from the tarball into a fresh project outside
// this repository (its own node_modules from the npm registry), a topology and a suite written
// against the public API, run with the user's vitest against a real lab.
const LAB = 'pack12';
const ourVersion = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const vitestVersion = (JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', 'vitest', 'package.json'), 'utf8')) as { version: string }).version;
// The user's PATH: this Node first, then the system's; nothing of this repository's node_modules.
const userPath = [dirname(process.execPath), '/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'].join(':');
let project: string;

/** Runs a command in the user's project as the user would: their PATH, no trace of this run's npm or vitest. */
function inProject(command: string, args: string[], options: { input?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  const env = { PATH: userPath, npm_config_loglevel: 'error', npm_config_fund: 'false', npm_config_audit: 'false' };
  return runProgram(command, args, { asUser: true, env, cwd: project, timeoutMs: options.timeoutMs ?? 300_000, input: options.input });
}

const TOPOLOGY = `# yaml-language-server: $schema=node_modules/hybrid-lab/schemas/topology.schema.json
name: ${LAB}
bridge: { name: hybr12, subnet: 10.0.12.0/24 }
dns: { address: 10.0.12.2 }
nodes:
  - { name: client, kind: container, ip: 10.0.12.10 }
  - { name: web, kind: container, ip: 10.0.12.20 }
`;

const VITEST_CONFIG = `import { defineConfig } from 'vitest/config';
export default defineConfig({
  test: { globalSetup: ['./lab.setup.ts'], setupFiles: ['hybrid-lab/vitest/setup'], testTimeout: 60_000, hookTimeout: 600_000 },
});
`;

const GLOBAL_SETUP = `import { labGlobalSetup } from 'hybrid-lab/vitest';
export default labGlobalSetup({ topology: 'hybrid-lab.yaml' });
`;

const USER_SUITE = `import { describe, expect, it } from 'vitest';
import { labStatus, ping, summarize, type PingResult } from 'hybrid-lab';
import { useLab } from 'hybrid-lab/vitest';

const lab = await useLab();
const client = lab.node('client');
const web = lab.node('web');

describe('my lab', () => {
  it('client reaches web over icmp, tcp, udp and http', async () => {
    await expect(client).toReach(web);
    await expect(client).toReach(web, { protocol: 'tcp' });
    await expect(client).toReach(web, { protocol: 'udp' });
    await expect(client).toReach('web.hybrid.local', { protocol: 'http' });
  });

  it('does not reach an address nobody has', async () => {
    await expect(client).not.toReach('10.0.12.250', { count: 1 });
  });

  it('names resolve in the lab DNS', async () => {
    await expect(client).toResolveTo('web.hybrid.local', web.ip);
    await expect(web).toResolveTo('client', '10.0.12.10');
  });

  it('latency is within a budget', async () => {
    const result: PingResult = await ping(client, web.ip, { count: 10, intervalSec: 0.05 });
    expect(summarize(result.rttMs).count).toBe(10);
    expect(result).toBeWithinBudget({ p95Ms: 250, maxLossPercent: 0 });
    expect([1000]).not.toBeWithinBudget({ p95Ms: 250 });
  });

  it('exec runs in a node', async () => {
    const result = await web.exec(['hostname']);
    expect(result).toMatchObject({ exitCode: 0, stdout: 'web\\n' });
  });

  it('status sees every node running', async () => {
    const status = await labStatus('${LAB}');
    expect(status.nodes.map((node) => [node.name, node.state])).toEqual([['host', 'running'], ['dns', 'running'], ['client', 'running'], ['web', 'running']]);
  });
});
`;

// Scripted use of the library, type-checked (strict, the package's .d.ts included) but not run.
const SCRIPT = `import { downLab, findNode, httpGet, loadTopology, lookup, openLab, ping, terminalReporter, upLab, type LabNode } from 'hybrid-lab';
import { expect } from 'vitest';
import 'hybrid-lab/vitest/setup';
export async function bringUpAndProbe(): Promise<number[]> {
  const topology = await loadTopology('hybrid-lab.yaml');
  await upLab(topology, { reporter: terminalReporter() });
  const lab = await openLab(topology.name);
  const client: LabNode = findNode(lab, 'client');
  const shown: { exitCode: number; stdout: string } = await client.exec(['ip', 'addr']);
  await lookup(client, 'web.hybrid.local');
  await httpGet(client, 'web.hybrid.local');
  await expect(client).toReach('web', { protocol: 'tcp' });
  // @ts-expect-error: the matcher's protocols are typed
  await expect(client).toReach('web', { protocol: 'smtp' });
  const rtts = (await ping(client, 'web.hybrid.local', { count: 5 })).rttMs;
  await downLab(topology.name, topology, terminalReporter());
  return shown.exitCode === 0 ? rtts : [];
}
`;

const TSCONFIG = JSON.stringify({
  compilerOptions: { target: 'ES2023', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: false, types: ['node'] },
  include: ['*.ts'],
});

beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), 'hl-user-project-'));
  // npm pack runs `prepare` (a clean build and the JSON Schemas) as it would before a publish.
  await run('npm', ['pack', '--pack-destination', project], { cwd: REPO_ROOT, timeoutMs: 300_000 });
  const tarball = join(project, `hybrid-lab-${ourVersion}.tgz`);
  await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'my-network-tests', private: true, type: 'module' }, null, 2));
  await writeFile(join(project, 'hybrid-lab.yaml'), TOPOLOGY);
  await writeFile(join(project, 'vitest.config.ts'), VITEST_CONFIG);
  await writeFile(join(project, 'lab.setup.ts'), GLOBAL_SETUP);
  await writeFile(join(project, 'my-lab.test.ts'), USER_SUITE);
  await writeFile(join(project, 'script.ts'), SCRIPT);
  await writeFile(join(project, 'tsconfig.json'), TSCONFIG);
  const tools = [`vitest@${vitestVersion}`, 'typescript@5', '@types/node@22'];
  const install = await inProject('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball, ...tools], { timeoutMs: 600_000 });
  expect(install.exitCode, install.stderr).toBe(0);
});

afterAll(async () => {
  if (!project) return;
  await inProject('npx', ['hybrid-lab', 'down', '--lab', LAB]);
  await rm(project, { recursive: true, force: true });
});

describe('the packed package installed into a fresh project', () => {
  it('ships the build and the built-in suites, not the sources, unit tests or benches', async () => {
    const files = (await inProject('find', ['node_modules/hybrid-lab', '-type', 'f'])).stdout.split('\n').filter(Boolean);
    expect(files).toContain('node_modules/hybrid-lab/dist/cli/bin.js');
    expect(files).toContain('node_modules/hybrid-lab/dist/index.d.ts');
    expect(files).toContain('node_modules/hybrid-lab/lab/default.yaml');
    expect(files).toContain('node_modules/hybrid-lab/dist/suites/connectivity.test.js');
    expect(files).toContain('node_modules/hybrid-lab/schemas/topology.schema.json');
    const builtInSuite = (file: string) => file.startsWith('node_modules/hybrid-lab/dist/suites/');
    expect(files.filter((file) => !builtInSuite(file) && (/\.test\.|\.bench\.|\/lib\/|\/dist\/build\/|\.tsbuildinfo$/.test(file) || (file.endsWith('.ts') && !file.endsWith('.d.ts'))))).toEqual([]);
  });

  it('the types: the user\'s suite, setup and a script type-check against the published .d.ts (tsc --strict)', async () => {
    const checked = await inProject('npx', ['tsc', '-p', '.']);
    expect(checked.exitCode, checked.stdout + checked.stderr).toBe(0);
  });

  it('npx hybrid-lab --version works and the user\'s node is unchanged', async () => {
    expect(await inProject('npx', ['hybrid-lab', '--version'])).toMatchObject({ exitCode: 0, stdout: `${ourVersion}\n` });
    expect(existsSync(join(project, 'node_modules', '.bin', 'node'))).toBe(false);
    // The node an npm script or npx of the user's project runs is the user's own.
    const usersNode = await inProject('node', ['-p', 'process.execPath + " " + process.version']);
    const viaNpm = await inProject('npm', ['exec', '--', 'node', '-p', 'process.execPath + " " + process.version']);
    expect(usersNode.exitCode).toBe(0);
    expect(viaNpm.stdout).toBe(usersNode.stdout);
  });

  it('the user\'s suite passes against a lab its globalSetup brings up, and the lab is down after', async () => {
    const result = await inProject('npx', ['vitest', 'run'], { timeoutMs: 900_000 });
    expect(result.exitCode, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(result.stdout.replace(/\x1b\[[0-9;]*m/g, '')).toMatch(/Tests\s+6 passed \(6\)/);
    expect((await readState(LAB))?.status).toBeUndefined();
  });

  it('the CLI from the package: up prints each step as it starts and ends, test runs the built-in and the user\'s suites, exec -i passes stdin, down', async () => {
    const up = await inProject('npx', ['hybrid-lab', 'up', '--json'], { timeoutMs: 600_000 });
    expect(up.exitCode, up.stderr).toBe(0);
    expect(JSON.parse(up.stdout)).toMatchObject({ schema: 'hybrid-lab/up@1', lab: LAB });
    const started = up.stderr.split('\n').filter((line) => line.startsWith('… ['));
    const ended = up.stderr.split('\n').filter((line) => line.startsWith('✔ ['));
    expect(started.length).toBeGreaterThan(3);
    expect(ended.length).toBe(started.length);
    expect(ended[0]).toMatch(/^✔ \[1(\/\d+)?\] .+ \(\d/);

    // The built-in suites ship in the package; `--dir` adds the user's own.
    const tested = await inProject('npx', ['hybrid-lab', 'test', 'connectivity', '--dir', '.', '--test', 'client -> web icmp by ip|my lab exec', '--json'], { timeoutMs: 600_000 });
    expect(tested.exitCode, tested.stderr).toBe(0);
    expect(JSON.parse(tested.stdout)).toMatchObject({ schema: 'hybrid-lab/test-run@1', passed: 2, failed: 0 });

    const piped = await inProject('npx', ['hybrid-lab', 'exec', '-i', 'client', '--', 'sh'], { input: 'echo hi from $(hostname)\n' });
    expect(piped).toMatchObject({ exitCode: 0, stdout: 'hi from client\n' });

    const down = await inProject('npx', ['hybrid-lab', 'down', '--json']);
    expect(down.exitCode, down.stderr).toBe(0);
    expect(JSON.parse(down.stdout)).toMatchObject({ schema: 'hybrid-lab/down@1', lab: LAB });
  });
});
