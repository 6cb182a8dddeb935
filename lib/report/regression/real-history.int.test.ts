import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentReporter } from '../../common/progress.ts';
import { run } from '../../common/run.ts';
import { dnsContainerName } from '../../lab/names.ts';
import { runCli } from '../../testing/cli-process.ts';
import { dockerRuntime } from '../../runtimes/docker/index.ts';
import { downLab } from '../../lab/down.ts';
import { openLab, type LiveLab } from '../../lab/lab-nodes.ts';
import { upLab } from '../../lab/up.ts';
import { measureBenchRun } from '../../measure/bench-run.ts';
import { dnsTimeCeiling, tcpFloor } from '../../measure/lab-checks.ts';
import type { LabNode } from '../../nodes/node.ts';
import { topologyFromYaml } from '../../testing/lab-fixture.ts';
import type { Topology } from '../../topology/topology.ts';
import { readHistory } from '../history/read-history.ts';
import { recordRun } from '../history/record-run.ts';
import { buildLatencyReport } from './build-report.ts';

// The regression gate on real history: a small lab of its own (name, bridge and subnet nobody
// else uses), six healthy short runs that must not raise a single regression in any rolling
// comparison, then real faults injected into the lab (tc on a container's veth, a paused DNS
// container) that must be flagged and named — by the report and by the suites' budget checks.

const LAB = 'gate15';
const BRIDGE = 'hybr15';
const HEALTHY_RUNS = 6;

const YAML = `
name: ${LAB}
bridge: { name: ${BRIDGE}, subnet: 10.0.15.0/24 }
nodes:
  - { name: alpha, kind: container, ip: 10.0.15.10, services: [http, iperf3] }
  - { name: beta, kind: container, ip: 10.0.15.11, services: [http, iperf3] }
`;

/** Whether tc can add a netem qdisc here; probed on a scratch veth pair, which is removed again. */
async function netemProblem(): Promise<string | undefined> {
  const probe = 'hl15netem0';
  await run('ip', ['link', 'del', probe], { allowFailure: true });
  const made = await run('ip', ['link', 'add', probe, 'type', 'veth', 'peer', 'name', 'hl15netem1'], { allowFailure: true });
  if (made.exitCode !== 0) return `cannot make a scratch veth to probe netem: ${made.stderr.trim()}`;
  try {
    const netem = await run('tc', ['qdisc', 'add', 'dev', probe, 'root', 'netem', 'delay', '1ms'], { allowFailure: true });
    return netem.exitCode === 0 ? undefined : `this kernel has no sch_netem (tc: "${netem.stderr.trim()}")`;
  } finally {
    await run('ip', ['link', 'del', probe], { allowFailure: true });
  }
}
const noNetem = await netemProblem();

let topology: Topology;
let lab: LiveLab;
let dir: string;
let healthy: string;
let alpha: LabNode;
let beta: LabNode;

/** The host side of a container's veth: the link whose ifindex the container's eth0 points at. */
async function hostVethOf(node: LabNode): Promise<string> {
  const ifindex = Number((await node.exec(['cat', '/sys/class/net/eth0/iflink'])).stdout.trim());
  const links = JSON.parse((await run('ip', ['-j', 'link', 'show'])).stdout) as Array<{ ifindex: number; ifname: string }>;
  const veth = links.find((link) => link.ifindex === ifindex)?.ifname;
  if (!veth) throw new Error(`no host link with ifindex ${ifindex} (${node.name}'s eth0 peer)`);
  return veth;
}

/** Measures one short run of the lab and appends it to `historyPath`. */
async function recordBenchRun(historyPath: string, label?: string) {
  const measurements = await measureBenchRun(lab);
  return recordRun(measurements, { topology, accelMode: 'none', historyPath, ...(label ? { label } : {}) });
}

/** A copy of the healthy history, so each fault is judged against the same six healthy runs. */
async function historyWithFault(name: string): Promise<string> {
  const file = join(dir, `${name}.jsonl`);
  await copyFile(healthy, file);
  return file;
}

function reportCli(historyPath: string) {
  return runCli(['report', 'latency', '--history', historyPath], { env: { HYBRID_LAB_HISTORY: '' } });
}

describe('regression gate on real runs of a live lab', () => {
  beforeAll(async () => {
    await downLab(LAB, undefined, silentReporter); // leftovers of a crashed earlier run
    topology = await topologyFromYaml(YAML);
    await upLab(topology, { reporter: silentReporter });
    lab = await openLab(LAB);
    [alpha, beta] = lab.nodes;
    dir = await mkdtemp(join(tmpdir(), 'hl-gate15-'));
    healthy = join(dir, 'healthy.jsonl');
  }, 180_000);

  afterAll(async () => {
    await dockerRuntime.unpause(dnsContainerName(LAB)).catch(() => undefined);
    await downLab(LAB, topology, silentReporter);
    if (dir) await rm(dir, { recursive: true, force: true });
  }, 120_000);

  it(`raises no regression across rolling comparisons of ${HEALTHY_RUNS} healthy runs`, async () => {
    for (let index = 0; index < HEALTHY_RUNS; index++) await recordBenchRun(healthy);
    const { runs } = await readHistory(healthy);
    expect(runs).toHaveLength(HEALTHY_RUNS);
    let rows = 0;
    let lowConfidence = 0;
    const regressions: string[] = [];
    for (const judged of runs.slice(1)) {
      const report = await buildLatencyReport({ historyPath: healthy, run: judged.context.runId });
      rows += report.comparisons.length;
      lowConfidence += report.counts['low-confidence'];
      for (const c of report.comparisons.filter((comparison) => comparison.verdict === 'regression')) regressions.push(`${judged.context.runId}: ${c.from} → ${c.to} ${c.metric}: ${c.reason}`);
    }
    expect(rows, 'every rolling comparison judged every pair').toBeGreaterThanOrEqual((HEALTHY_RUNS - 1) * 11);
    process.stdout.write(`gate15 healthy: ${HEALTHY_RUNS - 1} rolling comparisons, ${rows} rows, ${regressions.length} regression(s), ${lowConfidence} low-confidence\n`);
    expect(regressions, 'false alarms on healthy runs').toEqual([]);
    const cli = await reportCli(healthy);
    expect(cli.exitCode, cli.stdout).toBe(0);
    expect(cli.stdout.trim().split('\n').at(-1)).toMatch(/^✔ OK: 0 regression\(s\)/);
  }, 240_000);

  it('flags a link throttled to 20 Mbit/s with tc tbf and names the pair; the throughput budget fails as "the lab is slow"', async () => {
    const history = await historyWithFault('throttled');
    const veth = await hostVethOf(beta);
    // Egress of beta's host-side veth: everything sent to beta goes through the token bucket.
    await run('tc', ['qdisc', 'add', 'dev', veth, 'root', 'tbf', 'rate', '20mbit', 'burst', '32kbit', 'latency', '50ms']);
    try {
      await recordBenchRun(history, 'throttled');
      const floor = await tcpFloor(lab, alpha, beta, topology.budgets.throughput.containerContainerBitsPerSec);
      expect(floor.outcome).toMatchObject({ passed: false, cause: 'lab-slow' });
      expect(floor.outcome.value).toBeLessThan(25e6);
      expect(floor.outcome.summary).toMatch(/^the lab is slow: best of 4 round\(s\) [\d.]+ Mbit\/s beyond floor 1000\.0 Mbit\/s while the host is not loaded/);
    } finally {
      await run('tc', ['qdisc', 'del', 'dev', veth, 'root'], { allowFailure: true });
    }
    const report = await buildLatencyReport({ historyPath: history });
    const regressed = report.comparisons.filter((comparison) => comparison.verdict === 'regression');
    expect(regressed.find((c) => c.from === 'alpha' && c.to === 'beta' && c.metric === 'tcp-throughput')).toMatchObject({ flagged: expect.arrayContaining(['value']) });
    expect(regressed.filter((c) => c.from !== 'beta' && c.to !== 'beta'), 'regressions on pairs that do not cross the throttled link').toEqual([]);
    const cli = await reportCli(history);
    expect(cli.exitCode).toBe(1);
    expect(cli.stdout).toMatch(/alpha → beta\s*│ tcp-throughput .*│ ✖ regression: throughput/);
  }, 120_000);

  it.skipIf(noNetem)(`flags 2 ms of added delay (tc netem) on a container's link${noNetem ? ` (skipped: ${noNetem})` : ''}`, async () => {
    const history = await historyWithFault('delayed');
    const veth = await hostVethOf(beta);
    await run('tc', ['qdisc', 'add', 'dev', veth, 'root', 'netem', 'delay', '2ms']);
    try {
      await recordBenchRun(history, 'delayed');
    } finally {
      await run('tc', ['qdisc', 'del', 'dev', veth, 'root'], { allowFailure: true });
    }
    const report = await buildLatencyReport({ historyPath: history });
    const regressed = report.comparisons.filter((comparison) => comparison.verdict === 'regression');
    expect(regressed.find((c) => c.from === 'host' && c.to === 'beta' && c.metric === 'icmp-rtt')).toMatchObject({ flagged: expect.arrayContaining(['value']) });
    expect(regressed.filter((c) => c.from !== 'beta' && c.to !== 'beta')).toEqual([]);
  }, 120_000);

  it('flags a paused DNS container as DNS loss; the DNS time budget fails as "the lab is slow", the reference pair still answers', async () => {
    const history = await historyWithFault('dns-paused');
    await dockerRuntime.pause(dnsContainerName(LAB));
    try {
      const check = await dnsTimeCeiling(lab, `alpha.${topology.dns.domain}`, topology.budgets.latency.dnsCachedMs);
      expect(check.outcome).toMatchObject({ passed: false, cause: 'lab-slow' });
      expect(Number.isFinite(check.outcome.reference.value), 'the paused container’s kernel still answers the reference ping').toBe(true);
      expect(check.errors.join('\n')).toMatch(/no DNS answer from 10\.0\.15\.2/);
      await recordBenchRun(history, 'dns-paused');
    } finally {
      await dockerRuntime.unpause(dnsContainerName(LAB));
    }
    const report = await buildLatencyReport({ historyPath: history });
    const regressed = report.comparisons.filter((comparison) => comparison.verdict === 'regression').map((c) => `${c.from} → ${c.to} ${c.metric} [${c.flagged.join(',')}]`);
    expect(regressed).toContain('host → dns dns-resolve [loss]');
    // Nothing else about DNS or round trips may be blamed. TCP throughput between two containers
    // is left out here: in a full CI run on 2 loaded cores one such row was once flagged during
    // this phase (a host-load swing, not the pause); the healthy-runs test above holds it to zero.
    expect(regressed.filter((row) => row !== 'host → dns dns-resolve [loss]' && !/ tcp-throughput /.test(row))).toEqual([]);
  }, 120_000);
});
