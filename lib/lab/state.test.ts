import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LabNameError } from '../common/lab-name.ts';
import { PathEscapeError, insideRoot, labStateDir } from '../common/paths.ts';
import { parseTopology } from '../topology/load.ts';
import { readState, StateFileError, StateStore, stateFilePath } from './state.ts';

// Issue 9, items 1 and 3: the state root's paths, the state file's schema, one serialized writer.
let root: string;
const previousRoot = process.env.HYBRID_LAB_STATE;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'hl-state-'));
  process.env.HYBRID_LAB_STATE = root;
});
afterAll(async () => {
  if (previousRoot === undefined) delete process.env.HYBRID_LAB_STATE;
  else process.env.HYBRID_LAB_STATE = previousRoot;
  await rm(root, { recursive: true, force: true });
});

const topology = () => parseTopology('name: st\nbridge: { name: hlst0, subnet: 10.0.44.0/24 }\n', 'test');

describe('state paths', () => {
  it('refuses lab names that would leave the state root', () => {
    for (const name of ['..', '.', '', '../x', 'a/b', '/etc']) expect(() => labStateDir(name)).toThrow(LabNameError);
  });
  it('insideRoot refuses the root itself and anything outside it', () => {
    expect(() => insideRoot(root)).toThrow(PathEscapeError);
    expect(() => insideRoot(root, '..', 'x')).toThrow(PathEscapeError);
    expect(insideRoot(root, 'lab', 'state.json')).toBe(join(root, 'lab', 'state.json'));
  });
});

describe('state file', () => {
  it('records every resource planned concurrently: after each plan() resolves, the file holds it', async () => {
    const store = StateStore.fresh(topology());
    const ids = Array.from({ length: 40 }, (_, i) => `st_n${i}`);
    const missingAfterResolve: string[] = [];
    await Promise.all(ids.map((id) => store.plan({ kind: 'container', id, node: `n${id.slice(4)}` }).then(async () => {
      const onDisk = JSON.parse(await readFile(stateFilePath('st'), 'utf8')) as { resources: Array<{ id: string }> };
      if (!onDisk.resources.some((r) => r.id === id)) missingAfterResolve.push(id);
    })));
    const final = (await readState('st'))!;
    expect(final.resources.map((r) => r.id).sort()).toEqual([...ids].sort());
    expect(missingAfterResolve, 'plan() resolved before its record was on disk (a stale write landed last)').toEqual([]);
  });

  it('refuses a state that does not match the schema, or names another lab', async () => {
    await writeFile(stateFilePath('st'), JSON.stringify({ version: 1, lab: 'st', topology: topology(), status: 'up', updatedAt: '', resources: [{ kind: 'bridge', id: '../../etc', phase: 'created' }] }));
    await expect(readState('st')).rejects.toThrow(StateFileError);
    await writeFile(stateFilePath('st'), JSON.stringify({ version: 1, lab: 'other', topology: { ...topology(), name: 'other' }, status: 'up', updatedAt: '', resources: [] }));
    await expect(readState('st')).rejects.toThrow(/records lab "other", not "st"/);
  });

  it('VM handles with every NIC recorded are valid, and so are older ones with only the first NIC; a bad tap name is refused', async () => {
    const vm = (handle: object) => ({ kind: 'vm', id: 'st-v', node: 'v', provider: 'qemu', phase: 'created', handle: { name: 'v', provider: 'qemu', ip: '10.0.44.101', accel: 'tcg', nic: { hostInterface: 'hlt-0123456789', mac: '52:54:00:00:00:01' }, details: {}, ...handle } });
    const write = (resource: object) => writeFile(stateFilePath('st'), JSON.stringify({ version: 1, lab: 'st', topology: topology(), status: 'up', updatedAt: '', resources: [resource] }));
    await write(vm({}));
    expect((await readState('st'))?.resources).toHaveLength(1);
    await write(vm({ nics: [{ network: 'main', hostInterface: 'hlt-0123456789', mac: '52:54:00:00:00:01', ip: '10.0.44.101', dhcp: true }, { network: 'back', hostInterface: 'hlt-abcdefabcd', mac: '52:54:00:00:00:02', ip: '10.0.45.5', ipv6: 'fd00:45::5' }] }));
    const recorded = (await readState('st'))?.resources[0];
    expect(recorded?.kind === 'vm' ? recorded.handle?.nics?.map((nic) => nic.network) : undefined).toEqual(['main', 'back']);
    await write(vm({ nics: [{ network: 'main', hostInterface: 'bad name; rm -rf /' }] }));
    await expect(readState('st')).rejects.toThrow(StateFileError);
  });
});

describe('state file: iptables rules with a table (port forwards)', () => {
  const rule = (extra: Record<string, unknown>) => ({ kind: 'iptables-rule', id: 'r', phase: 'created', rule: { chain: 'FORWARD', spec: ['-j', 'ACCEPT'], purpose: 'r', ...extra } });
  const write = (resource: unknown, sysctls: unknown[] = []) => writeFile(stateFilePath('st'), JSON.stringify({ version: 1, lab: 'st', topology: topology(), status: 'up', updatedAt: '', resources: [resource], sysctls }));

  it('reads an older file whose rules have no table (filter), and a nat rule of a forward with its per-interface sysctl', async () => {
    await write(rule({}));
    expect((await readState('st'))!.resources[0]).toMatchObject({ rule: { chain: 'FORWARD' } });
    await write(rule({ table: 'nat', chain: 'OUTPUT' }), [{ key: 'net.ipv4.conf.hybr72.route_localnet', before: '0', after: '1' }]);
    const state = (await readState('st'))!;
    expect(state.resources[0]).toMatchObject({ rule: { table: 'nat', chain: 'OUTPUT' } });
    expect(state.sysctls).toEqual([{ key: 'net.ipv4.conf.hybr72.route_localnet', before: '0', after: '1' }]);
  });

  it('refuses a table or chain the lab never writes', async () => {
    await write(rule({ table: 'mangle' }));
    await expect(readState('st')).rejects.toThrow(StateFileError);
    await write(rule({ table: 'nat', chain: 'DOCKER' }));
    await expect(readState('st')).rejects.toThrow(StateFileError);
  });
});
