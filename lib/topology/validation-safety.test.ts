import { topologyErrorOf } from '../testing/topology-errors.ts';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TopologyError } from '../common/errors.ts';
import { loadTopology, parseTopology } from './load.ts';

// Issue 9, items 5, 7 and 12: what the topology loader must refuse, and how fast.
const base = (subnet: string, extra = '') => `name: t1\nbridge: { name: tbr0, subnet: ${subnet} }\n${extra}nodes:\n  - { name: a, kind: container }\n`;

const errorOf = (text: string) => topologyErrorOf(() => parseTopology(text, 'test.yaml'));

describe('topology safety: subnets must be private (item 5)', () => {
  for (const subnet of ['11.0.0.0/8', '224.0.0.0/24', '0.0.0.0/8', '169.254.0.0/16', '8.8.8.0/24', '172.32.0.0/16', '100.128.0.0/16']) {
    it(`refuses ${subnet}`, () => {
      const error = errorOf(base(subnet));
      expect(error.fieldPath).toBe('bridge.subnet');
      expect(error.message).toMatch(/not private address space.*Fix: use a subnet inside 10\.0\.0\.0\/8, 172\.16\.0\.0\/12, 192\.168\.0\.0\/16, 100\.64\.0\.0\/10/);
      expect(error.message).toContain('test.yaml');
    });
  }
  for (const subnet of ['10.0.5.0/24', '172.16.3.0/24', '192.168.77.0/24', '100.64.1.0/24']) {
    it(`accepts ${subnet}`, () => expect(parseTopology(base(subnet), 'x').bridge.subnet).toBe(subnet));
  }
});

describe('topology safety: reserved ranges are arithmetic (item 7)', () => {
  it('a /8 reservation is handled in milliseconds, and allocation skips it whole', () => {
    const started = performance.now();
    const topology = parseTopology(
      'name: t1\nbridge: { name: tbr0, subnet: 10.0.0.0/8 }\nipam: { reserved: [10.0.0.3-10.255.255.200] }\nnodes:\n  - { name: a, kind: container }\n  - { name: b, kind: container }\n',
      'x',
    );
    expect(topology.nodes.map((node) => node.ip)).toEqual(['10.255.255.201', '10.255.255.202']);
    // Expanding the range into an array took 24 s and 1.3 GB; the interval check is instant.
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('refuses a reservation outside the subnet (0.0.0.0-31.255.255.255 once crashed Node)', () => {
    const error = errorOf(base('10.9.0.0/24', 'ipam: { reserved: [0.0.0.0-31.255.255.255] }\n'));
    expect(error.fieldPath).toBe('ipam.reserved[0]');
    expect(error.message).toMatch(/reaches outside the subnet 10\.9\.0\.0\/24/);
  });
});

describe('topology safety: topology files (item 7)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hl-topo-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const refusal = async (path: string) => {
    const error = await loadTopology(path).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(TopologyError);
    return (error as TopologyError).message;
  };

  it('refuses /dev/zero without reading it', async () => expect(await refusal('/dev/zero')).toMatch(/\/dev\/zero: \(file\): is a device, not a topology file/));
  it('refuses a directory', async () => expect(await refusal(dir)).toMatch(/is a directory, not a topology file/));
  it('refuses a FIFO at once instead of hanging', async () => {
    const fifo = join(dir, 'fifo.yaml');
    execFileSync('mkfifo', [fifo]);
    expect(await refusal(fifo)).toMatch(/fifo\.yaml: \(file\): is a FIFO/);
  });
  it('refuses a file over 1 MiB', async () => {
    const big = join(dir, 'big.yaml');
    await writeFile(big, `# ${'x'.repeat(2 * 1024 * 1024)}\nname: t1\n`);
    expect(await refusal(big)).toMatch(/big\.yaml: \(file\): is \d+ bytes; topology files are limited to 1048576 bytes/);
  });
  it('names the file when YAML alias expansion explodes (billion laughs)', async () => {
    const laughs = join(dir, 'laughs.yaml');
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) lines.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    await writeFile(laughs, `${lines.join('\n')}\nname: t1\n`);
    expect(await refusal(laughs)).toMatch(/laughs\.yaml: \(file\): YAML cannot be expanded.*Fix: remove the excessive aliases/);
  });
});

describe('topology safety: nothing silently ignored (item 12)', () => {
  it('refuses an image reference that is not one (any real reference is a workload, issue 11)', () => {
    const error = errorOf('name: t1\nbridge: { name: tbr0, subnet: 10.9.0.0/24 }\nnodes:\n  - { name: a, kind: container, image: "nginx latest" }\n');
    expect(error.fieldPath).toBe('nodes[0].image');
    expect(error.message).toMatch(/not an image reference.*Fix: write NAME\[:TAG\]/);
  });

  it('warns that a public DNS upstream forwards names off the machine; a lab-local one is quiet', () => {
    const pub = parseTopology(base('10.9.0.0/24', 'dns: { upstreams: [9.9.9.9, 10.9.0.254] }\n'), 'x');
    expect(pub.warnings).toEqual([expect.stringMatching(/dns\.upstreams\[0\]: 9\.9\.9\.9 is not a lab address: every name outside hybrid\.local .* forwarded off this machine/)]);
    expect(parseTopology(base('10.9.0.0/24'), 'x').warnings).toEqual([]);
  });

  it('refuses a lab name that is not a DNS label', () => {
    for (const name of ['..', '.', '""', 'a/b', 'UPPER', '-x']) expect(errorOf(`name: ${name}\n`).fieldPath).toBe('name');
  });
});
