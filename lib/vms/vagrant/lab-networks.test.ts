import { describe, expect, it } from 'vitest';
import { hybridNetworkXml, managementNetworkXml } from './lab-networks.ts';

describe('libvirt network XML', () => {
  it('puts the hybrid network in bridge mode on the lab bridge, with no addresses of its own', () => {
    const xml = hybridNetworkXml('hl_lab_hybrid', 'hybr1');
    expect(xml).toContain("<forward mode='bridge'/>");
    expect(xml).toContain("<bridge name='hybr1'/>");
    expect(xml).not.toContain('<ip');
  });

  it('makes the management network isolated (no forward) with DHCP and no DNS', () => {
    const xml = managementNetworkXml({ name: 'hl_lab_mgmt', bridge: 'hlm0011aabb', subnet: '192.168.123.0/24', hostAddress: '192.168.123.1' });
    expect(xml).not.toContain('<forward');
    expect(xml).toContain("<dns enable='no'/>");
    expect(xml).toContain("<ip address='192.168.123.1' netmask='255.255.255.0'>");
    expect(xml).toContain("<range start='192.168.123.100' end='192.168.123.254'/>");
    expect(xml).toContain("<bridge name='hlm0011aabb' stp='off'/>");
  });
});
