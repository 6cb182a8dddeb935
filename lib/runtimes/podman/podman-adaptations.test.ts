import { describe, expect, it } from 'vitest';
import { loadTopology } from '../../topology/load.ts';
import { macForIp } from '../engine-api/containers.ts';
import { netavarkNetworkConfig } from './network-config.ts';
import { parseProcLimits } from './ulimits.ts';

const PROC_LIMITS = `Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max processes             32768                32768                processes
Max open files            20000                20000                files
Max locked memory         8388608              8388608              bytes
`;

describe('podman adaptations', () => {
  it('asks for the podman service\'s own nofile and nproc limits, and leaves out unlimited ones', () => {
    expect(parseProcLimits(PROC_LIMITS)).toEqual([
      { Name: 'nofile', Soft: 20000, Hard: 20000 },
      { Name: 'nproc', Soft: 32768, Hard: 32768 },
    ]);
    expect(parseProcLimits(PROC_LIMITS.replace('32768                32768', 'unlimited            unlimited'))).toEqual([{ Name: 'nofile', Soft: 20000, Hard: 20000 }]);
  });

  it('gives a fixed address the MAC Docker would (02:42 and the address bytes)', () => {
    expect(macForIp('10.0.7.3')).toBe('02:42:0a:00:07:03');
    expect(macForIp('192.168.255.10')).toBe('02:42:c0:a8:ff:0a');
  });

  it('declares the lab network as podman would: lab bridge, subnet and gateway, lab label, no aardvark DNS', () => {
    const config = netavarkNetworkConfig({ name: 'podlab-net', labName: 'podlab', bridge: 'hybr7', subnet: '10.0.7.0/24', gateway: '10.0.7.1' }, 'a'.repeat(64), new Date('2026-01-01T00:00:00Z'));
    expect(config).toMatchObject({
      name: 'podlab-net',
      id: 'a'.repeat(64),
      driver: 'bridge',
      network_interface: 'hybr7',
      subnets: [{ subnet: '10.0.7.0/24', gateway: '10.0.7.1' }],
      dns_enabled: false,
      labels: { 'hybrid-lab.lab': 'podlab' },
      ipam_options: { driver: 'host-local' },
    });
  });

  it('the example topology selects podman, and an unknown runtime is refused naming the choices', async () => {
    expect((await loadTopology('lab/examples/podman.yaml')).runtime).toBe('podman');
    const { topologyFromYaml } = await import('../../testing/lab-fixture.ts');
    await expect(topologyFromYaml('name: x\nruntime: containerd\nnodes: []\n')).rejects.toThrow(/runtime.*use one of docker, podman/s);
  });
});
