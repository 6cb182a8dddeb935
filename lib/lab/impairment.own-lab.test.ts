import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentReporter } from '../common/progress.ts';
import { kernelHas } from '../host/kernel-capabilities.ts';
import { rttBaseline, rttNearDelay, tcpNearRate } from '../measure/impaired-checks.ts';
import { pathImpairment } from '../measure/impaired-path.ts';
import { linkExists } from '../net/bridge.ts';
import { appliedQdiscs, ifbName } from '../net/link-impairment.ts';
import { runCli } from '../testing/cli-process.ts';
import { labRemains, NOTHING_LEFT, topologyFromYaml } from '../testing/lab-fixture.ts';
import type { Topology } from '../topology/topology.ts';
import { downLab } from './down.ts';
import { findNode, openLab, type LiveLab } from './lab-nodes.ts';
import { labStatus } from './status.ts';
import { upLab } from './up.ts';

// Lab im14 on bridge hybr71, 10.0.71.0/24 (this test's own). One lab for the file: a container with
// a 20 Mbit/s cap, a peer and a qemu VM (busybox guest, boots in seconds). A second `up` moves the
// impairment: the cap is taken off and the VM gets 25 ms of delay — netem inside its guest on a host
// kernel without sch_netem, on the host where the kernel has it. 25 ms, not less: a TCG guest's
// timer overhead (1-3 ms per round trip, measured) must stay well inside 10% of the added 50 ms.
const LAB = 'im14';
const BRIDGE = 'hybr71';
const RATE_BITS_PER_SEC = 20_000_000;
const DELAY_MS = 25;
const header = `name: ${LAB}\nbridge: { name: ${BRIDGE}, subnet: 10.0.71.0/24 }\nnodes:\n`;
const node = (name: string, kind: 'container' | 'vm', impair = '') => `  - { name: ${name}, kind: ${kind}${impair ? `, impair: ${impair}` : ''} }\n`;
const capped = header + node('slow', 'container', `{ rateBitsPerSec: ${RATE_BITS_PER_SEC} }`) + node('peer', 'container') + node('vm', 'vm');
const delayed = header + node('slow', 'container') + node('peer', 'container') + node('vm', 'vm', `{ delayMs: ${DELAY_MS} }`);
const BOOT_MS = 10 * 60_000;

let hostHasNetem: boolean;
beforeAll(async () => {
  hostHasNetem = await kernelHas('qdisc-netem');
});

describe('impair: refused when the host kernel cannot do it', () => {
  it('delay on a container, host without sch_netem: `up` exits 2 with one error naming node, field, sch_netem and the fix; nothing is created', async ({ skip }) => {
    if (hostHasNetem) skip('this kernel has sch_netem: the refusal is covered by the unit tests with a kernel without it');
    const dir = await mkdtemp(join(tmpdir(), 'hl-impair-'));
    const file = join(dir, 'netem.yaml');
    await writeFile(file, header + node('slow', 'container', `{ delayMs: 20, rateBitsPerSec: ${RATE_BITS_PER_SEC} }`));
    const result = await runCli(['up', '-t', file, '--no-setup']);
    expect(result.exitCode, result.stderr).toBe(2);
    const errors = result.stderr.split('\n').filter((line) => line.startsWith('error:'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/nodes\[0\]\.impair\.delayMs: node slow asks for delayMs, which needs the netem qdisc, but this host's kernel has no netem qdisc \(sch_netem\)/);
    expect(errors[0]).toMatch(/Fix: remove delayMs from nodes\[0\]\.impair/);
    expect(result.stderr).not.toMatch(/at .*\.js:\d+/); // no stack trace
    expect(await labRemains(LAB, BRIDGE)).toEqual(NOTHING_LEFT);
  });
});

describe('impair: a rate cap and a delay measured on a real lab', () => {
  let topology: Topology;
  let lab: LiveLab;
  let slowVeth: string | undefined;
  let baselineMs: number;

  beforeAll(async () => {
    await downLab(LAB, undefined, silentReporter);
    topology = await topologyFromYaml(capped);
    await upLab(topology, { reporter: silentReporter });
    lab = await openLab(LAB);
  }, BOOT_MS);

  afterAll(async () => {
    await downLab(LAB, topology, silentReporter);
    expect(await labRemains(LAB, BRIDGE)).toEqual(NOTHING_LEFT);
  }, 180_000);

  it('status shows the impairment and that it is in place on the host', async () => {
    const status = await labStatus(LAB);
    const slow = status.nodes.find((entry) => entry.name === 'slow')?.impairment;
    expect(slow).toMatchObject({ rateBitsPerSec: RATE_BITS_PER_SEC, applied: true });
    expect(slow?.hostInterface).toMatch(/^veth/);
    slowVeth = slow?.hostInterface;
    expect(await appliedQdiscs(slowVeth!)).toEqual(['tbf']);
    expect(await appliedQdiscs(ifbName(LAB, 'slow'))).toEqual(['tbf']);
    expect(status.nodes.filter((entry) => entry.impairment).map((entry) => entry.name)).toEqual(['slow']);
  });

  it.each([['slow', 'peer'], ['peer', 'slow']])("tcp %s -> %s: the 20 Mbit/s cap's goodput within 10% (median of 1 s rounds)", async (fromName, toName) => {
    const path = pathImpairment(topology, fromName, toName)!;
    const outcome = await tcpNearRate(findNode(lab, fromName), findNode(lab, toName), { ...path, rateBitsPerSec: path.rateBitsPerSec! });
    process.stderr.write(`impair: tcp ${fromName} -> ${toName}: ${outcome.summary}\n`);
    expect(outcome.passed, outcome.summary).toBe(true);
  });

  it('the next up moves the impairment: the cap (qdiscs and ifb) is gone, the VM has its delay', async () => {
    baselineMs = await rttBaseline(findNode(lab, 'peer'), findNode(lab, 'vm'));
    topology = await topologyFromYaml(delayed);
    await upLab(topology, { reporter: silentReporter });
    lab = await openLab(LAB);
    expect(await appliedQdiscs(slowVeth!)).toEqual([]);
    expect(await linkExists(ifbName(LAB, 'slow'))).toBe(false);
    const status = await labStatus(LAB);
    expect(status.nodes.find((entry) => entry.name === 'slow')?.impairment).toBeUndefined();
    expect(status.nodes.find((entry) => entry.name === 'vm')?.impairment).toMatchObject({ delayMs: DELAY_MS, applied: true, ...(hostHasNetem ? {} : { inGuest: true }) });
  }, 300_000);

  it('ping peer -> vm: the round trip grows by twice the delay (both directions) within 10% of it', async () => {
    const path = pathImpairment(topology, 'peer', 'vm')!;
    expect(path.addedRttMs).toBe(2 * DELAY_MS);
    const outcome = await rttNearDelay(findNode(lab, 'peer'), findNode(lab, 'vm'), path, { baselineMs });
    process.stderr.write(`impair: ping peer -> vm: ${outcome.summary}\n`);
    expect(outcome.passed, outcome.summary).toBe(true);
  });

  it('an up without impairments clears the VM\'s netem too (guest or host) and the ifb', async () => {
    topology = await topologyFromYaml(header + node('slow', 'container') + node('peer', 'container') + node('vm', 'vm'));
    await upLab(topology, { reporter: silentReporter });
    lab = await openLab(LAB);
    const qdiscs = await findNode(lab, 'vm').exec(['/usr/sbin/tc', 'qdisc', 'show']);
    expect(qdiscs.exitCode, qdiscs.stderr).toBe(0);
    expect(qdiscs.stdout).not.toMatch(/netem/);
    expect(await linkExists(ifbName(LAB, 'vm'))).toBe(false);
    expect((await labStatus(LAB)).nodes.some((entry) => entry.impairment)).toBe(false);
  }, 300_000);
});
