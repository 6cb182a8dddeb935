import { describe, expect, it } from 'vitest';
import { renderKernelCmdline } from './cmdline.ts';
import { parseLdd } from '../../images/rootfs.ts';
import { vmMac } from './mac.ts';
import { qemuGuestLabel, renderQemuArgs, vmFiles } from './qemu-args.ts';
import { tapAlias, tapName } from './tap.ts';
import { planGuestNics, type GuestNic } from './nic-plan.ts';
import { silentReporter } from '../../common/progress.ts';
import type { ResolvedNetwork } from '../../topology/topology.ts';

describe('vmMac', () => {
  it('is stable, unicast, locally administered and differs per lab, node and NIC', () => {
    const mac = vmMac('hybrid', 'base-vm');
    expect(mac).toBe(vmMac('hybrid', 'base-vm'));
    expect(mac).toMatch(/^52:54(:[0-9a-f]{2}){4}$/);
    const firstOctet = parseInt(mac.slice(0, 2), 16);
    expect(firstOctet & 0x02).toBe(0x02);
    expect(firstOctet & 0x01).toBe(0);
    expect(new Set([mac, vmMac('other', 'base-vm'), vmMac('hybrid', 'vm2'), vmMac('hybrid', 'base-vm', 'mgmt')]).size).toBe(4);
  });
});

describe('tap names', () => {
  it('fit the 15-character limit, are deterministic and carry lab and node in the alias', () => {
    const name = tapName('a-very-long-lab-name-indeed', 'a-very-long-node-name');
    expect(name.length).toBeLessThanOrEqual(15);
    expect(name).toMatch(/^hlt-[0-9a-f]{10}$/);
    expect(tapName('hybrid', 'vm1')).toBe(tapName('hybrid', 'vm1'));
    expect(tapName('hybrid', 'vm1')).not.toBe(tapName('hybrid', 'vm2'));
    expect(tapAlias('hybrid', 'vm1')).toBe('hybrid-lab:hybrid:vm1');
  });
});

describe('renderKernelCmdline', () => {
  const staticNic: GuestNic = {
    network: 'main', bridge: 'hybr0', tap: 'hlt-0123456789', tapAlias: 'hybrid-lab:hybrid:base-vm', mac: '52:54:00:00:00:01',
    ipv4: { ip: '10.0.1.200', prefix: 24 }, gateway: '10.0.1.1', dns: '10.0.1.2',
  };
  const params = { name: 'base-vm', nics: [staticNic], dnsDomain: 'hybrid.local', services: ['http', 'iperf3'] as const };

  it('passes each NIC (MAC, address), the first NIC\'s gateway and DNS, the domain and services to the guest', () => {
    const line = renderKernelCmdline({ ...params, services: [...params.services] });
    expect(line).toContain('console=ttyS0');
    expect(line.split(' ')).toEqual(expect.arrayContaining([
      'hl.name=base-vm', 'hl.nic=52:54:00:00:00:01,10.0.1.200/24,-', 'hl.gw=10.0.1.1', 'hl.dns=10.0.1.2', 'hl.domain=hybrid.local', 'hl.services=http,iperf3',
    ]));
    expect(line).not.toContain('hl.mgmt');
    expect(renderKernelCmdline({ ...params, services: [], managementMac: '52:54:00:00:00:02' })).toContain('hl.mgmt=52:54:00:00:00:02');
  });

  it('one hl.nic per NIC in order; DHCP and SLAAC by keyword; no static gateway when the first NIC leases its address', () => {
    const dynamic: GuestNic = { ...staticNic, mac: '52:54:00:00:00:03', ipv4: 'dhcp', ipv6: 'slaac', gateway6: 'fd00:1::1', dhcpHostName: 'base-vm' };
    const second: GuestNic = { ...staticNic, network: 'back', mac: '52:54:00:00:00:04', ipv4: { ip: '10.0.2.5', prefix: 24 }, ipv6: { ip: 'fd00:2::5', prefix: 64 }, gateway: '10.0.2.1', dns: '10.0.2.2' };
    const parts = renderKernelCmdline({ ...params, services: [], nics: [dynamic, second] }).split(' ');
    expect(parts.filter((part) => part.startsWith('hl.nic='))).toEqual(['hl.nic=52:54:00:00:00:03,dhcp,slaac,base-vm', 'hl.nic=52:54:00:00:00:04,10.0.2.5/24,fd00:2::5/64']);
    expect(parts.some((part) => part.startsWith('hl.gw'))).toBe(false);
    expect(parts).toContain('hl.dns=10.0.1.2');
  });

  it('refuses values that would break the space-separated line', () => {
    expect(() => renderKernelCmdline({ ...params, services: [], dnsDomain: 'evil domain' })).toThrow(/hl.domain/);
  });
});

describe('planGuestNics', () => {
  const networks: ResolvedNetwork[] = [
    { name: 'front', bridge: 'hybr73', mode: 'bridged', subnet: '10.0.73.0/24', prefix: 24, gateway: '10.0.73.1', dns: '10.0.73.2' },
    { name: 'back', bridge: 'hybr74', mode: 'bridged', subnet: '10.0.74.0/24', prefix: 24, gateway: '10.0.74.1', dns: '10.0.74.2', dhcp: { start: '10.0.74.100', end: '10.0.74.150', leaseTime: '1h', reservations: [] } },
  ];
  const ctx = { labName: 'dh14', bridgeName: 'hybr73', prefix: 24, gateway: '10.0.73.1', dnsServer: '10.0.73.2', dnsDomain: 'hybrid.local', networks, stateDir: '/tmp/x', reporter: silentReporter };
  const spec = { name: 'vm', kind: 'vm' as const, provider: 'qemu' as const, memoryMb: 128, cpus: 1, services: [], ip: '10.0.73.10' };

  it('one tap per NIC on its network\'s bridge; the first keeps the one-NIC tap name; MACs stable per (lab, node, network) unless given', () => {
    const nics = planGuestNics({ ...spec, nics: [{ network: 'front', ip: '10.0.73.10', dhcp: false, slaac: false }, { network: 'back', dhcp: true, slaac: false }] }, ctx);
    expect(nics.map((nic) => [nic.bridge, nic.ipv4])).toEqual([['hybr73', { ip: '10.0.73.10', prefix: 24 }], ['hybr74', 'dhcp']]);
    expect(nics[0].tap).toBe(tapName('dh14', 'vm'));
    expect(nics[1].tap).toBe(tapName('dh14', 'vm', 'back'));
    expect(nics[1].tapAlias).toBe('hybrid-lab:dh14:vm:back');
    expect(nics[0].mac).toBe(vmMac('dh14', 'vm'));
    expect(nics[1].mac).toBe(vmMac('dh14', 'vm', 'net:back'));
    expect(new Set(nics.map((nic) => nic.mac)).size).toBe(2);
    // A DHCP NIC beyond the first asks for NODE-NETWORK: the node's name belongs to its first NIC's address.
    expect(nics.map((nic) => nic.dhcpHostName)).toEqual([undefined, 'vm-back']);
    const given = planGuestNics({ ...spec, nics: [{ network: 'back', dhcp: true, slaac: false, mac: '52:54:00:aa:bb:cc' }] }, ctx);
    expect(given[0]).toMatchObject({ mac: '52:54:00:aa:bb:cc', gateway: '10.0.74.1', dns: '10.0.74.2', dhcpHostName: 'vm' });
  });

  it('without nics: one NIC on the first network at the node\'s ip; a NIC on an unknown network is refused naming it', () => {
    expect(planGuestNics(spec, ctx)).toMatchObject([{ network: 'front', bridge: 'hybr73', ipv4: { ip: '10.0.73.10', prefix: 24 } }]);
    expect(() => planGuestNics({ ...spec, nics: [{ network: 'nowhere', dhcp: false, slaac: false }] }, ctx)).toThrow(/NIC 0 is on network nowhere.*Fix: use one of front, back/);
  });

  it('a context without networks (benchmarks, scratch bridges) is one network on its bridge, with the one-NIC tap and MAC', () => {
    const { networks: _omitted, ...bare } = ctx;
    expect(planGuestNics(spec, bare)).toEqual([{
      network: 'main', bridge: 'hybr73', tap: tapName('dh14', 'vm'), tapAlias: 'hybrid-lab:dh14:vm', mac: vmMac('dh14', 'vm'),
      ipv4: { ip: '10.0.73.10', prefix: 24 }, ipv6: undefined, gateway: '10.0.73.1', dns: '10.0.73.2',
    }]);
  });
});

describe('renderQemuArgs', () => {
  const files = vmFiles('/var/lib/hybrid-lab/hybrid', 'base-vm');
  const launch = {
    labName: 'hybrid', nodeName: 'base-vm', accel: 'tcg' as const, memoryMb: 128, cpus: 1, kernel: '/k', initrd: '/i',
    cmdline: 'console=ttyS0', nics: [{ tap: 'hlt-0123456789', mac: '52:54:00:00:00:01' }], bios: '/usr/share/qemu/qboot.rom', files,
  };

  function valueAfter(args: string[], flag: string): string[] {
    return args.flatMap((arg, index) => (arg === flag ? [args[index + 1]] : []));
  }

  it('labels the process, uses TCG flags, a tap NIC with the MAC, unix sockets and a pid file', () => {
    const args = renderQemuArgs(launch);
    expect(valueAfter(args, '-name')).toEqual([`guest=${qemuGuestLabel('hybrid', 'base-vm')}`]);
    expect(valueAfter(args, '-accel')).toEqual(['tcg,tb-size=16']);
    expect(valueAfter(args, '-cpu')).toEqual(['qemu64']);
    expect(valueAfter(args, '-netdev')).toEqual(['tap,id=lab,ifname=hlt-0123456789,script=no,downscript=no']);
    expect(valueAfter(args, '-device')[0]).toContain('mac=52:54:00:00:00:01');
    expect(valueAfter(args, '-chardev')[0]).toContain(`path=${files.serialSocket}`);
    expect(valueAfter(args, '-qmp')).toEqual([`unix:${files.qmpSocket},server=on,wait=off`]);
    expect(valueAfter(args, '-pidfile')).toEqual([files.pidFile]);
    expect(args).toContain('-daemonize');
    expect(args).toContain('-no-reboot');
    expect(valueAfter(args, '-bios')).toEqual(['/usr/share/qemu/qboot.rom']);
    expect(renderQemuArgs({ ...launch, bios: undefined })).not.toContain('-bios');
  });

  it('one tap netdev and virtio NIC per NIC, each with its MAC, in its own PCI slot', () => {
    const args = renderQemuArgs({ ...launch, nics: [...launch.nics, { tap: 'hlt-abcdefabcd', mac: '52:54:00:00:00:05' }] });
    expect(valueAfter(args, '-netdev')).toEqual(['tap,id=lab,ifname=hlt-0123456789,script=no,downscript=no', 'tap,id=lab1,ifname=hlt-abcdefabcd,script=no,downscript=no']);
    expect(valueAfter(args, '-device')).toEqual(['virtio-net-pci,netdev=lab,mac=52:54:00:00:00:01,addr=0x3,romfile=', 'virtio-net-pci,netdev=lab1,mac=52:54:00:00:00:05,addr=0x5,romfile=']);
  });

  it('uses KVM flags in kvm mode and adds a restricted user-mode management NIC only when asked', () => {
    const args = renderQemuArgs({ ...launch, accel: 'kvm', managementMac: '52:54:00:00:00:02' });
    expect(valueAfter(args, '-accel')).toEqual(['kvm']);
    expect(valueAfter(args, '-netdev')).toContain('user,id=mgmt,restrict=on');
    expect(renderQemuArgs(launch).join(' ')).not.toContain('mgmt');
  });

  it('rejects state dirs that make socket paths too long for sockaddr_un', () => {
    expect(() => vmFiles(`/tmp/${'x'.repeat(100)}`, 'vm')).toThrow(/longer than 107/);
  });
});

describe('parseLdd', () => {
  it('lists libraries and the loader, not the vdso', () => {
    const output = [
      '\tlinux-vdso.so.1 (0x00007ffd)',
      '\tlibiperf.so.0 => /lib/x86_64-linux-gnu/libiperf.so.0 (0x00007f)',
      '\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f)',
      '\t/lib64/ld-linux-x86-64.so.2 (0x00007f)',
    ].join('\n');
    expect(parseLdd(output)).toEqual(['/lib/x86_64-linux-gnu/libiperf.so.0', '/lib/x86_64-linux-gnu/libc.so.6', '/lib64/ld-linux-x86-64.so.2']);
  });
});
