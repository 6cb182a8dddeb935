import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../common/run.ts';
import { renderTemplate } from './template.ts';
import { renderLabVagrantfile, renderProvisionScript, writeLabProject, type VagrantMachine } from './vagrantfile.ts';
import { TEST_LAB, TEST_VM } from './vagrant-lab-fixture.ts';

const lab = TEST_LAB;
const vm = TEST_VM;
const rubyAvailable = existsSync('/usr/bin/ruby');

describe('renderTemplate', () => {
  it('fills placeholders and refuses values that could inject Ruby', () => {
    expect(renderTemplate('lv.memory = {{ mem }}; x = "{{name}}"', { mem: 256, name: 'vm-1' })).toBe('lv.memory = 256; x = "vm-1"');
    expect(() => renderTemplate('x = "{{name}}"', { name: 'a"; system("id'}, 'role.rb')).toThrow(/role.rb: value for \{\{name\}\}/);
    expect(() => renderTemplate('x = "{{name}}"', { name: '#{`id`}' })).toThrow(/not allowed/);
    expect(() => renderTemplate('x = {{missing}}', {}, 'role.rb')).toThrow('role.rb: no value for placeholder {{missing}}');
  });
});

describe('lab Vagrantfile', () => {
  it('wires the management and hybrid networks, the fixed MAC and no phone-home', async () => {
    const text = await renderLabVagrantfile(lab, [vm]);
    expect(text).toContain('config.vm.box_check_update = false');
    expect(text).toContain('lv.management_network_name = "hl_vagrantlab_mgmt"');
    expect(text).toContain('lv.management_network_address = "192.168.121.0/24"');
    expect(text).toContain('lv.default_prefix = "hl_vagrantlab_"');
    expect(text).toContain('lv.management_network_keep = true'); // the lab owns its networks, not vagrant destroy
    expect(text).toMatch(/config\.vm\.define "vagrant-vm" do/);
    expect(text).toContain('node.vm.box = "hybrid-lab/debian-base"');
    expect(text).toMatch(/:private_network, libvirt__network_name: "hl_vagrantlab_hybrid", libvirt__mac: "52:54:00:[0-9a-f:]{8}", libvirt__always_destroy: false, auto_config: false/);
    expect(text).not.toMatch(/\{\{/);
  });

  it('uses TCG with a 64 MiB translation cache when KVM is not usable, KVM otherwise', async () => {
    const tcg = await renderLabVagrantfile(lab, [vm]);
    expect(tcg).toContain('lv.driver = "qemu"');
    expect(tcg).toContain('lv.cpu_model = "qemu64"');
    expect(tcg).toContain("<tb-cache unit='MiB'>64</tb-cache>");
    const kvm = await renderLabVagrantfile({ ...lab, accel: 'kvm' }, [vm]);
    expect(kvm).toContain('lv.driver = "kvm"');
    expect(kvm).not.toContain('tb-cache');
  });

  it.skipIf(!rubyAvailable)('is valid Ruby for every role (ruby -c; skipped without ruby, which vagrant brings)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hl-vf-'));
    try {
      const machines: VagrantMachine[] = [vm, { ...vm, name: 'docker-vm', role: 'docker', ip: '10.0.2.201' }];
      await writeLabProject({ ...lab, projectDir: dir }, machines);
      const result = await run('ruby', ['-c', join(dir, 'Vagrantfile')]);
      expect(result.stdout).toContain('Syntax OK');
      expect(await readFile(join(dir, 'docker-vm.provision.sh'), 'utf8')).toContain('HL_ADDRESS=10.0.2.201/24');
      expect(await readFile(join(dir, 'Vagrantfile'), 'utf8')).toContain('lv.memory = 512'); // docker role floor
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('provision script', () => {
  it('writes the hybrid NIC config (address, gateway, DNS server, search domain) and applies it', async () => {
    const script = renderProvisionScript(lab, vm);
    expect(script).toContain('HL_ADDRESS=10.0.2.200/24');
    expect(script).toContain('HL_GATEWAY=10.0.2.1');
    expect(script).toContain('HL_DNS=10.0.2.2');
    expect(script).toContain('HL_SEARCH=vagrant.local');
    expect(script).toMatch(/HL_MAC=52:54:00:/);
    expect(script).toContain('IFACE=$(hl-net)');
    expect((await run('sh', ['-n'], { input: script })).exitCode).toBe(0);
  });
});
