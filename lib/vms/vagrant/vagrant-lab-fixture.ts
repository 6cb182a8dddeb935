import type { VagrantLab, VagrantMachine } from './vagrantfile.ts';

/** The lab and VM the Vagrantfile tests render (one definition for the template and provisioner tests). */
export const TEST_LAB: VagrantLab = {
  labName: 'vagrantlab',
  labBridge: 'hybr1',
  prefix: 24,
  gateway: '10.0.2.1',
  dnsServer: '10.0.2.2',
  dnsDomain: 'vagrant.local',
  hybridNetwork: 'hl_vagrantlab_hybrid',
  management: { name: 'hl_vagrantlab_mgmt', bridge: 'hlm12345678', subnet: '192.168.121.0/24', hostAddress: '192.168.121.1' },
  accel: 'tcg',
  projectDir: '/var/lib/hybrid-lab/vagrantlab/vms/vagrant',
};

export const TEST_VM: VagrantMachine = { name: 'vagrant-vm', role: 'base', ip: '10.0.2.200', memoryMb: 256, cpus: 1 };
