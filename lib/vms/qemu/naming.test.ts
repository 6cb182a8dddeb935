import { describe, expect, it } from 'vitest';
import { renderKernelCmdline } from './cmdline.ts';
import { parseLdd } from '../../images/rootfs.ts';
import { vmMac } from './mac.ts';
import { qemuGuestLabel, renderQemuArgs, vmFiles } from './qemu-args.ts';
import { tapAlias, tapName } from './tap.ts';

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
  const params = {
    name: 'base-vm', ip: '10.0.1.200', prefix: 24, gateway: '10.0.1.1', dnsServer: '10.0.1.2', dnsDomain: 'hybrid.local',
    mac: '52:54:00:00:00:01', services: ['http', 'iperf3'] as const,
  };

  it('passes address, gateway, DNS, domain, MAC and services to the guest', () => {
    const line = renderKernelCmdline({ ...params, services: [...params.services] });
    expect(line).toContain('console=ttyS0');
    expect(line.split(' ')).toEqual(expect.arrayContaining([
      'hl.name=base-vm', 'hl.ip=10.0.1.200/24', 'hl.gw=10.0.1.1', 'hl.dns=10.0.1.2', 'hl.domain=hybrid.local',
      'hl.mac=52:54:00:00:00:01', 'hl.services=http,iperf3',
    ]));
    expect(line).not.toContain('hl.mgmt');
    expect(renderKernelCmdline({ ...params, services: [], managementMac: '52:54:00:00:00:02' })).toContain('hl.mgmt=52:54:00:00:00:02');
  });

  it('refuses values that would break the space-separated line', () => {
    expect(() => renderKernelCmdline({ ...params, services: [], dnsDomain: 'evil domain' })).toThrow(/hl.domain/);
  });
});

describe('renderQemuArgs', () => {
  const files = vmFiles('/var/lib/hybrid-lab/hybrid', 'base-vm');
  const launch = {
    labName: 'hybrid', nodeName: 'base-vm', accel: 'tcg' as const, memoryMb: 128, cpus: 1, kernel: '/k', initrd: '/i',
    cmdline: 'console=ttyS0', tap: 'hlt-0123456789', mac: '52:54:00:00:00:01', bios: '/usr/share/qemu/qboot.rom', files,
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
