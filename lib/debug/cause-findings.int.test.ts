import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentReporter } from '../common/progress.ts';
import { run } from '../common/run.ts';
import { LiveRecords } from '../dns/live-records.ts';
import { labDebugContext, type LabDebugContext } from '../lab/debug-context.ts';
import { hostsDir } from '../lab/dns-paths.ts';
import { downLab } from '../lab/down.ts';
import { openLab, findNode, type LiveLab } from '../lab/lab-nodes.ts';
import { upLab } from '../lab/up.ts';
import { ping } from '../probe/ping.ts';
import { lookup } from '../probe/dns-lookup.ts';
import { labRemains, NOTHING_LEFT, topologyFromYaml } from '../testing/lab-fixture.ts';
import type { Topology } from '../topology/topology.ts';
import type { Finding } from './findings/finding.ts';
import { runDebug } from './run-debug.ts';
import { main } from '../cli/main.ts';
import { containerPort } from './snapshot/container-port.ts';

// Break a live lab of our own (dbg13 on hybr13, 10.0.13.0/24: two containers and the lab DNS)
// in each way the issue names, run `debug --probe` as a user would, check the finding names the
// cause, then apply the finding's own fix and check it really repairs the lab.
//   npx vitest run --config lib/capture/testing/vitest.int.config.ts lib/capture/cause-findings.int.test.ts

const LAB = 'dbg13';
const BRIDGE = 'hybr13';
const YAML = `name: ${LAB}
bridge: { name: ${BRIDGE}, subnet: 10.0.13.0/24 }
nodes:
  - { name: alpha, kind: container, ip: 10.0.13.10 }
  - { name: beta, kind: container, ip: 10.0.13.20 }
`;

let topology: Topology;
let lab: LiveLab;
let context: LabDebugContext;

beforeAll(async () => {
  topology = await topologyFromYaml(YAML);
  await upLab(topology, { reporter: silentReporter, setup: false });
  lab = await openLab(LAB);
  context = await labDebugContext(LAB);
}, 300_000);

afterAll(async () => {
  await downLab(LAB, topology, silentReporter);
  expect(await labRemains(LAB, BRIDGE)).toEqual(NOTHING_LEFT);
}, 300_000);

let lastReport = '';
let lastPcap = '';
let lastCaptureSec = Number.NaN;

async function debugWhileProbing(): Promise<Finding[]> {
  const { report, written } = await runDebug({
    interface: BRIDGE, bridge: BRIDGE, subnet: context.subnet, durationSec: 10, nodes: context.nodes, dnsRecords: context.dnsRecords,
    probe: context.probe, probeGraceSec: 2, outDir: mkdtempSync(join(tmpdir(), 'hl-dbg13-')),
  });
  lastCaptureSec = (report.source.kind === 'live-capture' ? report.source.durationSec : undefined) ?? Number.NaN;
  lastPcap = written.pcapPath;
  lastReport = JSON.stringify({ arp: report.analysis.arp, icmp: report.analysis.icmp.v4, dns: report.analysis.dns.unansweredCount, packets: report.analysis.mix.packets, errors: report.snapshot?.errors });
  return report.findings;
}

/** Runs a finding's fix as given (the command before any parenthesised note). */
async function applyFix(fix: string): Promise<void> {
  const [command, ...args] = fix.replace(/\s*\(.*$/, '').trim().split(/\s+/);
  await run(command, args);
}

async function alphaReachesBeta(): Promise<boolean> {
  const result = await ping(findNode(lab, 'alpha'), '10.0.13.20', { count: 1, waitSec: 2 });
  return result.received > 0;
}

function only(findings: Finding[], id: string): Finding {
  const found = findings.filter((f) => f.id === id);
  expect(found.map((f) => f.title), JSON.stringify(findings.map((f) => `${f.id}: ${f.title}`), null, 1)).toHaveLength(1);
  return found[0];
}

describe('debug --probe names the cause of a broken lab, with a fix that repairs it', { timeout: 240_000 }, () => {
  it('starts healthy: alpha reaches beta and nothing critical is found', async () => {
    expect(await alphaReachesBeta()).toBe(true);
    const findings = await debugWhileProbing();
    expect(findings.filter((f) => f.severity === 'critical').map((f) => f.title)).toEqual([]);
    // The capture ended with the probe (plus its grace), not at the 10 s duration.
    expect(lastCaptureSec).toBeLessThan(9);
  });

  it('offline --pcap --lab dbg13 names the lab nodes and uses its subnet', async () => {
    let stdout = '';
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => ((stdout += String(chunk)), true)) as typeof process.stdout.write;
    try {
      await main(['node', 'hybrid-lab', 'debug', '--pcap', lastPcap, '--lab', LAB, '--json', '--out', mkdtempSync(join(tmpdir(), 'hl-dbg13-offline-'))]);
    } finally {
      process.stdout.write = write;
      process.exitCode = undefined;
    }
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({ bridge: BRIDGE, subnet: '10.0.13.0/24', domain: 'hybrid.local' });
    expect(report.nodes.map((n: { name: string }) => n.name)).toEqual(expect.arrayContaining(['alpha', 'beta', 'dns', 'host']));
    expect(report.analysis.outsideLab.packets).toBe(0);
    expect(report.analysis.icmp.byPair.length).toBeGreaterThan(0);
  });

  it('an iptables DROP rule between two containers: the rule, its position and the packets it took', async () => {
    const rule = ['FORWARD', '-s', '10.0.13.10', '-d', '10.0.13.20', '-j', 'DROP'];
    await run('iptables', ['-I', ...rule.slice(0, 1), '1', ...rule.slice(1)]);
    try {
      expect(await alphaReachesBeta()).toBe(false);
      const cause = only(await debugWhileProbing(), 'blocked-by-rule');
      // Other labs on this host may insert FORWARD rules too: the position is read back, not assumed to be 1.
      const forward = (await run('iptables-save', ['-t', 'filter'])).stdout.split('\n').filter((line) => line.startsWith('-A FORWARD '));
      const position = forward.indexOf('-A FORWARD -s 10.0.13.10/32 -d 10.0.13.20/32 -j DROP') + 1;
      expect(cause.severity).toBe('critical');
      expect(cause.title, lastReport).toBe(`10.0.13.10 (alpha) -> 10.0.13.20 (beta) is blocked by iptables rule filter/FORWARD #${position} (DROP)`);
      expect(cause.evidence[0]).toBe(`rule: -A FORWARD -s 10.0.13.10/32 -d 10.0.13.20/32 -j DROP (table filter, position ${position} in FORWARD)`);
      expect(cause.evidence[1]).toMatch(/^[1-9]\d* packets? \(\d+ bytes\) matched it during the capture$/);
      expect(cause.symptoms?.join()).toMatch(/ping.* from 10\.0\.13\.10 \(alpha\) to 10\.0\.13\.20 \(beta\) got no reply/);
      await applyFix(cause.fix);
      expect(await alphaReachesBeta()).toBe(true);
    } finally {
      await run('iptables', ['-D', ...rule], { allowFailure: true });
    }
  });

  it('the FORWARD policy DROP when nothing accepts the bridge any more', async () => {
    const save = (await run('iptables-save', ['-t', 'filter'])).stdout.split('\n');
    const accepting = save.filter((line) => line.startsWith('-A ') && line.includes(`-i ${BRIDGE} -o ${BRIDGE}`) && line.endsWith('-j ACCEPT'));
    expect(accepting.length).toBeGreaterThan(0);
    for (const line of accepting) await run('iptables', ['-D', ...line.slice(3).split(' ').map((a) => a.replace(/^"|"$/g, ''))]);
    try {
      expect(await alphaReachesBeta()).toBe(false);
      const cause = only(await debugWhileProbing(), 'blocked-by-policy');
      expect(cause.title).toMatch(/^filter\/FORWARD policy DROP took \d+ packets? during the capture: nothing accepts traffic across hybr13$/);
      await applyFix(cause.fix);
      expect(await alphaReachesBeta()).toBe(true);
      await run('iptables', ['-D', 'DOCKER-USER', '-i', BRIDGE, '-o', BRIDGE, '-j', 'ACCEPT']);
    } finally {
      // Put back Docker's own rules as they were; `up` restores the lab's.
      const now = (await run('iptables-save', ['-t', 'filter'])).stdout;
      for (const line of accepting) if (!now.includes(line)) await run('sh', ['-c', `iptables ${line}`]);
    }
  });

  it("a container's veth detached from the bridge", async () => {
    const beta = context.nodes.find((n) => n.name === 'beta')!;
    const links = JSON.parse((await run('ip', ['-j', 'link', 'show'])).stdout);
    const port = (await containerPort(beta.containerName ?? beta.name, beta.ip, links))!;
    expect(port.master).toBe(BRIDGE);
    await run('ip', ['link', 'set', 'dev', port.name, 'nomaster']);
    try {
      expect(await alphaReachesBeta()).toBe(false);
      const cause = only(await debugWhileProbing(), 'bridge-port-detached');
      expect(cause.title).toBe(`beta's bridge port ${port.name} is a port of no bridge, not of ${BRIDGE}: beta is cut off`);
      await applyFix(cause.fix);
      expect(await alphaReachesBeta()).toBe(true);
    } finally {
      await run('ip', ['link', 'set', 'dev', port.name, 'master', BRIDGE, 'up'], { allowFailure: true });
    }
  });

  it('the lab DNS container paused: lookups go unanswered, the cause is named and the fix unpauses it', async () => {
    const dns = context.nodes.find((n) => n.kind === 'dns')!;
    const container = dns.containerName ?? dns.name;
    await run('docker', ['pause', container]);
    try {
      const findings = await debugWhileProbing();
      const cause = only(findings, 'node-not-running');
      expect(cause.title, lastReport).toMatch(/^dns dns \(10\.0\.13\.2\) is paused: \d+ requests to it went unanswered$/);
      expect(cause.fix).toBe(`docker unpause ${container}`);
      // The unanswered lookups are this cause's symptom, not a finding of their own.
      expect(cause.symptoms?.join(), lastReport).toMatch(/DNS queries for hybrid\.local unanswered by 10\.0\.13\.2/);
      expect(findings.find((f) => f.id === 'dns-unanswered')).toBeUndefined();
      await applyFix(cause.fix);
      expect((await lookup(findNode(lab, 'alpha'), 'beta.hybrid.local', topology.dns.address)).answers).toEqual(['10.0.13.20']);
    } finally {
      await run('docker', ['unpause', container], { allowFailure: true });
    }
  });

  it('a DNS record that is not the node address: the fix (re-running up) rewrites it', async () => {
    await new LiveRecords(hostsDir(LAB), topology.dns.domain).put({ name: 'beta', ip: '10.0.13.99' });
    try {
      const cause = only(await debugWhileProbing(), 'dns-wrong-answer');
      expect(cause.title).toBe('DNS answered beta.hybrid.local with 10.0.13.99, but beta is at 10.0.13.20');
      expect(cause.fix).toMatch(/re-run hybrid-lab up/);
    } finally {
      await upLab(topology, { reporter: silentReporter, setup: false });
    }
    const answer = await lookup(findNode(lab, 'alpha'), 'beta.hybrid.local', topology.dns.address);
    expect(answer.answers).toEqual(['10.0.13.20']);
  });
});
