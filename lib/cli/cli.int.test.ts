import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { run, type RunResult } from '../common/run.ts';
import { runCli } from '../testing/cli-process.ts';
import { queryDns } from '../dns/client.ts';
import { readState } from '../lab/state.ts';
import { containerName } from '../lab/names.ts';

// The README's commands, run as a user runs them, against the live default lab.
let scratch: string;

function cli(args: string[], env: Record<string, string> = {}): Promise<RunResult> {
  return runCli(args, { timeoutMs: 600_000, env });
}

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'hybrid-lab-cli-'));
});

describe('hybrid-lab CLI on the live lab', () => {
  it('up again changes nothing and says so', async () => {
    const result = await cli(['up']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/is up: already up, nothing changed/);
  });

  it('status --json lists every node running, with the VM accel mode', async () => {
    const result = await cli(['status', '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    const status = JSON.parse(result.stdout) as { status: string; nodes: Array<{ name: string; state: string; kind: string; detail?: string }> };
    expect(status.status).toBe('up');
    expect(status.nodes.filter((n) => n.state !== 'running')).toEqual([]);
    for (const vm of status.nodes.filter((n) => n.kind === 'vm')) expect(vm.detail).toMatch(/KVM|emulated \(TCG\)/);
  });

  it('exec runs in a VM and in a container, by name both ways, and passes the exit code on', async () => {
    const state = await readState(inject('labName'));
    const vm = state!.topology.nodes.find((n) => n.kind === 'vm');
    const container = state!.topology.nodes.find((n) => n.kind === 'container')!;
    if (vm) {
      const there = await cli(['exec', vm.name, '--', 'ping', '-c', '2', `${container.name}.hybrid.local`]);
      expect(there.exitCode, there.stdout + there.stderr).toBe(0);
      expect(there.stdout).toContain('2 packets received');
      const back = await cli(['exec', container.name, '--', 'ping', '-c', '2', vm.name]);
      expect(back.exitCode, back.stdout + back.stderr).toBe(0);
    }
    expect((await cli(['exec', container.name, '--', 'sh', '-c', 'exit 3'])).exitCode).toBe(3);
    const unknown = await cli(['exec', 'no-such-node', '--', 'true']);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toMatch(/no node "no-such-node".*Known: host, dns/);
  });

  it('logs dns shows a query with the asking node and the answer', async () => {
    const state = await readState(inject('labName'));
    const [first, second] = state!.topology.nodes;
    await run('docker', ['exec', containerName(state!.lab, first.name), 'nslookup', `${second.name}.hybrid.local`, state!.topology.dns.address]);
    const result = await cli(['logs', 'dns', '--since', '5m']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`${first.name} \\(${first.ip}\\) A ${second.name}\\.hybrid\\.local -> ${second.ip.replaceAll('.', '\\.')} \\[records\\]`));
  });

  it('debug --probe captures every pair on the lab bridge, finds nothing critical on a healthy lab, and writes the report', async () => {
    const out = join(scratch, 'debug');
    const result = await cli(['debug', '--duration', '2', '--probe', '--json', '--out', out]);
    expect(result.exitCode, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as { findings: Array<{ severity: string; title: string }>; files: { htmlPath: string; pcapPath: string } };
    expect(report.findings.filter((f) => f.severity === 'critical').map((f) => f.title)).toEqual([]);
    const state = await readState(inject('labName'));
    const names = ['host', ...state!.topology.nodes.map((n) => n.name)];
    const html = await readFile(report.files.htmlPath, 'utf8');
    for (const name of names) expect(html, `report mentions ${name}`).toContain(name);
  });

  it('monitor --once --json shows every lab node by name', async () => {
    const result = await cli(['monitor', '--once', '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    const sample = JSON.parse(result.stdout) as { nodes: Array<{ name: string }> };
    const state = await readState(inject('labName'));
    expect(sample.nodes.map((n) => n.name)).toEqual(expect.arrayContaining(state!.topology.nodes.map((n) => n.name)));
  });

  it('doctor --json reports every required check ok on this prepared host', async () => {
    const result = await cli(['doctor', '--json']);
    const { schema, checks } = JSON.parse(result.stdout) as { schema: string; checks: Array<{ name: string; ok: boolean; required: boolean }> };
    expect(schema).toBe('hybrid-lab/doctor@1');
    expect(checks.filter((c) => c.required && !c.ok)).toEqual([]);
    expect(result.exitCode).toBe(0);
  });

  it('validate accepts the default file and refuses a bad one with field, value and fix, exit 2, no stack', async () => {
    expect((await cli(['validate'])).exitCode).toBe(0);
    const bad = join(scratch, 'bad.yaml');
    await writeFile(bad, 'name: bad\nnodes:\n  - { name: a, kind: container, ip: 10.0.1.1 }\n');
    const result = await cli(['validate', '-t', bad, '--no-host-check']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe(`error: ${bad}: nodes[0].ip: is the gateway address (got "10.0.1.1"). Fix: choose a free host address in the subnet, or omit ip to allocate one\n`);
    const withDebug = await cli(['validate', '-t', bad, '--no-host-check', '--debug']);
    expect(withDebug.stderr).toMatch(/\n\s+at /);
  });

  it('image prepare lists every image the topologies need, each present afterwards, and refuses a bad file before building anything', async () => {
    // Topologies of the lab's own images only: on a clean machine the Dockerfile and disk builds
    // of the other examples are the background warm-up's (a slow build here would stall this lane).
    const prepared = await cli(['image', 'prepare', '--no-setup', '--json', 'lab/examples/networks/networks.yaml', 'lab/default.yaml']);
    expect(prepared.exitCode, prepared.stderr.slice(-2000)).toBe(0);
    const results = JSON.parse(prepared.stdout) as Array<{ lab: string; artefacts: string[] }>;
    expect(results.map((result) => result.lab)).toEqual(['nw14', inject('labName')]);
    expect(results[0]!.artefacts).toEqual(expect.arrayContaining([expect.stringMatching(/^container api: hybrid-lab\/node:[0-9a-f]{12}$/), expect.stringMatching(/^VM vm-dyn: VM kernel linux-image-/)]));
    expect(results[1]!.artefacts).toEqual(expect.arrayContaining([expect.stringMatching(/^VM base-vm: VM initramfs \//)]));
    for (const image of results[0]!.artefacts.filter((line) => line.startsWith('container ')).map((line) => line.split(': ')[1]!)) {
      expect((await run('docker', ['image', 'inspect', '--format', '{{.Id}}', image], { allowFailure: true })).exitCode, `${image} is in the engine`).toBe(0);
    }
    const bad = join(scratch, 'bad-prepare.yaml');
    await writeFile(bad, 'name: badprep\nnodes:\n  - { name: a, kind: container, build: { context: /nonexistent-hl-context } }\n');
    const refused = await cli(['image', 'prepare', '--no-setup', 'lab/examples/networks/networks.yaml', bad]);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain(bad);
    expect(refused.stdout, 'nothing was prepared before the bad file was refused').toBe('');
  });

  it('test exits 2 and writes a JUnit provisioning failure when the lab cannot be brought up', async () => {
    const topology = join(scratch, 'busy.yaml');
    await writeFile(topology, 'name: busylab\nbridge: { name: hlbusy0, subnet: 10.0.6.0/24 }\nnodes:\n  - { name: a, kind: container }\n');
    await run('ip', ['link', 'add', 'hlbusy0', 'type', 'bridge']); // a bridge the lab did not make: up must refuse it
    try {
      const reports = join(scratch, 'busy-reports');
      const result = await cli(['test', 'dns', '-t', topology], { HYBRID_LAB_REPORTS: reports });
      expect(result.exitCode, result.stdout).toBe(2);
      expect(result.stdout).toContain("setup error: provisioning failed, so this suite cannot run: ");
      expect(result.stdout).toContain("bridge.name: interface hlbusy0 already exists on this host (bridge, not made by hybrid-lab) and is not this lab's");
      const junit = await readFile(join(reports, 'junit-setup.xml'), 'utf8');
      expect(junit).toContain('<testcase classname="provisioning" name="bring lab busylab up">');
      expect(junit).toMatch(/<failure message="[^"]*interface hlbusy0 already exists/);
    } finally {
      await run('ip', ['link', 'del', 'hlbusy0'], { allowFailure: true });
    }
  });

  it('--help of every command shows examples', async () => {
    for (const command of ['up', 'down', 'status', 'exec', 'test', 'bench', 'logs', 'validate', 'doctor', 'setup', 'report', 'debug', 'monitor', 'box', 'graph']) {
      const result = await cli([command, '--help']);
      expect(result.exitCode, command).toBe(0);
      expect(result.stdout, `${command} --help`).toMatch(/Examples:/);
    }
  });

  it('bench appends measured runs to the history and report latency compares them', async () => {
    const history = join(scratch, 'history.jsonl');
    const env = { HYBRID_LAB_HISTORY: history, HYBRID_LAB_REPORTS: join(scratch, 'reports') };
    const bench = await cli(['bench', '--repeat', '2', '--label', 'cli-test'], env);
    expect(bench.exitCode, bench.stdout.slice(-2000)).toBe(0);
    const runs = (await readFile(history, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { context: { label?: string }; measurements: Array<{ metric: string; from: string; to: string }> });
    expect(runs).toHaveLength(2);
    expect(runs[1].context.label).toBe('cli-test');
    expect(runs[1].measurements.some((m) => m.metric === 'icmp-rtt')).toBe(true);
    const report = await cli(['report', 'latency', '--history', history, '--baseline', 'last:1', '--json']);
    expect([0, 1], report.stderr).toContain(report.exitCode);
    const parsed = JSON.parse(report.stdout) as { outcome: string };
    expect(['ok', 'regression']).toContain(parsed.outcome);
  });
});

it('the lab DNS still answers after the CLI checks', async () => {
  const state = await readState(inject('labName'));
  expect((await queryDns(state!.topology.dns.address, `dns.${state!.topology.dns.domain}`, 'A')).answers).toEqual([state!.topology.dns.address]);
});
