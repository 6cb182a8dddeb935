import { describe, expect, it } from 'vitest';
import { domainName, hybridMac, hybridNetworkName, labPrefix, managementBridgeName, managementNetworkName } from './names.ts';

describe('libvirt names of a lab', () => {
  it('derives every object name from the lab with an unambiguous prefix', () => {
    expect(domainName('vagrantlab', 'vm1')).toBe('hl_vagrantlab_vm1');
    expect(hybridNetworkName('vagrantlab')).toBe('hl_vagrantlab_hybrid');
    expect(managementNetworkName('vagrantlab')).toBe('hl_vagrantlab_mgmt');
    // Lab "a" must not claim lab "a-b"'s objects: names are DNS labels, so "_" ends the lab part.
    expect(domainName('a-b', 'vm').startsWith(labPrefix('a'))).toBe(false);
  });

  it('gives the management bridge a valid Linux interface name, different per lab', () => {
    const bridge = managementBridgeName('a-very-long-lab-name-that-goes-on');
    expect(bridge).toMatch(/^hlm[0-9a-f]{8}$/);
    expect(bridge.length).toBeLessThanOrEqual(15);
    expect(managementBridgeName('lab1')).not.toBe(managementBridgeName('lab2'));
  });

  it('gives the hybrid NIC a stable locally administered MAC per lab and VM', () => {
    expect(hybridMac('lab', 'vm1')).toMatch(/^52:54:00(:[0-9a-f]{2}){3}$/);
    expect(hybridMac('lab', 'vm1')).toBe(hybridMac('lab', 'vm1'));
    expect(hybridMac('lab', 'vm1')).not.toBe(hybridMac('lab', 'vm2'));
    expect(hybridMac('lab', 'vm1')).not.toBe(hybridMac('lab2', 'vm1'));
  });
});
