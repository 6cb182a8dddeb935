import { describe, expect, it } from 'vitest';
import { topologyErrorOf } from '../../testing/topology-errors.ts';
import { parseTopology } from '../../topology/load.ts';

const head = `
name: vg
networks:
  - { name: a, bridge: vga0, subnet: 10.0.73.0/24, dhcp: { range: 10.0.73.100-10.0.73.150 } }
  - { name: b, bridge: vgb0, subnet: 10.0.74.0/24 }
nodes:
`;
const messageOf = (node: string) => topologyErrorOf(() => parseTopology(`${head}  - ${node}\n`, 'vg.yaml')).message;

describe('vagrant VMs: what the provider cannot map is refused at validation', () => {
  it('several NICs, DHCP and a fixed MAC each get one error naming the field and the fix', () => {
    expect(messageOf('{ name: v, kind: vm, provider: vagrant, nics: [{ network: a }, { network: b }] }')).toMatch(/nodes\[0\]\.nics: the vagrant provider gives a VM one NIC.*Fix: keep one NIC, or use provider: qemu/);
    expect(messageOf('{ name: v, kind: vm, provider: vagrant, nics: [{ network: a, ip: dhcp }] }')).toMatch(/nics\.0\.ip: the vagrant provider cannot take a VM's address by DHCP yet.*Fix: give a static ip, or use provider: qemu/);
    expect(messageOf('{ name: v, kind: vm, provider: vagrant, nics: [{ network: a, mac: "52:54:00:00:00:09" }] }')).toMatch(/nics\.0\.mac: the vagrant provider cannot set a NIC's MAC yet/);
  });

  it('one static NIC stays valid, and a qemu VM may have all of it', () => {
    expect(() => parseTopology(`${head}  - { name: v, kind: vm, provider: vagrant, nics: [{ network: a, ip: 10.0.73.10 }] }\n`, 'vg.yaml')).not.toThrow();
    expect(() => parseTopology(`${head}  - { name: v, kind: vm, provider: qemu, nics: [{ network: a, ip: dhcp, mac: "52:54:00:00:00:09" }, { network: b }] }\n`, 'vg.yaml')).not.toThrow();
  });
});
