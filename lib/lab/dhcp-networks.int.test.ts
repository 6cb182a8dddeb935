import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentReporter } from '../common/progress.ts';
import { run } from '../common/run.ts';
import { queryDns } from '../dns/client.ts';
import { readLeases } from '../dns/leases.ts';
import type { LabNode } from '../nodes/node.ts';
import { runCli } from '../testing/cli-process.ts';
import { labRemains, NOTHING_LEFT, topologyFromYaml } from '../testing/lab-fixture.ts';
import { reverseName } from '../topology/ipv4.ts';
import type { Topology } from '../topology/topology.ts';
import type { VmHandle } from '../vms/provider.ts';
import { dhcpDir, leaseFile } from './dns-paths.ts';
import { downLab } from './down.ts';
import { dnsContainerName } from './names.ts';
import { containerRuntime } from '../runtimes/registry.ts';
import { findNode, openLab, type LiveLab } from './lab-nodes.ts';
import { readState } from './state.ts';
import { upLab } from './up.ts';

// Lab dh14 (hybr73 10.0.73.0/24, hybr74 10.0.74.0/24 + fd00:74::/64): a busybox VM with a static
// NIC on each network (IPv6 too on the second) and its management NIC, beside a container on each; a VM whose MAC has a reservation and one with a dynamic
// lease on the second network. Three VMs boot at once (KVM or TCG).
const YAML = `
name: dh14
networks:
  - name: front
    bridge: hybr73
    subnet: 10.0.73.0/24
    dhcp: { range: 10.0.73.100-10.0.73.150, leaseTime: 10m, reservations: [{ mac: "52:54:00:73:00:10", ip: 10.0.73.10 }] }
  - name: back
    bridge: hybr74
    subnet: 10.0.74.0/24
    ipv6: fd00:74::/64
    dhcp: { range: 10.0.74.100-10.0.74.150, leaseTime: 10m }
nodes:
  - { name: c73, kind: container, nics: [{ network: front, ip: 10.0.73.50 }] }
  - { name: c74, kind: container, nics: [{ network: back, ip: 10.0.74.50 }] }
  - { name: twonic, kind: vm, provider: qemu, memoryMb: 128, managementNic: true, nics: [{ network: front, ip: 10.0.73.20 }, { network: back, ip: 10.0.74.20, ipv6: "fd00:74::20" }] }
  - { name: reserved, kind: vm, provider: qemu, memoryMb: 128, nics: [{ network: front, ip: dhcp, mac: "52:54:00:73:00:10" }] }
  - { name: dynamic, kind: vm, provider: qemu, memoryMb: 128, nics: [{ network: back, ip: dhcp }, { network: front, ip: dhcp }] }
`;
const BOOT_MS = 10 * 60_000;
let topology: Topology;
let lab: LiveLab;

function vmHandle(node: string): VmHandle {
  const resource = lab.state.resources.find((candidate) => candidate.kind === 'vm' && candidate.node === node);
  if (resource?.kind !== 'vm' || !resource.handle) throw new Error(`no VM handle for ${node}`);
  return resource.handle;
}

async function ping(from: LabNode, ip: string): Promise<number> {
  return (await from.exec(['ping', '-c', '1', '-W', '3', ip], { timeoutMs: 15_000 })).exitCode;
}

/** The guest's default routes (busybox `ip route` does not filter by `default`). */
async function defaultRoutes(vm: LabNode): Promise<string[]> {
  return (await vm.exec(['ip', 'route'])).stdout.split('\n').filter((line) => line.startsWith('default')).map((line) => line.trim());
}

beforeAll(async () => {
  topology = await topologyFromYaml(YAML);
  const state = await readState(topology.name);
  if (state) throw new Error(`lab ${topology.name} is already there (${state.status}): this test brings it up itself. Fix: npx hybrid-lab down --lab ${topology.name}`);
  await upLab(topology, { reporter: silentReporter });
  lab = await openLab(topology.name);
}, BOOT_MS);

afterAll(async () => {
  if (topology) await downLab(topology.name, topology, silentReporter).catch(() => undefined);
}, 120_000);

describe('VMs on several networks, and DHCP (lab dh14)', () => {
  it('a two-NIC VM has one tap on each bridge and its static address on each NIC, the default route on the first', async () => {
    const handle = vmHandle('twonic');
    expect(handle.nics?.map((nic) => [nic.network, nic.ip])).toEqual([['front', '10.0.73.20'], ['back', '10.0.74.20']]);
    for (const [nic, bridge] of [[handle.nics![0], 'hybr73'], [handle.nics![1], 'hybr74']] as const) {
      const ports = JSON.parse((await run('ip', ['-j', 'link', 'show', 'master', bridge])).stdout) as Array<{ ifname: string }>;
      expect(ports.map((port) => port.ifname), `ports of ${bridge}`).toContain(nic.hostInterface);
    }
    const vm = findNode(lab, 'twonic');
    const addresses = (await vm.exec(['ip', '-4', '-o', 'addr'])).stdout;
    expect(addresses).toMatch(/inet 10\.0\.73\.20\/24/);
    expect(addresses).toMatch(/inet 10\.0\.74\.20\/24/);
    expect(await defaultRoutes(vm)).toEqual(['default via 10.0.73.1 dev eth0']);
  });

  it('the management NIC still comes up beside the lab NICs (user-mode network, fixed slirp address, no route)', async () => {
    const vm = findNode(lab, 'twonic');
    const mgmtMac = String(vmHandle('twonic').details.managementMac);
    const script = `for d in /sys/class/net/*; do [ "$(cat $d/address)" = "${mgmtMac}" ] && ip -4 -o addr show dev \${d##*/}; done`;
    expect((await vm.exec(['sh', '-c', script])).stdout).toContain('inet 10.0.2.15/24');
    expect(await defaultRoutes(vm)).toEqual(['default via 10.0.73.1 dev eth0']);
  });

  it('the two-NIC VM reaches the container on each network, and each container reaches it (IPv6 too on the second)', async () => {
    const vm = findNode(lab, 'twonic');
    const c74v6 = topology.nodes.find((node) => node.name === 'c74')!.nics[0].ipv6!;
    expect((await vm.exec(['ping', '-6', '-c', '1', '-W', '3', c74v6], { timeoutMs: 15_000 })).exitCode, `twonic -> c74 ${c74v6}`).toBe(0);
    expect((await findNode(lab, 'c74').exec(['ping', '-6', '-c', '1', '-W', '3', 'fd00:74::20'], { timeoutMs: 15_000 })).exitCode, 'c74 -> twonic fd00:74::20').toBe(0);
    expect(await ping(vm, '10.0.73.50'), 'twonic -> c73').toBe(0);
    expect(await ping(vm, '10.0.74.50'), 'twonic -> c74').toBe(0);
    expect(await ping(findNode(lab, 'c73'), '10.0.73.20'), 'c73 -> twonic').toBe(0);
    expect(await ping(findNode(lab, 'c74'), '10.0.74.20'), 'c74 -> twonic').toBe(0);
  });

  it('the reserved MAC got its reserved address; the dynamic lease lies in the second network\'s range; LabNode ips are the leases', async () => {
    const leases = await readLeases(leaseFile(topology.name), topology.networks);
    expect(leases.find((lease) => lease.mac === '52:54:00:73:00:10')).toMatchObject({ ip: '10.0.73.10', name: 'reserved', network: 'front' });
    const dynamicNic = vmHandle('dynamic').nics![0];
    const lease = leases.find((candidate) => candidate.mac === dynamicNic.mac);
    expect(lease).toMatchObject({ name: 'dynamic', network: 'back' });
    expect(Number(lease!.ip.split('.')[3])).toBeGreaterThanOrEqual(100);
    expect(Number(lease!.ip.split('.')[3])).toBeLessThanOrEqual(150);
    expect(findNode(lab, 'reserved').ip).toBe('10.0.73.10');
    expect(findNode(lab, 'dynamic').ip).toBe(lease!.ip);
    // The dynamic VM's first NIC is on back: its route and DNS server came from back's lease, not front's.
    expect(await defaultRoutes(findNode(lab, 'dynamic'))).toEqual(['default via 10.0.74.1 dev eth0']);
    expect((await findNode(lab, 'dynamic').exec(['cat', '/etc/resolv.conf'])).stdout).toContain('nameserver 10.0.74.2');
    expect(await ping(findNode(lab, 'dynamic'), '10.0.74.50'), 'dynamic -> c74').toBe(0);
  });

  it('every lease is in the lab DNS both ways at once, and the leasing VMs resolve the other nodes', async () => {
    for (const lease of await readLeases(leaseFile(topology.name))) {
      const fqdn = `${lease.name}.hybrid.local`;
      expect((await queryDns('10.0.73.2', fqdn, 'A')).answers, fqdn).toEqual([lease.ip]);
      expect((await queryDns('10.0.73.2', reverseName(lease.ip), 'PTR')).answers, lease.ip).toEqual([fqdn]);
    }
    const lookup = await findNode(lab, 'dynamic').exec(['nslookup', 'reserved.hybrid.local']);
    expect(lookup.stdout, lookup.stderr).toContain('10.0.73.10');
  });

  it('the DNS container has NET_ADMIN for DHCP and NET_RAW only for the router advertisements a SLAAC NIC needs, its config read-only, its lease folder (0700 on the host) writable', async () => {
    const runtime = await containerRuntime(topology.runtime);
    const dns = await runtime.exec(dnsContainerName(topology.name), ['sh', '-c', 'grep ^CapEff: /proc/self/status; touch /etc/dnsmasq/x; touch /var/lib/hybrid-lab-dhcp/probe && echo lease-folder-writable; rm -f /var/lib/hybrid-lab-dhcp/probe']);
    // NET_BIND_SERVICE (bit 10), SETUID (7), SETGID (6), NET_ADMIN (12); NET_RAW (13) because vm
    // "dynamic" takes its IPv6 address on back (a /64) by SLAAC: dnsmasq sends router advertisements there.
    expect(dns.stdout).toContain('CapEff:\t00000000000034c0');
    expect(dns.stderr).toMatch(/Read-only file system/);
    expect(dns.stdout).toContain('lease-folder-writable');
    expect((await stat(dhcpDir(topology.name))).mode & 0o777).toBe(0o700);
  });

  it('a second up keeps every VM, container and the DNS server, and every lease', async () => {
    const again = await upLab(topology, { reporter: silentReporter });
    // Firewall rules may be added: the lab chain follows the host's other bridges (other labs come and go on a shared host).
    const remade = again.created.filter((resource) => /^(VM|container|DNS container|bridge|network) /.test(resource));
    expect(remade, again.created.join(', ')).toEqual([]);
    const reopened = await openLab(topology.name);
    expect(findNode(reopened, 'dynamic').ip).toBe(findNode(lab, 'dynamic').ip);
    expect(findNode(reopened, 'reserved').ip).toBe('10.0.73.10');
  }, 120_000);

  it('status --json lists the leases; the dhcp suite passes on this lab', async () => {
    const status = await runCli(['status', '--lab', topology.name, '--json']);
    expect(status.exitCode, status.stderr).toBe(0);
    const leases = (JSON.parse(status.stdout) as { leases: Array<{ name?: string; ip: string; expiresAt?: string }> }).leases;
    // A lease beyond a VM's first NIC is named NODE-NETWORK (the node's name is its first NIC's address).
    expect(leases.map((lease) => lease.name).sort()).toEqual(['dynamic', 'dynamic-front', 'reserved']);
    expect(leases.every((lease) => lease.expiresAt && Date.parse(lease.expiresAt) > Date.now())).toBe(true);
    const suite = await runCli(['test', 'dhcp', '-t', topology.source], { timeoutMs: 180_000 });
    expect(suite.exitCode, `${suite.stdout}\n${suite.stderr}`).toBe(0);
    expect(suite.stdout + suite.stderr).toMatch(/renewed lease keeps/);
  }, 240_000);

  it('down removes every tap, the lease folder and everything else of the lab', async () => {
    const taps = ['twonic', 'reserved', 'dynamic'].flatMap((node) => vmHandle(node).nics!.map((nic) => nic.hostInterface!));
    expect(taps).toHaveLength(5);
    await downLab(topology.name, topology, silentReporter);
    for (const tap of taps) expect((await run('ip', ['link', 'show', 'dev', tap], { allowFailure: true })).exitCode, tap).not.toBe(0);
    expect(existsSync(dhcpDir(topology.name))).toBe(false);
    expect(await labRemains(topology.name, 'hybr73')).toEqual(NOTHING_LEFT);
    expect(await labRemains(topology.name, 'hybr74')).toEqual(NOTHING_LEFT);
  }, 120_000);
});
