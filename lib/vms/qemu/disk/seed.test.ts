import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderSeed, type SeedInputs } from './seed.ts';
import type { GuestNic } from '../nic-plan.ts';

const nic: GuestNic = {
  network: 'main', bridge: 'hybr21', tap: 'hlt-0123456789', tapAlias: 'hybrid-lab:vd11:web-vm', mac: '52:54:aa:bb:cc:dd',
  ipv4: { ip: '10.0.21.10', prefix: 24 }, gateway: '10.0.21.1', dns: '10.0.21.2',
};
const inputs: SeedInputs = {
  labName: 'vd11', nodeName: 'web-vm', nics: [nic], dnsDomain: 'hybrid.local', sshPublicKey: 'ssh-ed25519 AAAAkey hybrid-lab:vd11:web-vm\n',
};

describe('cloud-init NoCloud seed', () => {
  it('network-config is netplan v2 matching the NIC by its MAC, with address, gateway, DNS and search domain', () => {
    const network = parse(renderSeed(inputs)['network-config']);
    expect(network).toEqual({
      version: 2,
      ethernets: {
        hybrid: {
          match: { macaddress: '52:54:aa:bb:cc:dd' }, 'set-name': 'eth0', addresses: ['10.0.21.10/24'],
          routes: [{ to: 'default', via: '10.0.21.1' }], nameservers: { addresses: ['10.0.21.2'], search: ['hybrid.local'] },
        },
      },
    });
  });

  it('several NICs: a DHCP NIC sends the node name and (beyond the first) takes no route or DNS; static IPv6, SLAAC by accept-ra', () => {
    const second: GuestNic = { ...nic, network: 'back', mac: '52:54:aa:bb:cc:ee', ipv4: 'dhcp', ipv6: 'slaac', gateway: '10.0.22.1', dns: '10.0.22.2' };
    const first: GuestNic = { ...nic, ipv6: { ip: 'fd00:21::10', prefix: 64 }, gateway6: 'fd00:21::1' };
    const network = parse(renderSeed({ ...inputs, nics: [first, second] })['network-config']);
    expect(network.ethernets.hybrid).toMatchObject({ 'set-name': 'eth0', addresses: ['10.0.21.10/24', 'fd00:21::10/64'], 'accept-ra': false, routes: [{ to: 'default', via: '10.0.21.1' }, { to: '::/0', via: 'fd00:21::1' }] });
    expect(network.ethernets.nic1).toEqual({
      match: { macaddress: '52:54:aa:bb:cc:ee' }, 'set-name': 'eth1', dhcp4: true,
      'dhcp4-overrides': { hostname: 'web-vm', 'use-routes': false, 'use-dns': false }, 'accept-ra': true,
    });
    const leasing = parse(renderSeed({ ...inputs, nics: [{ ...nic, ipv4: 'dhcp' }] })['network-config']);
    expect(leasing.ethernets.hybrid).toEqual({
      match: { macaddress: '52:54:aa:bb:cc:dd' }, 'set-name': 'eth0', dhcp4: true, 'dhcp4-overrides': { hostname: 'web-vm' },
      nameservers: { addresses: ['10.0.21.2'], search: ['hybrid.local'] },
    });
  });

  it('user-data sets the hostname, the lab key for root, resolv.conf, and never fetches package lists', () => {
    const text = renderSeed(inputs)['user-data'];
    expect(text.startsWith('#cloud-config\n')).toBe(true);
    const config = parse(text);
    expect(config).toMatchObject({ hostname: 'web-vm', fqdn: 'web-vm.hybrid.local', disable_root: false, ssh_pwauth: false, package_update: false });
    expect(config.ssh_authorized_keys).toEqual(['ssh-ed25519 AAAAkey hybrid-lab:vd11:web-vm']);
    expect(config.write_files[0]).toEqual({ path: '/etc/resolv.conf', content: 'nameserver 10.0.21.2\nsearch hybrid.local\n', permissions: '0644' });
    expect(config.packages).toBeUndefined();
    expect(config.runcmd).toBeUndefined();
  });

  it("carries the user's packages, write_files and runcmd (strings and argv lists), YAML-safe", () => {
    const config = parse(renderSeed({
      ...inputs,
      cloudInit: {
        packages: ['jq'],
        writeFiles: [{ path: '/srv/a: b.txt', content: 'line "one"\nkey: value\n', permissions: '0600' }],
        runcmd: ['echo hi > /tmp/x', ['touch', '/tmp/y z']],
      },
    })['user-data']);
    expect(config.packages).toEqual(['jq']);
    expect(config.write_files[1]).toEqual({ path: '/srv/a: b.txt', content: 'line "one"\nkey: value\n', permissions: '0600' });
    expect(config.runcmd).toEqual(['echo hi > /tmp/x', ['touch', '/tmp/y z']]);
  });

  it('meta-data names the instance after lab, node and seed content, so a changed seed runs cloud-init again', () => {
    const first = parse(renderSeed(inputs)['meta-data']);
    const changed = parse(renderSeed({ ...inputs, nics: [{ ...nic, ipv4: { ip: '10.0.21.11', prefix: 24 } }] })['meta-data']);
    expect(first['local-hostname']).toBe('web-vm');
    expect(first['instance-id']).toMatch(/^vd11-web-vm-[0-9a-f]{10}$/);
    expect(changed['instance-id']).not.toBe(first['instance-id']);
    expect(parse(renderSeed(inputs)['meta-data'])['instance-id']).toBe(first['instance-id']);
  });
});
