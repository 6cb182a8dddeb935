import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentReporter } from '../../common/progress.ts';
import { run } from '../../common/run.ts';
import { waitFor } from '../../common/time.ts';
import { queryDns } from '../../dns/client.ts';
import { streamDnsLog } from '../../lab/dns-logs.ts';
import { downLab } from '../../lab/down.ts';
import { openLab, type LiveLab } from '../../lab/lab-nodes.ts';
import { readState, stateFilePath } from '../../lab/state.ts';
import { labStatus } from '../../lab/status.ts';
import { upLab } from '../../lab/up.ts';
import { spawnCli, REPO_ROOT } from '../../testing/cli-process.ts';
import { labRemains, NOTHING_LEFT, topologyFromYaml } from '../../testing/lab-fixture.ts';
import { loadTopology } from '../../topology/load.ts';
import type { Topology } from '../../topology/topology.ts';
import { containerRuntime } from '../registry.ts';
import { podmanNetworkDir } from './network-config.ts';

// The example lab (podlab on hybr7, 10.0.7.0/24), run by podman through the same lab library as Docker's.
const LAB = 'podlab';
const BRIDGE = 'hybr7';
const EXAMPLE = join(REPO_ROOT, 'lab', 'examples', 'podman.yaml');
const DNS = '10.0.7.2';

let topology: Topology;
let lab: LiveLab;

async function remains() {
  const left = await labRemains(LAB, BRIDGE, 'podman');
  return { ...left, networkFiles: existsSync(join(podmanNetworkDir(), `${LAB}-net.json`)) ? [`${LAB}-net.json`] : [] };
}
const NOTHING = { ...NOTHING_LEFT, networkFiles: [] };

/** What an up made for the lab itself: other labs on this shared host may have made networks since, and isolating the lab from those is new work, not drift. */
const ownWork = (created: string[]) => created.filter((what) => !/ \((docker|podman) network [^)]+\)$/.test(what));

describe('a lab run by podman (runtime: podman)', () => {
  beforeAll(async () => {
    await downLab(LAB, undefined, silentReporter);
    topology = await loadTopology(EXAMPLE);
    expect(topology.runtime).toBe('podman');
    await upLab(topology, { reporter: silentReporter });
    lab = await openLab(LAB);
  });

  afterAll(async () => {
    await downLab(LAB, topology, silentReporter);
  });

  it('reports every node running with its address, the containers being podman\'s and not Docker\'s', async () => {
    const status = await labStatus(LAB);
    expect(status.status).toBe('up');
    expect(status.nodes.map((n) => [n.name, n.ip, n.state])).toEqual([
      ['host', '10.0.7.1', 'running'],
      ['dns', DNS, 'running'],
      ['web', '10.0.7.50', 'running'],
      ['client', '10.0.7.3', 'running'],
    ]);
    const podman = (await (await containerRuntime('podman')).listLabContainers(LAB)).map((c) => [c.name, c.ip]).sort();
    expect(podman).toEqual([['podlab-dns', DNS], ['podlab_client', '10.0.7.3'], ['podlab_web', '10.0.7.50']]);
    expect(await (await containerRuntime('docker')).listLabContainers(LAB)).toEqual([]);
    // podman's own view: the lab network sits on the lab bridge, and the containers' veths are its ports.
    const ports = (await run('ip', ['-o', 'link', 'show', 'master', BRIDGE])).stdout.trim().split('\n').filter(Boolean);
    expect(ports.length).toBe(3);
  });

  it('runs each container with the engine\'s init as PID 1 and only the capabilities asked for', async () => {
    const runtime = await containerRuntime('podman');
    const web = await runtime.exec('podlab_web', ['sh', '-c', 'cat /proc/1/comm; grep -E "^Cap(Eff|Bnd):" /proc/self/status']);
    // podman mounts catatonit (the package setup installs) into the container as /run/podman-init.
    expect(web.stdout).toMatch(/^podman-init\n/);
    // NET_BIND_SERVICE (bit 10) and NET_RAW (bit 13) only.
    expect(web.stdout).toContain('CapEff:\t0000000000002400');
    expect(web.stdout).toContain('CapBnd:\t0000000000002400');
    // DNS: NET_BIND_SERVICE, SETUID (7), SETGID (6); its config is the host's directory, bind-mounted read-only.
    const dns = await runtime.exec('podlab-dns', ['sh', '-c', 'grep ^CapEff: /proc/self/status; cat /etc/dnsmasq/dnsmasq.conf; touch /etc/dnsmasq/x']);
    expect(dns.stdout).toContain('CapEff:\t00000000000004c0');
    expect(dns.stdout).toContain('hybrid.local');
    expect(dns.stderr).toMatch(/Read-only file system/);
  });

  it('answers A and PTR records for every node at the DNS container, NXDOMAIN for unknown names', async () => {
    for (const [name, ip] of [['web', '10.0.7.50'], ['client', '10.0.7.3'], ['gateway', '10.0.7.1'], ['dns', DNS]]) {
      expect((await queryDns(DNS, `${name}.hybrid.local`, 'A')).answers).toEqual([ip]);
      const reverse = await queryDns(DNS, `${ip.split('.').reverse().join('.')}.in-addr.arpa`, 'PTR');
      expect(reverse.answers).toContain(`${name}.hybrid.local`);
    }
    expect((await queryDns(DNS, 'nobody.hybrid.local', 'A')).rcode).toBe('NXDOMAIN');
  });

  it('reaches every other node from inside each container by name (exec through the podman API)', async () => {
    for (const from of lab.nodes) {
      for (const to of lab.nodes.filter((n) => n !== from)) {
        const ping = await from.exec(['ping', '-c', '1', '-W', '2', `${to.name}.hybrid.local`]);
        expect(ping.exitCode, `${from.name} ping ${to.name}: ${ping.stdout}${ping.stderr}`).toBe(0);
        const http = await from.exec(['timeout', '5', 'wget', '-q', '-O-', `http://${to.name}/`]);
        expect(http.stdout).toContain(`hello from ${to.name}`);
      }
    }
  });

  it('exec keeps stdout and stderr apart, returns the exit code and passes stdin', async () => {
    const runtime = await containerRuntime('podman');
    const split = await runtime.exec('podlab_web', ['sh', '-c', 'echo out; echo err >&2; exit 3']);
    expect(split).toEqual({ exitCode: 3, stdout: 'out\n', stderr: 'err\n' });
    const piped = await runtime.exec('podlab_web', ['sh', '-c', 'tr a-z A-Z; echo done'], { stdin: Readable.from([Buffer.from('hello podman\n')]) });
    expect(piped.stdout).toBe('HELLO PODMAN\ndone\n');
    const timedOut = await runtime.exec('podlab_web', ['sleep', '30'], { timeoutMs: 1000 });
    expect(timedOut.exitCode).toBe(124);
    const left = await runtime.exec('podlab_web', ['sh', '-c', 'ps | grep -c "[s]leep 30"']);
    expect(left.stdout.trim(), 'the timed-out sleep still runs in the node').toBe('0');
  });

  it('logs: the DNS query log names the asking node; SIGHUP makes dnsmasq re-read its files', async () => {
    const state = (await readState(LAB))!;
    expect((await lab.nodes.find((n) => n.name === 'client')!.exec(['nslookup', 'web.hybrid.local', DNS])).exitCode).toBe(0);
    const entries: Array<{ clientName?: string; name: string; answers: string[] }> = [];
    await streamDnsLog(state, { since: '10m' }, (entry) => entries.push(entry));
    expect(entries.some((e) => e.clientName === 'client' && e.name === 'web.hybrid.local' && e.answers.includes('10.0.7.50'))).toBe(true);
    const runtime = await containerRuntime('podman');
    const rereads = async () => {
      let count = 0;
      for await (const line of runtime.logLines('podlab-dns')) if (/read \/etc\/dnsmasq\/hosts\.d\/host /.test(line)) count++;
      return count;
    };
    const before = await rereads();
    await runtime.signal('podlab-dns', 'SIGHUP');
    await waitFor('dnsmasq to log the re-read after SIGHUP', async () => ((await rereads()) > before ? true : undefined), { timeoutMs: 5000, intervalMs: 100 });
    expect((await runtime.listLabContainers(LAB)).find((c) => c.name === 'podlab-dns')?.state).toBe('running');
  });

  it('changes nothing on a second up', async () => {
    const again = await upLab(topology, { reporter: silentReporter });
    expect(ownWork(again.created)).toEqual([]);
    expect(again.removed).toEqual([]);
  });

  it('a node container that dies shows in status, and the next up replaces it at its address', async () => {
    const runtime = await containerRuntime('podman');
    await runtime.signal('podlab_client', 'SIGKILL');
    await waitFor('client to stop', async () => ((await labStatus(LAB)).nodes.find((n) => n.name === 'client')?.state !== 'running' ? true : undefined), { timeoutMs: 10_000 });
    const result = await upLab(topology, { reporter: silentReporter });
    expect(ownWork(result.created)).toEqual([`container ${LAB}_client`]);
    expect((await labStatus(LAB)).nodes.find((n) => n.name === 'client')).toMatchObject({ ip: '10.0.7.3', state: 'running' });
    // Same address, same MAC (podman alone would pick a new random one and peers' ARP caches would go stale).
    expect((await runtime.exec('podlab_client', ['cat', '/sys/class/net/eth0/address'])).stdout.trim()).toBe('02:42:0a:00:07:03');
    expect((await lab.nodes.find((n) => n.name === 'web')!.exec(['ping', '-c', '1', '-W', '2', 'client.hybrid.local'])).exitCode).toBe(0);
  });

  it('adds and removes a node live, with its DNS record following within 1 s', async () => {
    const grown = await topologyFromYaml(`${await readFile(EXAMPLE, 'utf8')}  - { name: gamma, kind: container, ip: 10.0.7.77 }\n`);
    const result = await upLab(grown, { reporter: silentReporter });
    expect(ownWork(result.created)).toEqual([`container ${LAB}_gamma`]);
    await waitFor('gamma in DNS', async () => ((await queryDns(DNS, 'gamma.hybrid.local', 'A')).answers[0] === '10.0.7.77' ? true : undefined), { timeoutMs: 1000, intervalMs: 50 });
    const shrunk = await upLab(topology, { reporter: silentReporter });
    expect(shrunk.removed).toEqual([`container ${LAB}_gamma`]);
    await waitFor('gamma gone from DNS', async () => ((await queryDns(DNS, 'gamma.hybrid.local', 'A')).rcode === 'NXDOMAIN' ? true : undefined), { timeoutMs: 1000, intervalMs: 50 });
  });

  it('down leaves nothing: no bridge, rules, podman containers or networks, state', async () => {
    const result = await downLab(LAB, topology, silentReporter);
    expect(result.failures).toEqual([]);
    expect(await remains()).toEqual(NOTHING);
  });
});

describe('podman leftovers and crashes', () => {
  it('down finds the leftovers of an up whose state file is lost', async () => {
    const crashed = await loadTopology(EXAMPLE);
    await upLab(crashed, { reporter: silentReporter });
    await rm(stateFilePath(LAB));
    const result = await downLab(LAB, crashed, silentReporter);
    expect(result.removed).toEqual([]);
    // 3 containers, the network, the tagged rules, the bridge.
    expect(result.leftovers.length).toBeGreaterThanOrEqual(5);
    expect(result.leftovers).toEqual(expect.arrayContaining(['container podlab-dns', `network ${LAB}-net`]));
    expect(await remains()).toEqual(NOTHING);
  });

  it('an up killed with SIGKILL while it starts the containers: down exits clean and leaves nothing', async () => {
    const child = spawnCli(['up', '--no-setup', '-t', EXAMPLE]);
    let output = '';
    // Progress goes to stderr, one line per finished step.
    const killed = new Promise<void>((resolve) => {
      child.stderr!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        // The DNS container is up; the node containers are being created.
        if (/DNS container podlab-dns/.test(output) && !child.killed) child.kill('SIGKILL');
      });
      child.once('exit', () => resolve());
    });
    await killed;
    expect(output, 'up should have got as far as the DNS container').toMatch(/DNS container podlab-dns/);
    expect(output, 'up finished before it was killed: the check would prove nothing').not.toMatch(/is up:/);
    const result = await downLab(LAB, undefined, silentReporter);
    expect(result.failures).toEqual([]);
    expect(await remains()).toEqual(NOTHING);
  });
});
