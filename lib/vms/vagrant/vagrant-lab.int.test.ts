import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentReporter } from '../../common/progress.ts';
import { downLab } from '../../lab/down.ts';
import { findNode, openLab, type LiveLab } from '../../lab/lab-nodes.ts';
import { vmContext } from '../../lab/vm-context.ts';
import { upLab } from '../../lab/up.ts';
import type { LabNode } from '../../nodes/node.ts';
import { labRemains, NOTHING_LEFT, topologyFromYaml } from '../../testing/lab-fixture.ts';
import type { Topology } from '../../topology/topology.ts';
import { checkManagementIsolation } from './isolation.ts';
import { vagrantProvider, vagrantDetails } from './provider.ts';
import { VagrantVmNode } from './vm-node.ts';

// A whole lab with a Vagrant VM and a container (its own name, bridge and subnet; never hybr0).
const LAB = 'vglab';
const BRIDGE = 'hlvg1';
/** Written by provision.writeFiles: quotes, a command substitution and newlines must arrive as they are. */
const APP_CONF = `it's "quoted" $(touch /pwned) \`touch /pwned\` #{x}\nsecond line\n`;
const YAML = `
name: ${LAB}
bridge: { name: ${BRIDGE}, subnet: 10.68.0.0/24 }
dns: { domain: vglab.local }
nodes:
  - { name: web, kind: container, ip: 10.68.0.50 }
  - name: vgvm
    kind: vm
    provider: vagrant
    ip: 10.68.0.10
    memoryMb: 256
    provision:
      packages: [curl]
      writeFiles: [{ path: /etc/hl-test/app.conf, content: ${JSON.stringify(APP_CONF)}, permissions: '0600' }]
      runcmd:
        - "wc -l < /etc/hl-test/app.conf > /var/lib/hl-runcmd-string"
        - [cp, /etc/hl-test/app.conf, /var/lib/hl-runcmd-argv]
`;
const QUICK = process.env.HYBRID_LAB_QUICK === '1';
const SKIP_REASON = ' — skipped: HYBRID_LAB_QUICK=1 asks for a quick run; CI runs it';
if (QUICK) process.stderr.write(`lib/vms/vagrant/vagrant-lab.int.test.ts${SKIP_REASON}\n`);

let topology: Topology;
let lab: LiveLab;
let vm: LabNode;
let web: LabNode;

describe.skipIf(QUICK)(`lab with a vagrant VM and a container: ping, HTTP, echo and DNS by name both ways (slow)${QUICK ? SKIP_REASON : ''}`, () => {
  beforeAll(async () => {
    topology = await topologyFromYaml(YAML);
    await downLab(LAB, topology, silentReporter);
    await upLab(topology, { reporter: silentReporter });
    lab = await openLab(LAB);
    vm = findNode(lab, 'vgvm');
    web = findNode(lab, 'web');
  });

  afterAll(async () => {
    await downLab(LAB, topology, silentReporter);
  });

  it('VM -> container by name: DNS (lab server, search domain), ping and HTTP from the hybrid address', async () => {
    expect(vm).toBeInstanceOf(VagrantVmNode);
    expect((await vm.exec(['getent', 'hosts', 'web'])).stdout).toMatch(/^10\.68\.0\.50\s+web\.vglab\.local/);
    const ping = await vm.exec(['ping', '-c', '2', '-W', '2', '-I', vm.ip, 'web.vglab.local']);
    expect(ping.exitCode, ping.stdout + ping.stderr).toBe(0);
    expect((await vm.exec(['curl', '-sS', '-m', '5', '--interface', vm.ip, 'http://web/'])).stdout).toContain('hello from web');
    expect((await vm.exec(['hl-echo', 'tcp', web.ip, '7', 'from-vm'])).stdout).toContain('from-vm');
  });

  it('container -> VM by name: DNS (A and PTR), ping, HTTP, TCP and UDP echo', async () => {
    expect((await web.exec(['nslookup', 'vgvm.vglab.local'])).stdout).toContain('10.68.0.10');
    expect((await web.exec(['nslookup', '10.68.0.10'])).stdout).toContain('vgvm.vglab.local');
    const ping = await web.exec(['ping', '-c', '2', '-W', '2', 'vgvm']);
    expect(ping.exitCode, ping.stdout + ping.stderr).toBe(0);
    expect((await web.exec(['timeout', '5', 'wget', '-q', '-O-', 'http://vgvm/'])).stdout).toContain('hello from vgvm');
    expect((await web.exec(['hl-echo', 'tcp', vm.ip, '7', 'to-vm-tcp'])).stdout).toContain('to-vm-tcp');
    expect((await web.exec(['hl-echo', 'udp', vm.ip, '7', 'to-vm-udp'])).stdout).toContain('to-vm-udp');
  });

  it('provision: packages found in the box, writeFiles wrote the file (exact content, mode, root), then runcmd ran (string and argv), and nothing in the content ran', async () => {
    expect((await vm.exec(['cat', '/etc/hl-test/app.conf'])).stdout).toBe(APP_CONF);
    expect((await vm.exec(['stat', '-c', '%a %U', '/etc/hl-test/app.conf'])).stdout.trim()).toBe('600 root');
    expect((await vm.exec(['cat', '/var/lib/hl-runcmd-string'])).stdout.trim()).toBe('2');
    expect((await vm.exec(['cat', '/var/lib/hl-runcmd-argv'])).stdout).toBe(APP_CONF);
    expect((await vm.exec(['test', '-e', '/pwned'])).exitCode).toBe(1);
    // In the order the Vagrantfile gives: the role's own, then the user's; curl is in the box, so no mirror is needed.
    const handle = lab.state.resources.find((r) => r.kind === 'vm' && r.node === 'vgvm') as { handle?: { details: Record<string, string | number> } } | undefined;
    const upLog = await readFile(join(String(vagrantDetails(handle?.handle ?? { details: {} }).projectDir), 'vgvm.vagrant.log'), 'utf8');
    const ran = [...upLog.matchAll(/Running provisioner: ([a-z-]+)/g)].map((match) => match[1]);
    expect(ran).toEqual(['hybrid-net', 'packages', 'write-files', 'runcmd']);
    expect(upLog).toContain('hybrid-lab: already installed: curl');
  });

  it('keeps lab traffic off the management network', async () => {
    const handle = lab.state.resources.find((r) => r.kind === 'vm' && r.node === 'vgvm');
    const gateway = String(vagrantDetails((handle as { handle?: { details: Record<string, string | number> } }).handle ?? { details: {} }).managementGateway);
    const isolation = await checkManagementIsolation(vm as VagrantVmNode, web.ip, gateway);
    expect(isolation.isolated, isolation.detail).toBe(true);
    // And the other way: the container cannot reach the VM's management address through the host
    // (the lab's bridge->outside accept would forward it without the lab's isolation rules).
    const managementIp = String((handle as { handle?: { management?: { ip: string } } }).handle?.management?.ip);
    const reached = await web.exec(['ping', '-c', '1', '-W', '1', managementIp]);
    expect(reached.exitCode, `web reached vgvm's management address ${managementIp}: ${reached.stdout}`).not.toBe(0);
    expect(reached.stdout).toContain('0 packets received');
  });

  it('down leaves nothing: no container, bridge, rule, libvirt domain, volume, network or project', async () => {
    await downLab(LAB, topology, silentReporter);
    expect(await labRemains(LAB, BRIDGE)).toEqual(NOTHING_LEFT);
    expect(await vagrantProvider.findLeftovers(LAB, vmContext(topology, silentReporter))).toEqual([]);
  });
});
