import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labStateDir } from '../common/paths.ts';
import { silentReporter } from '../common/progress.ts';
import { run } from '../common/run.ts';
import { queryDns } from '../dns/client.ts';
import { probeKernelFeatures } from '../host/kernel-capabilities.ts';
import { linkInfo } from '../net/bridge.ts';
import type { LabNode } from '../nodes/node.ts';
import { runCli } from '../testing/cli-process.ts';
import { labRemains, NOTHING_LEFT, topologyFromYaml } from '../testing/lab-fixture.ts';
import type { Topology } from '../topology/topology.ts';
import { downLab } from './down.ts';
import { findNode, openLab, type LiveLab } from './lab-nodes.ts';
import { stateFilePath } from './state.ts';
import { labStatus } from './status.ts';
import { upLab } from './up.ts';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Lab mv91: a container and a qemu VM on a macvlan network whose parent is hlmv0, one end of a
// veth pair whose other end (hlmv0p, 10.0.91.250) sits in the namespace hlmv-out: the "external"
// L2 segment, the test's own. The lab's shim mv91-ext carries the gateway 10.0.91.1. Lab mv92
// (hybr92, 10.0.92.0/24) is only ever refused. This file brings its own labs (no default lab).
const LAB = 'mv91';
const PARENT = 'hlmv0';
const PEER = 'hlmv0p';
const NAMESPACE = 'hlmv-out';
const PEER_IP = '10.0.91.250';
const SHIM = 'mv91-ext';
const YAML = `
name: ${LAB}
networks:
  - { name: ext, mode: macvlan, parent: ${PARENT}, subnet: 10.0.91.0/24 }
nodes:
  - { name: c1, kind: container, ip: 10.0.91.10 }
  - { name: v1, kind: vm, provider: qemu, memoryMb: 128, ip: 10.0.91.20 }
`;

const features = await probeKernelFeatures();
const missing = features.filter((probe) => (probe.feature === 'macvlan' || probe.feature === 'macvtap' || probe.feature === 'netns') && probe.state !== 'present');
const SKIP_REASON = missing.length ? ` (skipped: this kernel lacks ${missing.map((probe) => `${probe.feature}: ${probe.detail}`).join('; ')})` : '';

const inNamespace = (argv: string[]) => run('ip', ['netns', 'exec', NAMESPACE, ...argv], { allowFailure: true, timeoutMs: 15_000 });
const pings = async (node: LabNode, ip: string) => (await node.exec(['ping', '-c', '1', '-W', '2', ip], { timeoutMs: 15_000 })).exitCode === 0;
const hostPings = async (ip: string) => (await run('ping', ['-c', '1', '-W', '2', ip], { allowFailure: true })).exitCode === 0;

/** The test's stand-in for the external segment: veth hlmv0 (host) / hlmv0p (in hlmv-out, 10.0.91.250/24). */
async function createSegment(): Promise<void> {
  await removeSegment();
  await run('ip', ['netns', 'add', NAMESPACE]);
  await run('ip', ['link', 'add', PARENT, 'type', 'veth', 'peer', 'name', PEER, 'netns', NAMESPACE]);
  await run('ip', ['link', 'set', 'dev', PARENT, 'up']);
  await run('ip', ['-n', NAMESPACE, 'addr', 'add', `${PEER_IP}/24`, 'dev', PEER]);
  await run('ip', ['-n', NAMESPACE, 'link', 'set', 'dev', PEER, 'up']);
  await run('ip', ['-n', NAMESPACE, 'link', 'set', 'dev', 'lo', 'up']);
}

async function removeSegment(): Promise<void> {
  // Only the test's own names (hlmv*): the veth goes with either end.
  await run('ip', ['link', 'del', 'dev', PARENT], { allowFailure: true });
  await run('ip', ['netns', 'delete', NAMESPACE], { allowFailure: true });
}

/** `hybrid-lab up` of a topology text, as a user runs it. */
async function cliUp(yaml: string) {
  const dir = await mkdtemp(join(tmpdir(), 'hlmv-'));
  const file = join(dir, 'topology.yaml');
  await writeFile(file, yaml);
  return runCli(['up', '--no-setup', '-t', file]);
}

describe.skipIf(missing.length > 0)(`a macvlan network: container and qemu VM on a host interface's segment${SKIP_REASON}`, () => {
  let topology: Topology;
  let lab: LiveLab;
  const node = (name: string) => findNode(lab, name);

  beforeAll(async () => {
    await createSegment();
    topology = await topologyFromYaml(YAML);
    await downLab(LAB, topology, silentReporter);
    await upLab(topology, { reporter: silentReporter });
    lab = await openLab(LAB);
  });

  afterAll(async () => {
    if (topology) await downLab(LAB, topology, silentReporter);
    await downLab('mv92', undefined, silentReporter).catch(() => undefined);
    await removeSegment();
  });

  it('makes a shim on the parent with the gateway, a macvtap for the VM, an engine macvlan network, and leaves the parent as it was', async () => {
    const shim = await linkInfo(SHIM);
    expect(shim?.linkinfo?.info_kind).toBe('macvlan');
    expect(shim?.ifalias).toBe(`hybrid-lab:${LAB}:shim:ext`);
    expect(shim?.addr_info?.map((address) => `${address.local}/${address.prefixlen}`)).toContain('10.0.91.1/24');
    const vm = lab.state.resources.find((resource) => resource.kind === 'vm');
    const macvtap = vm?.kind === 'vm' ? vm.handle?.nic.hostInterface : undefined;
    expect((await linkInfo(macvtap!))?.linkinfo?.info_kind).toBe('macvtap');
    const network = JSON.parse((await run('docker', ['network', 'inspect', `${LAB}-net`])).stdout)[0];
    expect(network.Driver).toBe('macvlan');
    expect(network.Options).toEqual({ parent: PARENT, macvlan_mode: 'bridge' });
    const parent = await linkInfo(PARENT);
    expect(parent?.ifalias).toBeUndefined();
    expect(parent?.addr_info?.filter((address) => address.family === 'inet')).toEqual([]);
  });

  it('the container and the VM reach the external peer and each other on the segment', async () => {
    expect(await pings(node('c1'), PEER_IP)).toBe(true);
    expect(await pings(node('v1'), PEER_IP)).toBe(true);
    expect(await pings(node('c1'), '10.0.91.20')).toBe(true);
    expect(await pings(node('v1'), '10.0.91.10')).toBe(true);
    // And the segment reaches them: the peer sees both on its own L2.
    expect((await inNamespace(['ping', '-c', '1', '-W', '2', '10.0.91.10'])).exitCode).toBe(0);
    expect((await inNamespace(['ping', '-c', '1', '-W', '2', '10.0.91.20'])).exitCode).toBe(0);
  });

  it('the host reaches both through the shim (a parent cannot talk to its own macvlan children)', async () => {
    expect(await hostPings('10.0.91.10')).toBe(true);
    expect(await hostPings('10.0.91.20')).toBe(true);
    expect((await run('ip', ['route', 'get', '10.0.91.10'])).stdout).toContain(`dev ${SHIM}`);
  });

  it('names resolve: the DNS container sits on the macvlan network too', async () => {
    expect((await queryDns('10.0.91.2', 'c1.hybrid.local', 'A')).answers).toEqual(['10.0.91.10']);
    expect((await queryDns('10.0.91.2', 'v1.hybrid.local', 'A')).answers).toEqual(['10.0.91.20']);
    expect((await node('c1').exec(['nslookup', 'v1.hybrid.local'], { timeoutMs: 10_000 })).stdout).toContain('10.0.91.20');
    expect((await node('v1').exec(['nslookup', 'c1.hybrid.local'], { timeoutMs: 10_000 })).stdout).toContain('10.0.91.10');
    // The namespace peer asks the lab DNS across the segment, as any machine there could.
    expect((await inNamespace(['nslookup', 'v1.hybrid.local', '10.0.91.2'])).stdout).toContain('10.0.91.20');
  });

  it('status shows the network with its mode, shim and parent', async () => {
    const status = await labStatus(LAB);
    expect(status.networks).toEqual([{ name: 'ext', mode: 'macvlan', interface: SHIM, parent: PARENT, subnet: '10.0.91.0/24', present: true }]);
    const printed = await runCli(['status', '--lab', LAB]);
    expect(printed.stdout).toMatch(/ext\s+macvlan\s+mv91-ext \(shim on hlmv0\)\s+10\.0\.91\.0\/24\s+present/);
  });

  it('refuses bad parents and impair on a macvlan NIC with exit 2, creating nothing', async () => {
    const head = (parent: string, extra = '') => `name: mv92\nnetworks:\n  - { name: own, bridge: hybr92, subnet: 10.0.92.0/24 }\n  - { name: ext, mode: macvlan, parent: ${parent}, subnet: 10.0.93.0/24 }\nnodes:\n  - { name: c, kind: container, nics: [{ network: ext${extra} }] }\n`;
    const cases: Array<[string, string, RegExp]> = [
      ['unknown parent', head('hlmvnope'), /networks\[1\]\.parent: no such interface.*"hlmvnope"/s],
      ['this lab\'s own bridge', head('hybr92'), /networks\[1\]\.parent: is one of this lab's own bridges.*"hybr92"/s],
      ['another lab\'s shim', head(SHIM), /networks\[1\]\.parent: was made by hybrid-lab \(lab "mv91", shim\).*"mv91-ext"/s],
      ['loopback', head('lo'), /networks\[1\]\.parent: the loopback interface.*"lo"/s],
      ['impair on a macvlan NIC', head(PARENT, ', impair: { delayMs: 5 }'), /nodes\[0\]\.nics\[0\]\.impair: node c's NIC on macvlan network ext has no host-side link to impair/s],
    ];
    for (const [what, yaml, message] of cases) {
      const result = await cliUp(yaml);
      expect(result.exitCode, `${what}: ${result.stderr}`).toBe(2);
      expect(result.stderr, what).toMatch(message);
      expect(result.stderr, what).toMatch(/fix/i);
      expect(await labRemains('mv92', 'hybr92'), what).toEqual(NOTHING_LEFT);
    }
    // mv91 did not notice: its shim and parent are as they were.
    expect((await linkInfo(SHIM))?.ifalias).toBe(`hybrid-lab:${LAB}:shim:ext`);
  });

  it('down removes the shim, the macvtap and the engine network, and leaves the parent and the segment untouched', async () => {
    const result = await downLab(LAB, topology, silentReporter);
    expect(result.failures).toEqual([]);
    expect(result.removed).toEqual(expect.arrayContaining([`shim ${SHIM} (macvlan on ${PARENT}, network ext)`, `network ${LAB}-net`]));
    expect(await labRemains(LAB, SHIM)).toEqual(NOTHING_LEFT);
    const parent = await linkInfo(PARENT);
    expect(parent?.flags).toContain('UP');
    expect((await run('ip', ['-d', 'link', 'show', 'type', 'macvtap'])).stdout).not.toContain(`@${PARENT}`);
    expect((await inNamespace(['ip', '-o', 'addr', 'show', 'dev', PEER])).stdout).toContain(`${PEER_IP}/24`);
  });

  it('down finds the shim and the engine network again when the state file is lost, and still leaves the parent', async () => {
    const containersOnly = await topologyFromYaml(YAML.replace(/^ {2}- \{ name: v1.*\n/m, ''));
    await upLab(containersOnly, { reporter: silentReporter });
    expect(await hostPings('10.0.91.10')).toBe(true);
    await rm(stateFilePath(LAB));
    const result = await downLab(LAB, undefined, silentReporter);
    expect(result.failures).toEqual([]);
    expect(result.leftovers).toEqual(expect.arrayContaining([`interface ${SHIM}`, `network ${LAB}-net`]));
    expect(await labRemains(LAB, SHIM)).toEqual(NOTHING_LEFT);
    expect(existsSync(labStateDir(LAB))).toBe(false);
    expect((await linkInfo(PARENT))?.flags).toContain('UP');
    expect((await inNamespace(['ip', '-o', 'addr', 'show', 'dev', PEER])).stdout).toContain(`${PEER_IP}/24`);
  });
});
