import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { run } from '../common/run.ts';
import { silentReporter } from '../common/progress.ts';
import { dnsContainerName } from '../lab/names.ts';
import { containerRuntime } from '../runtimes/registry.ts';
import { openLab, type LiveLab } from '../lab/lab-nodes.ts';
import { upLab } from '../lab/up.ts';
import { labRules, removeRule } from '../net/iptables.ts';
import { runCli } from './cli-process.ts';

// The suites must fail when the network is really broken: break the live lab on purpose, run the
// suite the way a user does (`hybrid-lab test`), and check it fails naming what broke. Each case
// repairs the lab after itself (`up` restores rules and containers; the veth is re-attached).

let lab: LiveLab;
let scratchReports: string;

beforeAll(async () => {
  lab = await openLab(inject('labName'));
  scratchReports = await mkdtemp(join(tmpdir(), 'hybrid-lab-breakage-'));
});

async function repair(): Promise<void> {
  await upLab(lab.state.topology, { reporter: silentReporter, setup: false });
}
afterAll(repair);

/** Runs `hybrid-lab test SUITE --test PATTERN` in a child process with its own reports folder. */
async function runSuite(suite: string, pattern: string) {
  return runCli(['test', suite, '--test', pattern], {
    timeoutMs: 240_000,
    env: { HYBRID_LAB_REPORTS: scratchReports, HYBRID_LAB_HISTORY: join(scratchReports, 'history.jsonl') },
  });
}

describe('suites fail on a broken lab, naming what broke', () => {
  it('isolation fails naming the iptables rule that was deleted by hand', async () => {
    const rule = labRules(lab.state.topology.name, lab.state.topology.bridge.name).find((r) => r.chain === 'DOCKER-USER')!;
    await removeRule(rule);
    const result = await runSuite('isolation', 'rule present');
    expect(result.exitCode, result.stdout).toBe(1);
    expect(result.stdout).toContain(`iptables rule missing: -A DOCKER-USER -i ${lab.state.topology.bridge.name} -o ${lab.state.topology.bridge.name}`);
    expect(result.stdout).toMatch(/✘ \d+ passed, 1 failed/);
    await repair();
  });

  it('dns fails when the DNS container is stopped', async () => {
    await (await containerRuntime(lab.state.topology.runtime)).signal(dnsContainerName(lab.state.topology.name), 'SIGKILL');
    const target = lab.nodes[0];
    const result = await runSuite('dns', `from host A ${target.name} ->`);
    expect(result.exitCode, result.stdout).toBe(1);
    expect(result.stdout).toContain(`host: A ${target.name} at ${lab.state.topology.dns.address} gave FAILED`);
    await repair();
  });

  it('connectivity fails when a container\'s veth is detached from the bridge', async () => {
    const victim = lab.nodes.find((node) => node.kind === 'container')!;
    const ifindex = (await victim.exec(['cat', '/sys/class/net/eth0/iflink'])).stdout.trim();
    const links = JSON.parse((await run('ip', ['-j', 'link', 'show'])).stdout) as Array<{ ifindex: number; ifname: string }>;
    const veth = links.find((link) => String(link.ifindex) === ifindex)!.ifname;
    await run('ip', ['link', 'set', 'dev', veth, 'nomaster']);
    try {
      const result = await runSuite('connectivity', `host -> ${victim.name} icmp by ip`);
      expect(result.exitCode, result.stdout).toBe(1);
      expect(result.stdout).toContain(`host -> ${victim.name} (${victim.ip}) icmp: 0/2 replies`);
    } finally {
      await run('ip', ['link', 'set', 'dev', veth, 'master', lab.state.topology.bridge.name]);
    }
  });
});
