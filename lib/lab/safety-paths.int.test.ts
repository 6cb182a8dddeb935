import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../common/run.ts';
import { runCli } from '../testing/cli-process.ts';
import { labRemains, NOTHING_LEFT } from '../testing/lab-fixture.ts';

// Issue 9, items 1, 4, 6 and 12 (validate): names, paths, state files, permissions. Every CLI
// call runs with HYBRID_LAB_STATE inside a temporary directory, so a failure cannot harm the host.
let scratch: string;
let root: string;
const env = () => ({ HYBRID_LAB_STATE: root });

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'hl-safety-'));
  root = join(scratch, 'state');
  await mkdir(join(scratch, 'victim'), { recursive: true });
  await writeFile(join(scratch, 'victim', 'precious'), 'keep me');
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

describe('--lab names are validated before any path is built (item 1)', () => {
  for (const lab of ['../victim', '.', '', '..', 'a/b', '../../etc']) {
    it(`down --lab ${JSON.stringify(lab)} exits 2 and deletes nothing`, async () => {
      await mkdir(root, { recursive: true });
      await writeFile(join(root, 'sentinel'), 'x');
      const result = await runCli(['down', '--lab', lab], { env: env() });
      expect(result.exitCode, result.stdout + result.stderr).toBe(2);
      expect(result.stderr).toMatch(/is not a valid lab name\. Fix: use 1-63 lowercase letters/);
      expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
      expect(existsSync(join(scratch, 'victim', 'precious'))).toBe(true);
      expect(existsSync(join(root, 'sentinel'))).toBe(true);
      // No lock file written beside the state root either.
      expect((await readdir(scratch)).sort()).toEqual(['state', 'victim']);
    });
  }
});

describe('state files are schema-checked and every listed resource proven to be the lab\'s (item 1)', () => {
  const bridge = 'hlvictim0';
  const foreignContainer = 'hl-safety-foreign';
  beforeAll(async () => {
    await run('ip', ['link', 'add', 'name', bridge, 'type', 'bridge']);
    await run('docker', ['create', '--name', foreignContainer, (await run('docker', ['images', '-q', 'hybrid-lab/node'])).stdout.split('\n')[0]]);
  });
  afterAll(async () => {
    await run('ip', ['link', 'del', bridge], { allowFailure: true });
    await run('docker', ['rm', '-f', foreignContainer], { allowFailure: true });
  });

  const craft = async (lab: string, resources: unknown[]) => {
    await mkdir(join(root, lab), { recursive: true });
    const topology = { name: lab, bridge: { name: bridge, subnet: '10.0.31.0/24', gateway: '10.0.31.1', prefix: 24 }, dns: { address: '10.0.31.2', domain: 'hybrid.local' }, nodes: [] };
    await writeFile(join(root, lab, 'state.json'), JSON.stringify({ version: 1, lab, topology, status: 'up', updatedAt: '', resources, sysctls: [] }));
  };

  it('a crafted state naming a foreign bridge and container: down refuses both, leaves them, and finishes', async () => {
    await craft('crafted', [
      { kind: 'bridge', id: bridge, phase: 'created' },
      { kind: 'container', id: foreignContainer, node: 'x', phase: 'created' },
    ]);
    const result = await runCli(['down', '--lab', 'crafted'], { env: env() });
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(result.stderr).toMatch(/bridge hlvictim0: interface hlvictim0 does not carry the alias hybrid-lab:crafted:bridge; left alone/);
    expect(result.stderr).toMatch(/container hl-safety-foreign: container hl-safety-foreign is not made by hybrid-lab.*left alone/);
    expect((await run('ip', ['link', 'show', bridge], { allowFailure: true })).exitCode).toBe(0);
    expect((await run('docker', ['inspect', foreignContainer], { allowFailure: true })).exitCode).toBe(0);
    expect(existsSync(join(root, 'crafted'))).toBe(false);
  });

  it('status --all shows a lab with an untrusted state as invalid, with the reason, and still lists the others', async () => {
    await craft('badlisted', [{ kind: 'bridge', id: '../../etc', phase: 'created' }]);
    await craft('goodlisted', []);
    const result = await runCli(['status', '--all', '--json'], { env: env() });
    const labs = (JSON.parse(result.stdout) as { labs: Array<{ lab: string; status: string; problem?: string }> }).labs;
    expect(labs.find((lab) => lab.lab === 'badlisted')).toMatchObject({ status: 'invalid', problem: expect.stringMatching(/not a valid lab state/) });
    expect(labs.find((lab) => lab.lab === 'goodlisted')?.status).toBe('up');
    expect(result.exitCode).toBe(1);
    for (const lab of ['badlisted', 'goodlisted']) await rm(join(root, lab), { recursive: true, force: true });
  });

  it('a state that does not match the schema is not acted on at all', async () => {
    await craft('badstate', [{ kind: 'bridge', id: '../../etc', phase: 'created' }, { kind: 'shell', id: 'rm -rf /', phase: 'created' }]);
    const result = await runCli(['down', '--lab', 'badstate'], { env: env() });
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(result.stderr).toMatch(/not a valid lab state .*only resources carrying the lab's marks are removed/);
    expect((await run('ip', ['link', 'show', bridge], { allowFailure: true })).exitCode).toBe(0);
  });
});

describe('bridges that are not the lab\'s are refused at validate and up (item 4)', () => {
  const topologyWith = async (bridgeName: string, name = 'brcheck') => {
    const file = join(scratch, `${name}-${bridgeName}.yaml`);
    await writeFile(file, `name: ${name}\nbridge: { name: ${bridgeName}, subnet: 10.0.32.0/24 }\nnodes:\n  - { name: a, kind: container }\n`);
    return file;
  };
  for (const bridgeName of ['lo', 'docker0', 'hlvictim1']) {
    it(`validate refuses bridge.name ${bridgeName}`, async () => {
      if (bridgeName === 'hlvictim1') await run('ip', ['link', 'add', 'name', bridgeName, 'alias', 'x', 'type', 'bridge']).then(() => run('ip', ['link', 'set', 'dev', bridgeName, 'alias', 'hybrid-lab:otherlab:bridge']));
      try {
        const result = await runCli(['validate', '-t', await topologyWith(bridgeName)], { env: env() });
        expect(result.exitCode, result.stdout + result.stderr).toBe(2);
        expect(result.stderr).toMatch(new RegExp(`bridge\\.name: interface ${bridgeName} already exists on this host .* is not this lab's.*Fix: pick a bridge name`));
        if (bridgeName === 'hlvictim1') expect(result.stderr).toMatch(/lab "otherlab"/);
      } finally {
        if (bridgeName === 'hlvictim1') await run('ip', ['link', 'del', bridgeName], { allowFailure: true });
      }
    });
  }

  it('up refuses it too and leaves no state directory', async () => {
    const result = await runCli(['up', '--no-setup', '-t', await topologyWith('lo')], { env: env() });
    expect(result.exitCode, result.stdout + result.stderr).toBe(2);
    expect(result.stderr).toMatch(/interface lo already exists/);
    expect(existsSync(join(root, 'brcheck'))).toBe(false);
  });

  it('validate warns plainly about a DNS upstream off the machine (item 12)', async () => {
    const file = join(scratch, 'upstream.yaml');
    await writeFile(file, 'name: upl\nbridge: { name: hlupl0, subnet: 10.0.33.0/24 }\ndns: { upstreams: [9.9.9.9] }\n');
    const result = await runCli(['validate', '-t', file], { env: env() });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/warning: dns\.upstreams\[0\]: 9\.9\.9\.9 is not a lab address: .*forwarded off this machine/);
  });
});

describe('permissions do not follow the caller\'s umask (item 6)', () => {
  const lab = 'permlab';
  const file = () => join(scratch, 'perm.yaml');
  afterAll(async () => {
    const down = await runCli(['down', '-t', file()], { env: env() });
    expect(down.exitCode, down.stdout + down.stderr).toBe(0);
    expect(await labRemains(lab, 'hlperm0')).toEqual(NOTHING_LEFT);
    expect(existsSync(join(root, lab))).toBe(false);
  });

  it('with umask 000 the state root is 0700, state.json 0600, DNS records 0644 in a 0755 directory', async () => {
    await writeFile(file(), `name: ${lab}\nbridge: { name: hlperm0, subnet: 10.0.34.0/24 }\nnodes:\n  - { name: a, kind: container }\n`);
    const { node, args } = await import('../testing/cli-process.ts').then((m) => m.cliCommand());
    const up = await run('sh', ['-c', 'umask 000 && exec "$@"', 'sh', node, ...args, 'up', '--no-setup', '-t', file()], { allowFailure: true, env: env(), timeoutMs: 300_000 });
    expect(up.exitCode, up.stdout + up.stderr).toBe(0);
    const mode = async (path: string) => ((await stat(path)).mode & 0o777).toString(8);
    expect(await mode(root)).toBe('700');
    expect(await mode(join(root, lab))).toBe('700');
    expect(await mode(join(root, lab, 'state.json'))).toBe('600');
    expect(await mode(join(root, lab, 'dns'))).toBe('755');
    expect(await mode(join(root, lab, 'dns', 'hosts.d'))).toBe('755');
    const records = await readdir(join(root, lab, 'dns', 'hosts.d'));
    expect(records.length).toBeGreaterThan(0);
    for (const record of records) expect(await mode(join(root, lab, 'dns', 'hosts.d', record))).toBe('644');
    for (const name of ['dnsmasq.conf', 'servers.conf']) expect(await mode(join(root, lab, 'dns', name))).toBe('644');
  });
});
