import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { TopologyError } from '../../common/errors.ts';
import { topologyErrorOf } from '../../testing/topology-errors.ts';
import { parseTopology } from '../../topology/load.ts';
import { renderStartScript, vmInitrd } from './initramfs-extras.ts';

const topology = (vm: string) => `name: t\nbridge: { name: hbt0, subnet: 10.0.99.0/24 }\nnodes:\n  - { name: vm1, kind: vm, ${vm} }\n`;

describe('initramfs extras of a busybox VM', () => {
  it('reads packages and start commands (start defaults to none)', () => {
    const parsed = parseTopology(topology('initramfs: { packages: [prometheus-node-exporter], start: [[prometheus-node-exporter, "--web.listen-address=:9100"]] }'), 'lab.yaml');
    expect(parsed.nodes[0]).toMatchObject({ initramfs: { packages: ['prometheus-node-exporter'], start: [['prometheus-node-exporter', '--web.listen-address=:9100']] } });
    expect(parseTopology(topology('initramfs: { packages: [hello] }'), 'lab.yaml').nodes[0]).toMatchObject({ initramfs: { packages: ['hello'], start: [] } });
  });

  it('is refused on a disk VM and without packages, naming the field and the fix', () => {
    const onDisk = topologyErrorOf(() => parseTopology(topology('memoryMb: 512, disk: { recipe: debian }, initramfs: { packages: [hello] }'), 'lab.yaml'));
    expect(onDisk.message).toMatch(/initramfs.*busybox initramfs VM.*Fix: bake packages into disk/);
    expect(topologyErrorOf(() => parseTopology(topology('initramfs: { packages: [] }'), 'lab.yaml')).message).toMatch(/initramfs\.packages.*no packages/);
    expect(topologyErrorOf(() => parseTopology(topology('initramfs: { packages: [hello], start: [[]] }'), 'lab.yaml')).message).toMatch(/initramfs\.start\[0\].*empty command/);
  });

  it('starts each command in the background with its output logged, every word quoted for sh', () => {
    const script = renderStartScript([['prog', '--flag=a b'], ["it's", '$HOME', '`x`']]);
    expect(script.split('\n')).toContain(`'prog' '--flag=a b' >/var/log/hybrid-lab/start-1.log 2>&1 &`);
    expect(script.split('\n')).toContain(`'it'\\''s' '$HOME' '\`x\`' >/var/log/hybrid-lab/start-2.log 2>&1 &`);
    // sh reads the words back unchanged.
    const words = execFileSync('sh', ['-c', `set -- 'it'\\''s' '$HOME' '\`x\`'; printf '%s\\n' "$@"`], { encoding: 'utf8' });
    expect(words).toBe("it's\n$HOME\n`x`\n");
  });

  it('an unknown package is one error naming the VM, the field, the package and the fix', async () => {
    const error = await vmInitrd('/nonexistent/initramfs-x.cpio.gz', { packages: ['no-such-package-hl'], start: [] }, 'VM vm1 initramfs.packages').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TopologyError);
    expect((error as Error).message).toMatch(/VM vm1 initramfs\.packages: no such Debian package.*no-such-package-hl.*Fix: check the name/);
  });

  it('asks for nothing more: the shared initramfs, untouched', async () => {
    expect(await vmInitrd('/cache/initramfs-x.cpio.gz', undefined, 'f')).toBe('/cache/initramfs-x.cpio.gz');
  });
});
