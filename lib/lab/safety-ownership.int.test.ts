import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProvisionError } from '../common/errors.ts';
import { silentReporter } from '../common/progress.ts';
import { run } from '../common/run.ts';
import { existsSync } from 'node:fs';
import { labStateDir } from '../common/paths.ts';
import { dockerRuntime } from '../runtimes/docker/index.ts';
import { readSysctl, writeSysctl } from '../host/sysctl.ts';
import { labRemains, NOTHING_LEFT, topologyFromYaml } from '../testing/lab-fixture.ts';
import { downLab } from './down.ts';
import { openLab } from './lab-nodes.ts';
import { readState, stateFilePath } from './state.ts';
import { upLab } from './up.ts';

// Issue 9, items 2, 3, 8, 9 and 10, on real labs of their own (names, bridges and subnets no
// other test uses). Lab names are chosen so the old `<lab>-<node>` container names collided.
const A = { lab: 'sa', bridge: 'hlsa0', subnet: '10.0.35.0/24', node: 'x-y' };
const B = { lab: 'sa-x', bridge: 'hlsb0', subnet: '10.0.36.0/24', node: 'y' };
const yamlOf = (l: typeof A, extra = '') => `name: ${l.lab}\nbridge: { name: ${l.bridge}, subnet: ${l.subnet} }\n${extra}nodes:\n  - { name: ${l.node}, kind: container }\n`;

async function containerState(name: string): Promise<string> {
  return (await dockerRuntime.client.getContainer(name).inspect().catch(() => undefined))?.State.Status ?? 'missing';
}

describe('two labs never touch each other\'s containers (item 2)', () => {
  afterAll(async () => {
    await downLab(A.lab, undefined, silentReporter);
    await downLab(B.lab, undefined, silentReporter);
  });

  it('lab "sa" node "x-y" and lab "sa-x" node "y" both run; down of one leaves the other', async () => {
    await upLab(await topologyFromYaml(yamlOf(A)), { reporter: silentReporter, setup: false });
    await upLab(await topologyFromYaml(yamlOf(B)), { reporter: silentReporter, setup: false });
    expect(await containerState('sa_x-y')).toBe('running');
    expect(await containerState('sa-x_y')).toBe('running');
    const down = await downLab(B.lab, undefined, silentReporter);
    expect(down.failures).toEqual([]);
    expect(await containerState('sa_x-y'), 'lab sa lost its container when lab sa-x went down').toBe('running');
    expect(await labRemains(B.lab, B.bridge)).toEqual(NOTHING_LEFT);
  });

  it('a container of the lab\'s name that is not the lab\'s is never removed: up stops, names it, leaves nothing', async () => {
    const C = { lab: 'sc', bridge: 'hlsc0', subnet: '10.0.37.0/24', node: 'n1' };
    const image = (await run('docker', ['images', '-q', 'hybrid-lab/node'])).stdout.split('\n')[0];
    await run('docker', ['create', '--name', 'sc_n1', image]);
    try {
      const error = await upLab(await topologyFromYaml(yamlOf(C)), { reporter: silentReporter, setup: false }).then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(ProvisionError);
      expect((error as Error).message).toMatch(/a container named sc_n1 already exists and belongs to nobody known: it was not made by hybrid-lab.*Fix: rename this lab or node/);
      expect(await containerState('sc_n1')).toBe('created');
      expect(await labRemains(C.lab, C.bridge)).toEqual(NOTHING_LEFT);
      expect(existsSync(labStateDir(C.lab)), 'a refused first up left a state directory').toBe(false);
    } finally {
      await run('docker', ['rm', '-f', 'sc_n1'], { allowFailure: true });
    }
  });
});

describe('down always finishes (item 3)', () => {
  const D = { lab: 'sd', bridge: 'hlsd0', subnet: '10.0.38.0/24', node: 'n1' };
  const outsider = 'hl-safety-outsider';
  afterAll(() => run('docker', ['rm', '-f', outsider], { allowFailure: true }));

  it('a foreign container attached to the lab network is disconnected (and named), not a reason to stop', async () => {
    const topology = await topologyFromYaml(yamlOf(D));
    await upLab(topology, { reporter: silentReporter, setup: false });
    const image = (await run('docker', ['images', '-q', 'hybrid-lab/node'])).stdout.split('\n')[0];
    await run('docker', ['run', '-d', '--name', outsider, '--network', 'sd-net', image]);
    const down = await downLab(D.lab, topology, silentReporter);
    expect(down.failures).toEqual([]);
    expect(down.notes).toContain(`disconnected container ${outsider} (not the lab's) from network sd-net`);
    expect(await containerState(outsider), 'down removed a container that was not the lab\'s').toBe('running');
    expect(await labRemains(D.lab, D.bridge)).toEqual(NOTHING_LEFT);
  });

  it('a lab container the state lost (crashed up) does not wedge the network\'s removal', async () => {
    const topology = await topologyFromYaml(yamlOf({ ...D, lab: 'sd2', bridge: 'hlsd2' }));
    await upLab(topology, { reporter: silentReporter, setup: false });
    const path = stateFilePath('sd2');
    const state = JSON.parse(await readFile(path, 'utf8')) as { resources: Array<{ kind: string }> };
    state.resources = state.resources.filter((resource) => resource.kind !== 'container');
    await writeFile(path, JSON.stringify(state));
    const down = await downLab('sd2', topology, silentReporter);
    expect(down.failures).toEqual([]);
    expect(down.leftovers).toContain('container sd2_n1');
    expect(await labRemains('sd2', 'hlsd2')).toEqual(NOTHING_LEFT);
  });

  it('containers started in parallel are all recorded (one serialized state writer)', async () => {
    const many = `name: se\nbridge: { name: hlse0, subnet: 10.0.39.0/24 }\nnodes:\n${Array.from({ length: 6 }, (_, i) => `  - { name: n${i}, kind: container }`).join('\n')}\n`;
    const topology = await topologyFromYaml(many);
    try {
      await upLab(topology, { reporter: silentReporter, setup: false });
      const state = await readState('se');
      expect(state?.resources.filter((r) => r.kind === 'container').map((r) => r.id).sort()).toEqual(['se_n0', 'se_n1', 'se_n2', 'se_n3', 'se_n4', 'se_n5']);
    } finally {
      expect((await downLab('se', topology, silentReporter)).failures).toEqual([]);
    }
  });
});

describe('host sysctls are recorded and restored; switching off what others need is refused (item 8)', () => {
  const F = { lab: 'sf', bridge: 'hlsf0', subnet: '10.0.40.0/24', node: 'n1' };
  const key = 'net.bridge.bridge-nf-call-iptables';
  let original: string | undefined;
  beforeAll(async () => {
    original = await readSysctl(key);
  });
  afterAll(async () => {
    if (original !== undefined) await writeSysctl(key, original);
  });

  it('host.ipForward: false is refused while Docker runs, with the reason, and nothing is created', async () => {
    const error = await upLab(await topologyFromYaml(yamlOf(F, 'host: { ipForward: false }\n')), { reporter: silentReporter, setup: false }).then(() => undefined, (e: unknown) => e);
    expect((error as Error).message).toMatch(/host\.ipForward: false would set net\.ipv4\.ip_forward=0 for the whole host, which .*the Docker engine rel(y|ies) on\. Fix: remove host\.ipForward/);
    expect(await readSysctl('net.ipv4.ip_forward')).toBe('1');
    expect(await labRemains(F.lab, F.bridge)).toEqual(NOTHING_LEFT);
    expect(existsSync(labStateDir(F.lab))).toBe(false);
  });

  it(`${key} set by up is put back by down (no other lab under its state root needs it)`, async (context) => {
    if (original === undefined) return context.skip(`${key} does not exist (br_netfilter not loaded)`);
    // A state root of its own: labs elsewhere on this host (the suites' default lab) would keep the value.
    const previousRoot = process.env.HYBRID_LAB_STATE;
    process.env.HYBRID_LAB_STATE = await mkdtemp(join(tmpdir(), 'hl-sysctl-'));
    context.onTestFinished(() => {
      if (previousRoot === undefined) delete process.env.HYBRID_LAB_STATE;
      else process.env.HYBRID_LAB_STATE = previousRoot;
    });
    await writeSysctl(key, '0');
    const topology = await topologyFromYaml(yamlOf(F));
    await upLab(topology, { reporter: silentReporter, setup: false });
    expect(await readSysctl(key)).toBe('1');
    expect((await readState(F.lab))?.sysctls).toEqual([{ key, before: '0', after: '1' }]);
    const down = await downLab(F.lab, topology, silentReporter);
    expect(down.notes).toContain(`restored ${key}=0`);
    expect(await readSysctl(key)).toBe('0');
  });
});

describe('the host accepts from the lab only what the topology opens (item 9)', () => {
  const G = { lab: 'sg', bridge: 'hlsg0', subnet: '10.0.41.0/24', node: 'n1' };
  const servers: Server[] = [];
  const listen = (port: number) => new Promise<void>((resolve) => {
    const server = createServer((socket) => socket.end('hello\n'));
    servers.push(server);
    server.listen(port, '0.0.0.0', () => resolve());
  });
  afterAll(async () => {
    for (const server of servers) server.close();
    await downLab(G.lab, undefined, silentReporter);
  });

  it('a node reaches an opened host port, not another one on 0.0.0.0, and cannot re-address its NIC', async () => {
    await listen(7711);
    await listen(7712);
    await upLab(await topologyFromYaml(yamlOf(G, 'host: { acceptFromLab: [{ port: 7711 }] }\n')), { reporter: silentReporter, setup: false });
    const node = (await openLab(G.lab)).nodes[0];
    const probe = (port: number) => node.exec(['nc', '-w', '2', '10.0.41.1', String(port)], { timeoutMs: 10_000 });
    expect((await probe(7711)).stdout, 'the opened port (host.acceptFromLab) did not answer').toContain('hello');
    const closed = await probe(7712);
    expect(closed.stdout, 'a lab node reached a host service the topology did not open').not.toContain('hello');
    const ping = await node.exec(['ping', '-c', '1', '-W', '2', '10.0.41.1']);
    expect(ping.exitCode, `ICMP to the host is still accepted: ${ping.stdout}`).toBe(0);
    const readdress = await node.exec(['ip', 'addr', 'add', '10.0.41.250/24', 'dev', 'eth0']);
    expect(readdress.exitCode, 'a node could add an address to its NIC (NET_ADMIN)').not.toBe(0);
    expect(readdress.stderr).toMatch(/not permitted/i);
  });
});

describe('exec --timeout kills the command inside the node (item 10)', () => {
  const H = { lab: 'sh', bridge: 'hlsh0', subnet: '10.0.42.0/24', node: 'n1' };
  afterAll(() => downLab(H.lab, undefined, silentReporter));

  it('returns 124 and leaves no process behind', async () => {
    await upLab(await topologyFromYaml(yamlOf(H)), { reporter: silentReporter, setup: false });
    const node = (await openLab(H.lab)).nodes[0];
    const result = await node.exec(['sh', '-c', 'sleep 41 & sleep 42'], { timeoutMs: 1_000 });
    expect(result.exitCode).toBe(124);
    const ps = await node.exec(['ps']);
    expect(ps.stdout).not.toMatch(/sleep 4[12]/);
  });
});
