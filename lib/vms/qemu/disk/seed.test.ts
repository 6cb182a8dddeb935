import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderSeed, type SeedInputs } from './seed.ts';

const inputs: SeedInputs = {
  labName: 'vd11', nodeName: 'web-vm', ip: '10.0.21.10', prefix: 24, gateway: '10.0.21.1', dnsServer: '10.0.21.2',
  dnsDomain: 'hybrid.local', mac: '52:54:aa:bb:cc:dd', sshPublicKey: 'ssh-ed25519 AAAAkey hybrid-lab:vd11:web-vm\n',
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
    const changed = parse(renderSeed({ ...inputs, ip: '10.0.21.11' })['meta-data']);
    expect(first['local-hostname']).toBe('web-vm');
    expect(first['instance-id']).toMatch(/^vd11-web-vm-[0-9a-f]{10}$/);
    expect(changed['instance-id']).not.toBe(first['instance-id']);
    expect(parse(renderSeed(inputs)['meta-data'])['instance-id']).toBe(first['instance-id']);
  });
});
