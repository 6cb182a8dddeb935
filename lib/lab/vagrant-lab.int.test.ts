import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentReporter } from '../common/progress.ts';
import { run } from '../common/run.ts';
import { httpGet } from '../probe/http.ts';
import { lookup } from '../probe/dns-lookup.ts';
import { ping } from '../probe/ping.ts';
import { labRemains, NOTHING_LEFT } from '../testing/lab-fixture.ts';
import { loadTopology } from '../topology/load.ts';
import type { Topology } from '../topology/topology.ts';
import { downLab } from './down.ts';
import { openLab, type LiveLab } from './lab-nodes.ts';
import { upLab } from './up.ts';

// The example topology with a Vagrant (vagrant-libvirt) VM beside a container: a real `vagrant up`
// under TCG (~40 s here, plus a box build the first time). HYBRID_LAB_QUICK=1 skips it; CI runs it.
const quick = process.env.HYBRID_LAB_QUICK === '1';
const title = quick ? 'vagrant provider in a lab (skipped: HYBRID_LAB_QUICK=1, slow: vagrant up under TCG)' : 'vagrant provider in a lab: VM <-> container';

describe.skipIf(quick)(title, () => {
  let topology: Topology;
  let lab: LiveLab;

  beforeAll(async () => {
    topology = await loadTopology('lab/examples/vagrant.yaml');
    await downLab(topology.name, topology, silentReporter);
    await upLab(topology, { reporter: silentReporter });
    lab = await openLab(topology.name);
  });

  afterAll(async () => {
    if (topology) await downLab(topology.name, topology, silentReporter);
  });

  it('VM and container reach each other by name: ping, HTTP and DNS, both ways', async () => {
    const vm = lab.nodes.find((node) => node.kind === 'vm')!;
    const container = lab.nodes.find((node) => node.kind === 'container')!;
    const domain = topology.dns.domain;
    for (const [from, to] of [[vm, container], [container, vm]]) {
      const pinged = await ping(from, `${to.name}.${domain}`, { count: 2 });
      expect(pinged.received, `${from.name} -> ${to.name}.${domain}: ${pinged.output}`).toBe(2);
      const http = await httpGet(from, `${to.name}.${domain}`, `hello from ${to.name}`);
      expect(http.ok, `${from.name} -> http://${to.name}.${domain}/: ${http.detail}`).toBe(true);
      const answer = await lookup(from, `${to.name}.${domain}`, topology.dns.address);
      expect(answer.answers, `${from.name} A ${to.name}.${domain}`).toContain(to.ip);
    }
  });

  it('the VM resolves through the lab DNS with its search domain, over its hybrid NIC', async () => {
    const vm = lab.nodes.find((node) => node.kind === 'vm')!;
    const container = lab.nodes.find((node) => node.kind === 'container')!;
    const resolv = await vm.exec(['cat', '/etc/resolv.conf']);
    expect(resolv.stdout).toContain(`nameserver ${topology.dns.address}`);
    expect(resolv.stdout).toContain(`search ${topology.dns.domain}`);
    const route = await vm.exec(['ip', '-4', 'route', 'get', container.ip]);
    expect(route.stdout, 'the container is reached over the hybrid NIC (its address as source)').toContain(`src ${vm.ip}`);
  });

  it('the container cannot reach the VM over its management network (reachability never passes for the wrong reason)', async () => {
    const vmResource = lab.state.resources.find((r) => r.kind === 'vm');
    const managementIp = vmResource?.kind === 'vm' ? vmResource.handle?.details.managementIp : undefined;
    expect(managementIp, 'the vagrant VM records its management address').toBeDefined();
    const container = lab.nodes.find((node) => node.kind === 'container')!;
    const result = await ping(container, String(managementIp), { count: 1, waitSec: 1 });
    expect(result.received, `${container.name} reached the management address ${managementIp}`).toBe(0);
  });

  it('down removes the VM, its libvirt networks and everything else', async () => {
    await downLab(topology.name, topology, silentReporter);
    expect(await labRemains(topology.name, topology.bridge.name)).toEqual(NOTHING_LEFT);
    const domains = (await run('virsh', ['-c', 'qemu:///system', 'list', '--all', '--name'])).stdout;
    const networks = (await run('virsh', ['-c', 'qemu:///system', 'net-list', '--all', '--name'])).stdout;
    expect(domains.split('\n').filter((name) => name.includes(topology.name))).toEqual([]);
    expect(networks.split('\n').filter((name) => name.includes(topology.name))).toEqual([]);
  });
});
