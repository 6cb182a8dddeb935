import { describe, expect, it } from 'vitest';
import { parseTopology } from '../../topology/load.ts';
import type { ResolvedVmNode } from '../../topology/topology.ts';
import { qemuProvider } from './provider.ts';

// Which qemu VMs `up` boots while the lab DNS server is still starting (lib/lab/vm-steps.ts).
const topology = parseTopology(`
name: gate
networks:
  - { name: front, bridge: hlgate0, subnet: 10.0.250.0/24, ipv6: "fd00:250::/64", dhcp: { range: 10.0.250.100-10.0.250.150 } }
  - { name: back, bridge: hlgate1, subnet: 10.0.251.0/24, dhcp: { range: 10.0.251.100-10.0.251.150 } }
nodes:
  - { name: fixed, kind: vm, nics: [{ network: front, ip: 10.0.250.20 }] }
  - { name: leased, kind: vm, nics: [{ network: back, ip: dhcp }] }
  - { name: dual, kind: vm, nics: [{ network: front, ip: dhcp }] }
  - { name: slaac, kind: vm, nics: [{ network: front, ip: 10.0.250.21, ipv6: slaac }] }
  - { name: disk, kind: vm, memoryMb: 512, disk: { recipe: debian }, nics: [{ network: front, ip: 10.0.250.22 }] }
`, 'boot-gate.test.ts');
const vm = (name: string) => topology.nodes.find((node): node is ResolvedVmNode => node.kind === 'vm' && node.name === name)!;

describe('qemu: boots before the DNS server is ready', () => {
  it('a kernel guest with static or DHCP addresses (its udhcpc retries; it resolves nothing while booting)', () => {
    expect(qemuProvider.bootsBeforeDns?.(vm('fixed'))).toBe(true);
    expect(qemuProvider.bootsBeforeDns?.(vm('leased'))).toBe(true);
  });
  it('not a guest with a SLAAC NIC (it waits for router advertisements) nor a disk VM (cloud-init may resolve names)', () => {
    expect(qemuProvider.bootsBeforeDns?.(vm('slaac'))).toBe(false);
    expect(vm('dual').nics?.[0].slaac, 'a DHCP NIC on a dual-stack network takes its IPv6 address by SLAAC').toBe(true);
    expect(qemuProvider.bootsBeforeDns?.(vm('dual'))).toBe(false);
    expect(qemuProvider.bootsBeforeDns?.(vm('disk'))).toBe(false);
  });
});
