import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { createSocket } from 'node:dgram';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentReporter } from '../common/progress.ts';
import { run } from '../common/run.ts';
import { linkExists } from '../net/bridge.ts';
import { runCli } from '../testing/cli-process.ts';
import { labRemains, NOTHING_LEFT } from '../testing/lab-fixture.ts';
import { loadTopology } from '../topology/load.ts';
import { downLab } from './down.ts';
import { readState } from './state.ts';
import { upLab } from './up.ts';

// Port forwards (issue 14) on a real lab: pf14 on hybr72, 10.0.72.0/25, a built-in container and
// a busybox qemu VM. The forwards are checked from the host (127.0.0.1, the lab gateway) and from
// an "outside" namespace of the test's own, routed to the host over a veth in 10.0.72.128/30
// (PREROUTING path). Every packet goes to a lab address, the veth's, or loopback.
const LAB = 'pf14';
const BRIDGE = 'hybr72';
const OUTSIDE = { ns: 'pf14-out', hostIf: 'pf14h', nsIf: 'pf14n', hostIp: '10.0.72.129', nsIp: '10.0.72.130' };
const WEB = '10.0.72.10';
const VM = '10.0.72.20';

let dir: string;
const ports = { web: 0, udp: 0, gateway: 0, outside: 0, vm: 0, busy: 0, dup: 0 };

/** Free TCP ports on 127.0.0.1 right now (the kernel picks them). */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(Array.from({ length: count }, () => new Promise<Server>((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => resolve(server));
  })));
  const found = servers.map((server) => (server.address() as { port: number }).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return found;
}

async function topologyFile(name: string, nodes: string): Promise<string> {
  const file = join(dir, `${name}.yaml`);
  await writeFile(file, `name: ${LAB}\nbridge: { name: ${BRIDGE}, subnet: 10.0.72.0/25 }\nnodes:\n${nodes}`);
  return file;
}

const labNodes = (withGateway = true) => `  - name: web
    kind: container
    ip: ${WEB}
    ports:
      - { port: 80, host: ${ports.web} }
      - { port: 7, protocol: udp, host: ${ports.udp} }
${withGateway ? `      - { port: 80, host: "10.0.72.1:${ports.gateway}" }\n` : ''}      - { port: 80, host: "${OUTSIDE.hostIp}:${ports.outside}" }
  - { name: vm, kind: vm, ip: ${VM}, services: [http], ports: [{ port: 80, host: ${ports.vm} }] }
`;

/** GET from the host; the page, or the error code (ECONNREFUSED...). */
async function getFromHost(url: string): Promise<string> {
  try {
    return await (await fetch(url, { signal: AbortSignal.timeout(5000) })).text();
  } catch (error) {
    return `error: ${((error as Error).cause as { code?: string } | undefined)?.code ?? (error as Error).message}`;
  }
}

/** GET from the outside namespace, with this Node (nothing else needs installing there). */
async function getFromOutside(url: string): Promise<string> {
  const script = `fetch(${JSON.stringify(url)}, { signal: AbortSignal.timeout(5000) }).then((r) => r.text()).then((t) => process.stdout.write(t), (e) => process.stdout.write('error: ' + (e.cause?.code ?? e.message)))`;
  return (await run('ip', ['netns', 'exec', OUTSIDE.ns, process.execPath, '-e', script], { timeoutMs: 15_000 })).stdout;
}

/** One UDP datagram to 127.0.0.1:port; the echo, or "timeout". */
function udpEcho(port: number, payload: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    const timer = setTimeout(() => {
      socket.close();
      resolve('timeout');
    }, 3000);
    socket.on('message', (message) => {
      clearTimeout(timer);
      socket.close();
      resolve(message.toString());
    });
    socket.send(payload, port, '127.0.0.1');
  });
}

async function removeOutside(): Promise<void> {
  await run('ip', ['link', 'del', OUTSIDE.hostIf], { allowFailure: true });
  await run('ip', ['netns', 'del', OUTSIDE.ns], { allowFailure: true });
}

beforeAll(async () => {
  if (await readState(LAB)) throw new Error(`lab ${LAB} is already there: this test brings it up itself. Fix: npx hybrid-lab down --lab ${LAB}`);
  if (await linkExists(BRIDGE)) throw new Error(`interface ${BRIDGE} exists: this test needs it free. Fix: npx hybrid-lab down --lab ${LAB}`);
  dir = await mkdtemp(join(tmpdir(), 'hybrid-lab-pf14-'));
  [ports.web, ports.udp, ports.gateway, ports.outside, ports.vm, ports.busy, ports.dup] = await freePorts(7);
  await removeOutside();
  await run('ip', ['netns', 'add', OUTSIDE.ns]);
  await run('ip', ['link', 'add', OUTSIDE.hostIf, 'type', 'veth', 'peer', 'name', OUTSIDE.nsIf, 'netns', OUTSIDE.ns]);
  await run('ip', ['addr', 'add', `${OUTSIDE.hostIp}/30`, 'dev', OUTSIDE.hostIf]);
  await run('ip', ['link', 'set', OUTSIDE.hostIf, 'up']);
  const inNs = (args: string[]) => run('ip', ['netns', 'exec', OUTSIDE.ns, 'ip', ...args]);
  await inNs(['addr', 'add', `${OUTSIDE.nsIp}/30`, 'dev', OUTSIDE.nsIf]);
  await inNs(['link', 'set', OUTSIDE.nsIf, 'up']);
  await inNs(['link', 'set', 'lo', 'up']);
  await inNs(['route', 'add', '10.0.72.0/25', 'via', OUTSIDE.hostIp]);
});

afterAll(async () => {
  await downLab(LAB, undefined, silentReporter).catch(() => undefined);
  await removeOutside();
});

describe('port forwards refused before anything is made', () => {
  it('a host port another process listens on: exit 2, one error naming file, field, value, holder and fix', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(ports.busy, '127.0.0.1', resolve));
    try {
      const file = await topologyFile('busy', `  - { name: web, kind: container, ports: [{ port: 80, host: ${ports.busy} }] }\n`);
      const result = await runCli(['up', '-t', file]);
      expect(result.exitCode, result.stderr).toBe(2);
      const message = result.stderr.split('\n').find((line) => line.startsWith('error: ')) ?? '';
      expect(message).toContain(`error: ${file}: nodes[0].ports[0].host: host port ${ports.busy}/tcp on 127.0.0.1 is already taken by process "`);
      expect(message).toContain(`(pid ${process.pid}) listening on 127.0.0.1:${ports.busy} (got "127.0.0.1:${ports.busy}"). Fix: choose another host port, or stop what holds it`);
      expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
    expect(await labRemains(LAB, BRIDGE)).toEqual(NOTHING_LEFT);
  });

  it('the same host port twice in the lab: exit 2, naming both entries', async () => {
    const file = await topologyFile('dup', `  - { name: web, kind: container, ports: [{ port: 80, host: ${ports.dup} }] }\n  - { name: vm, kind: vm, ports: [{ port: 80, host: "127.0.0.1:${ports.dup}" }] }\n`);
    const result = await runCli(['up', '-t', file]);
    expect(result.exitCode, result.stderr).toBe(2);
    expect(result.stderr).toContain(`${file}: nodes[1].ports[0].host: 127.0.0.1:${ports.dup}/tcp is already published by nodes[0].ports[0].host (node web) (got "127.0.0.1:${ports.dup}"). Fix: give each forward its own host port`);
    expect(await labRemains(LAB, BRIDGE)).toEqual(NOTHING_LEFT);
  });
});

describe('a lab with port forwards', () => {
  it('comes up with every forward rule recorded in the state (nat table) and route_localnet on its bridge', async () => {
    const topology = await loadTopology(await topologyFile('lab', labNodes()));
    await upLab(topology, { reporter: silentReporter });
    const state = (await readState(LAB))!;
    const natRules = state.resources.flatMap((resource) => (resource.kind === 'iptables-rule' && resource.rule.table === 'nat' ? [resource] : []));
    // 127.0.0.1 tcp, udp and the VM: OUTPUT; the gateway and the veth address: PREROUTING + OUTPUT; one MASQUERADE.
    expect(natRules.map((resource) => resource.rule.chain).sort()).toEqual(['OUTPUT', 'OUTPUT', 'OUTPUT', 'OUTPUT', 'OUTPUT', 'POSTROUTING', 'PREROUTING', 'PREROUTING']);
    expect(natRules.every((resource) => resource.phase === 'created')).toBe(true);
    const saved = (await run('iptables-save', ['-t', 'nat'])).stdout.split('\n').filter((line) => line.includes(`"hybrid-lab:${LAB}"`));
    expect(saved).toContain(`-A OUTPUT -d 127.0.0.1/32 -p tcp -m tcp --dport ${ports.web} -m comment --comment "hybrid-lab:${LAB}" -j DNAT --to-destination ${WEB}:80`);
    expect(saved).toHaveLength(8);
    expect(readFileSync(`/proc/sys/net/ipv4/conf/${BRIDGE}/route_localnet`, 'utf8').trim()).toBe('1');
    expect(state.sysctls).toContainEqual({ key: `net.ipv4.conf.${BRIDGE}.route_localnet`, before: '0', after: '1' });
  });

  it('from the host, 127.0.0.1:PORT answers with the container\'s page, and UDP with its echo', async () => {
    expect(await getFromHost(`http://127.0.0.1:${ports.web}/`)).toBe('hello from web\n');
    expect(await udpEcho(ports.udp, 'ping over a udp forward')).toBe('ping over a udp forward');
  });

  it('from the host, 127.0.0.1:PORT answers with the VM\'s page', async () => {
    expect(await getFromHost(`http://127.0.0.1:${ports.vm}/`)).toBe(`hello from vm (${VM})\n`);
  });

  it('a forward on the lab gateway\'s address answers from the host', async () => {
    expect(await getFromHost(`http://10.0.72.1:${ports.gateway}/`)).toBe('hello from web\n');
  });

  it('a forward on a host address answers from outside the host; a loopback forward does not', async () => {
    expect(await getFromOutside(`http://${OUTSIDE.hostIp}:${ports.outside}/`)).toBe('hello from web\n');
    expect(await getFromHost(`http://${OUTSIDE.hostIp}:${ports.outside}/`)).toBe('hello from web\n');
    expect(await getFromOutside(`http://${OUTSIDE.hostIp}:${ports.web}/`)).toBe('error: ECONNREFUSED');
  });

  it('status --json lists every forward as active', async () => {
    const result = await runCli(['status', '--lab', LAB, '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect((JSON.parse(result.stdout) as { forwards: unknown[] }).forwards).toEqual([
      { node: 'web', protocol: 'tcp', host: `127.0.0.1:${ports.web}`, target: `${WEB}:80`, state: 'active' },
      { node: 'web', protocol: 'udp', host: `127.0.0.1:${ports.udp}`, target: `${WEB}:7`, state: 'active' },
      { node: 'web', protocol: 'tcp', host: `10.0.72.1:${ports.gateway}`, target: `${WEB}:80`, state: 'active' },
      { node: 'web', protocol: 'tcp', host: `${OUTSIDE.hostIp}:${ports.outside}`, target: `${WEB}:80`, state: 'active' },
      { node: 'vm', protocol: 'tcp', host: `127.0.0.1:${ports.vm}`, target: `${VM}:80`, state: 'active' },
    ]);
  });

  it('an up without one forward removes just its rules: that port stops answering, the others do not', async () => {
    const result = await upLab(await loadTopology(await topologyFile('less', labNodes(false))), { reporter: silentReporter });
    expect(result.created).toEqual([]);
    expect(result.removed).toEqual([`port forward 10.0.72.1:${ports.gateway}/tcp -> web ${WEB}:80 (arriving)`, `port forward 10.0.72.1:${ports.gateway}/tcp -> web ${WEB}:80 (from the host)`]);
    expect(await getFromHost(`http://10.0.72.1:${ports.gateway}/`)).toBe('error: ECONNREFUSED');
    expect(await getFromHost(`http://127.0.0.1:${ports.web}/`)).toBe('hello from web\n');
  });

  it('down removes every rule of the lab (nat too): no forward answers any more', async () => {
    const result = await downLab(LAB, undefined, silentReporter);
    expect(result.failures).toEqual([]);
    expect(result.leftovers).toEqual([]);
    expect(await labRemains(LAB, BRIDGE)).toEqual(NOTHING_LEFT);
    expect(await getFromHost(`http://127.0.0.1:${ports.web}/`)).toBe('error: ECONNREFUSED');
    expect(await getFromHost(`http://127.0.0.1:${ports.vm}/`)).toBe('error: ECONNREFUSED');
    expect(await getFromOutside(`http://${OUTSIDE.hostIp}:${ports.outside}/`)).toBe('error: ECONNREFUSED');
    expect(existsSync(`/proc/sys/net/ipv4/conf/${BRIDGE}`)).toBe(false);
  });

  it('a forward rule a crashed up left without a state file is found by its comment and removed by down', async () => {
    const spec = ['-d', '127.0.0.1/32', '-p', 'tcp', '-m', 'tcp', '--dport', String(ports.web), '-m', 'comment', '--comment', `hybrid-lab:${LAB}`, '-j', 'DNAT', '--to-destination', `${WEB}:80`];
    await run('iptables', ['-w', '-t', 'nat', '-A', 'OUTPUT', ...spec]);
    expect(await readState(LAB)).toBeUndefined();
    const result = await downLab(LAB, undefined, silentReporter);
    expect(result.leftovers).toEqual(['1 iptables rule(s)']);
    expect(await labRemains(LAB, BRIDGE)).toEqual(NOTHING_LEFT);
  });
});
