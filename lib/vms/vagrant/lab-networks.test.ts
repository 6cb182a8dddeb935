import { describe, expect, it } from 'vitest';
import { formatCidr } from '../../topology/ipv4.ts';
import { hybridNetworkXml, managementNetworkXml, subnetOfNetworkXml } from './lab-networks.ts';

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

  it('reads the subnet other libvirt networks claim, so the management network avoids it', () => {
    const defaultNet = "<network><name>default</name><forward mode='nat'/><ip address='192.168.122.1' netmask='255.255.255.0'><dhcp/></ip></network>";
    expect(formatCidr(subnetOfNetworkXml(defaultNet)!)).toBe('192.168.122.0/24');
    expect(formatCidr(subnetOfNetworkXml("<network><ip address='10.9.0.1' prefix='16'/></network>")!)).toBe('10.9.0.0/16');
    expect(subnetOfNetworkXml(hybridNetworkXml('hl_lab_hybrid', 'hybr1'))).toBeUndefined();
  });
});
