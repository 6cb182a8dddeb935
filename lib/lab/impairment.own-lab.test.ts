import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentReporter } from '../common/progress.ts';
import { kernelHas } from '../host/kernel-capabilities.ts';
import { tcpNearRate, rttNearDelay } from '../measure/impaired-checks.ts';
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
// a 20 Mbit/s cap, a peer, and a Debian disk VM with 10 ms of delay — netem inside its guest on a
// host kernel without sch_netem, on the host where the kernel has it.
const LAB = 'im14';
const BRIDGE = 'hybr71';
const RATE_BITS_PER_SEC = 20_000_000;
const DELAY_MS = 10;
const header = `name: ${LAB}\nbridge: { name: ${BRIDGE}, subnet: 10.0.71.0/24 }\nnodes:\n`;
const container = (name: string, impair = '') => `  - { name: ${name}, kind: container${impair ? `, impair: ${impair}` : ''} }\n`;
const diskVm = `  - { name: dvm, kind: vm, memoryMb: 512, services: [http], disk: { recipe: debian, packages: [nginx-light] }, impair: { delayMs: ${DELAY_MS} } }\n`;
/** A cold disk build (minutes) and a TCG boot with cloud-init. */
const BUILD_AND_BOOT_MS = 25 * 60_000;

let hostHasNetem: boolean;
beforeAll(async () => {
  hostHasNetem = await kernelHas('qdisc-netem');
});

describe('impair: refused when the host kernel cannot do it', () => {
  it('delay on a container, host without sch_netem: `up` exits 2 with one error naming node, field, sch_netem and the fix; nothing is created', async ({ skip }) => {
    if (hostHasNetem) skip('this kernel has sch_netem: the refusal is covered by the unit tests with a kernel without it');
    const dir = await mkdtemp(join(tmpdir(), 'hl-impair-'));
    const file = join(dir, 'netem.yaml');
    await writeFile(file, header + container('slow', `{ delayMs: 20, rateBitsPerSec: ${RATE_BITS_PER_SEC} }`));
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

  beforeAll(async () => {
    await downLab(LAB, undefined, silentReporter);
    topology = await topologyFromYaml(header + container('slow', `{ rateBitsPerSec: ${RATE_BITS_PER_SEC} }`) + container('peer') + diskVm);
    await upLab(topology, { reporter: silentReporter });
    lab = await openLab(LAB);
  }, BUILD_AND_BOOT_MS);

  afterAll(async () => {
    await downLab(LAB, topology, silentReporter);
    expect(await labRemains(LAB, BRIDGE)).toEqual(NOTHING_LEFT);
  }, 180_000);

  it('status shows each impairment and that it is in place', async () => {
    const status = await labStatus(LAB);
    const byName = new Map(status.nodes.map((node) => [node.name, node.impairment]));
    expect(byName.get('slow')).toMatchObject({ rateBitsPerSec: RATE_BITS_PER_SEC, applied: true });
    expect(byName.get('slow')?.hostInterface).toMatch(/^veth/);
    expect(byName.get('dvm')).toMatchObject({ delayMs: DELAY_MS, applied: true, ...(hostHasNetem ? {} : { inGuest: true }) });
    expect(byName.get('peer')).toBeUndefined();
  });

  it.each([['slow', 'peer'], ['peer', 'slow']])('tcp %s -> %s: the 20 Mbit/s cap\'s goodput within 10% (median of 1 s rounds)', async (fromName, toName) => {
    const [from, to] = [findNode(lab, fromName), findNode(lab, toName)];
    const path = pathImpairment(topology, fromName, toName)!;
    const outcome = await tcpNearRate(from, to, { ...path, rateBitsPerSec: path.rateBitsPerSec! });
    process.stderr.write(`impair: tcp ${fromName} -> ${toName}: ${outcome.summary}\n`);
    expect(outcome.passed, outcome.summary).toBe(true);
  });

  it('ping peer -> dvm: the round trip grows by twice the delay (both directions), within 10%', async () => {
    const path = pathImpairment(topology, 'peer', 'dvm')!;
    expect(path.addedRttMs).toBe(2 * DELAY_MS);
    const accel = lab.state.resources.find((resource) => resource.kind === 'vm');
    const unimpairedP95Ms = accel?.kind === 'vm' && accel.handle?.accel === 'kvm' ? topology.budgets.latency.vmContainer.p95Ms : topology.budgets.latency.vmContainerEmulated.p95Ms;
    const outcome = await rttNearDelay(findNode(lab, 'peer'), findNode(lab, 'dvm'), path, unimpairedP95Ms);
    process.stderr.write(`impair: ping peer -> dvm: ${outcome.summary}\n`);
    expect(outcome.passed, outcome.summary).toBe(true);
  });

  it('an impairment taken out of the topology is removed by the next up: qdiscs and ifb gone', async () => {
    const veth = (await labStatus(LAB)).nodes.find((node) => node.name === 'slow')?.impairment?.hostInterface;
    expect(veth).toBeDefined();
    const before = topology;
    topology = await topologyFromYaml(header + container('slow') + container('peer') + diskVm);
    await upLab(topology, { reporter: silentReporter });
    expect(await appliedQdiscs(veth!)).toEqual([]);
    expect(await linkExists(ifbName(LAB, 'slow'))).toBe(false);
    expect((await labStatus(LAB)).nodes.find((node) => node.name === 'slow')?.impairment).toBeUndefined();
    expect(before.nodes.find((node) => node.name === 'slow')?.impair).toBeDefined();
  }, 180_000);
});
