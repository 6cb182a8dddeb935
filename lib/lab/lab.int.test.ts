import { rm } from 'node:fs/promises';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LockError } from '../common/errors.ts';
import { silentReporter, terminalReporter, type ProgressReporter } from '../common/progress.ts';
import { run } from '../common/run.ts';
import { waitFor } from '../common/time.ts';
import { queryDns } from '../dns/client.ts';
import { buildEchoTool } from '../images/static-tools.ts';
import { labRemains, NOTHING_LEFT, topologyFromYaml } from '../testing/lab-fixture.ts';
import type { Topology } from '../topology/topology.ts';
import { downLab } from './down.ts';
import { openLab, type LiveLab } from './lab-nodes.ts';
import { acquireLabLock } from './lock.ts';
import { stateFilePath } from './state.ts';
import { labStatus } from './status.ts';
import { upLab } from './up.ts';

// A lab of its own (name, bridge, subnet) so it never collides with the default lab the suites use.
const LAB = 'itlab';
const BRIDGE = 'hlit0';
const yaml = (extraNodes = '') => `
name: ${LAB}
bridge: { name: ${BRIDGE}, subnet: 10.0.9.0/24 }
nodes:
  - { name: alpha, kind: container, ip: 10.0.9.50 }
  - { name: beta, kind: container }
${extraNodes}`;

let topology: Topology;
let lab: LiveLab;
/** What `up` printed in a pipe (a CI log), numbered as the CLI numbers it. */
let upProgress = '';

describe('lab provisioning (real bridge, Docker, dnsmasq)', () => {
  beforeAll(async () => {
    await downLab(LAB, undefined, silentReporter);
    topology = await topologyFromYaml(yaml());
    const progress = new PassThrough();
    progress.on('data', (chunk: Buffer) => (upProgress += chunk));
    const result = await upLab(topology, { reporter: terminalReporter({ stream: progress, numbered: true }) });
    expect(result.created.length).toBeGreaterThanOrEqual(9);
    lab = await openLab(LAB);
  });

  afterAll(async () => {
    await downLab(LAB, topology, silentReporter);
  });

  it('numbers every step [n/N] in a CI log: each has its start and end line, and the last is N/N', () => {
    const starts = [...upProgress.matchAll(/^… \[(\d+)(?:\/(\d+))?\] (.+)$/gm)];
    const planned = starts.filter((start) => start[2] !== undefined);
    // The host setup's steps may come before the plan; from the plan on every step carries N:
    // two images, the bridge, one rule batch, the network, the DNS container and two containers.
    expect(planned.length).toBeGreaterThanOrEqual(8);
    expect(starts.slice(starts.indexOf(planned[0])).every((start) => start[2] !== undefined)).toBe(true);
    const total = Number(planned.at(-1)![2]);
    expect(planned.map((start) => Number(start[1]))).toEqual(Array.from({ length: planned.length }, (_, i) => total - planned.length + 1 + i));
    expect(Number(planned.at(-1)![1])).toBe(total);
    expect(new Set(planned.map((start) => start[2]))).toEqual(new Set([String(total)]));
    for (const [, n, N, title] of starts) expect(upProgress).toContain(`✔ [${n}${N ? `/${N}` : ''}] ${title} (`);
  });

  it('reports every node running with its address', async () => {
    const status = await labStatus(LAB);
    expect(status.status).toBe('up');
    expect(status.nodes.map((n) => [n.name, n.ip, n.state])).toEqual([
      ['host', '10.0.9.1', 'running'],
      ['dns', '10.0.9.2', 'running'],
      ['alpha', '10.0.9.50', 'running'],
      ['beta', '10.0.9.3', 'running'],
    ]);
  });

  it('answers A and PTR records for every node at the DNS container, NXDOMAIN for unknown names', async () => {
    for (const [name, ip] of [['alpha', '10.0.9.50'], ['beta', '10.0.9.3'], ['gateway', '10.0.9.1'], ['dns', '10.0.9.2']]) {
      expect((await queryDns('10.0.9.2', `${name}.hybrid.local`, 'A')).answers).toEqual([ip]);
      expect((await queryDns('10.0.9.2', name, 'A')).answers).toEqual([ip]);
      const reverse = await queryDns('10.0.9.2', `${ip.split('.').reverse().join('.')}.in-addr.arpa`, 'PTR');
      expect(reverse.answers).toContain(`${name === 'gateway' ? 'gateway' : name}.hybrid.local`);
    }
    expect((await queryDns('10.0.9.2', 'nobody.hybrid.local', 'A')).rcode).toBe('NXDOMAIN');
  });

  it('reaches every container from the host: ping, HTTP, TCP and UDP echo', async () => {
    const echo = await buildEchoTool();
    for (const node of lab.nodes) {
      expect((await run('ping', ['-c', '1', '-W', '2', node.ip], { allowFailure: true })).exitCode, `ping ${node.name}`).toBe(0);
      const http = await fetch(`http://${node.ip}/`);
      expect(await http.text()).toContain(`hello from ${node.name}`);
      expect((await run(echo, ['tcp', node.ip, '7', `tcp-${node.name}`])).stdout).toContain(`tcp-${node.name}`);
      expect((await run(echo, ['udp', node.ip, '7', `udp-${node.name}`])).stdout).toContain(`udp-${node.name}`);
    }
  });

  it('reaches every other node from inside each container, by name and by IP', async () => {
    for (const from of lab.nodes) {
      for (const to of lab.nodes.filter((n) => n !== from)) {
        const ping = await from.exec(['ping', '-c', '1', '-W', '2', `${to.name}.hybrid.local`]);
        expect(ping.exitCode, `${from.name} ping ${to.name}: ${ping.stdout}${ping.stderr}`).toBe(0);
        const http = await from.exec(['timeout', '5', 'wget', '-q', '-O-', `http://${to.name}/`]);
        expect(http.stdout, `${from.name} -> http://${to.name}/`).toContain(`hello from ${to.name}`);
        expect((await from.exec(['hl-echo', 'tcp', to.ip, '7', 'x1'])).exitCode).toBe(0);
        expect((await from.exec(['hl-echo', 'udp', to.ip, '7', 'x2'])).exitCode).toBe(0);
        const lookup = await from.exec(['nslookup', to.ip, '10.0.9.2']);
        expect(lookup.stdout, `${from.name} reverse ${to.ip}`).toContain(`${to.name}.hybrid.local`);
      }
    }
  });

  it('changes nothing on a second up', async () => {
    const again = await upLab(topology, { reporter: silentReporter });
    expect(again.created).toEqual([]);
    expect(again.removed).toEqual([]);
  });

  it('adds and removes a node live, with its DNS record following within 1 s', async () => {
    const grown = await topologyFromYaml(yaml('  - { name: gamma, kind: container, ip: 10.0.9.77 }'));
    const result = await upLab(grown, { reporter: silentReporter });
    expect(result.created).toEqual([`container ${LAB}_gamma`]);
    await waitFor('gamma in DNS', async () => ((await queryDns('10.0.9.2', 'gamma.hybrid.local', 'A')).answers[0] === '10.0.9.77' ? true : undefined), { timeoutMs: 1000, intervalMs: 50 });
    const shrunk = await upLab(topology, { reporter: silentReporter });
    expect(shrunk.removed).toEqual([`container ${LAB}_gamma`]);
    await waitFor('gamma gone from DNS', async () => ((await queryDns('10.0.9.2', 'gamma.hybrid.local', 'A')).rcode === 'NXDOMAIN' ? true : undefined), { timeoutMs: 1000, intervalMs: 50 });
  });

  it('refuses a second up while the lab is locked', async () => {
    const lock = await acquireLabLock(LAB, 'test holder');
    try {
      // A lock held by this very process is re-entrant, so spawn the holder's view from another pid.
      const child = await run(process.execPath, ['--import', 'tsx', '-e', `import('${new URL('./lock.ts', import.meta.url).pathname}').then(m => m.acquireLabLock('${LAB}', 'second up')).then(() => process.exit(0), e => { console.error(e.message); process.exit(3); })`], { allowFailure: true });
      expect(child.exitCode).toBe(3);
      expect(child.stderr).toMatch(new RegExp(`lab "${LAB}" is busy: pid ${process.pid} is running \`test holder\``));
    } finally {
      await lock.release();
    }
    expect(LockError).toBeDefined();
  });
});

describe('rollback and leftovers', () => {
  const other = 'itfail';
  const otherYaml = `
name: ${other}
bridge: { name: hlfail0, subnet: 10.0.8.0/24 }
nodes:
  - { name: one, kind: container }
  - { name: two, kind: container }
`;

  it('rolls back everything a failed up created', async () => {
    const failing = await topologyFromYaml(otherYaml);
    // Fail at the second container, after the bridge, rules, network, DNS and one node exist.
    const failAtSecondNode: ProgressReporter = {
      ...silentReporter,
      stepStarted(title) {
        if (title === `container ${other}_two`) throw new Error('injected failure');
      },
    };
    await expect(upLab(failing, { reporter: failAtSecondNode })).rejects.toThrow(/injected failure/);
    expect(await labRemains(other, 'hlfail0')).toEqual(NOTHING_LEFT);
  });

  it('down finds the leftovers of a crashed up whose state file is lost', async () => {
    const crashed = await topologyFromYaml(otherYaml);
    await upLab(crashed, { reporter: silentReporter });
    await rm(stateFilePath(other));
    const result = await downLab(other, crashed, silentReporter);
    expect(result.removed).toEqual([]);
    expect(result.leftovers.length).toBeGreaterThanOrEqual(5);
    expect(await labRemains(other, 'hlfail0')).toEqual(NOTHING_LEFT);
  });

  it('leaves nothing after down', async () => {
    await downLab(LAB, topology, silentReporter);
    expect(await labRemains(LAB, BRIDGE)).toEqual(NOTHING_LEFT);
  });
});
