import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SetupError } from '../common/errors.ts';
import { parseTopology } from '../topology/load.ts';
import { pauseNode, resumeNode } from './node-pause.ts';
import { StateStore } from './state.ts';

// pauseNode/resumeNode refuse clearly before touching anything; the real freeze of a qemu VM is
// driven by lab/examples/load-balancer/load-balancer.test.ts (HAProxy takes the frozen VM out).
let root: string;
const previousRoot = process.env.HYBRID_LAB_STATE;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'hl-pause-'));
  process.env.HYBRID_LAB_STATE = root;
  const topology = parseTopology([
    'name: pz',
    'bridge: { name: hlpz0, subnet: 10.0.45.0/24 }',
    'nodes:',
    '  - { name: web, kind: container }',
    '  - { name: box, kind: vm, provider: vagrant }',
  ].join('\n'), 'test');
  const store = StateStore.fresh(topology);
  await store.plan({ kind: 'container', id: 'pz_web', node: 'web' });
  await store.plan({ kind: 'vm', id: 'pz-box', node: 'box', provider: 'vagrant', handle: { name: 'box', provider: 'vagrant', ip: '10.0.45.3', accel: 'tcg', nic: {}, details: {} } });
  await store.setStatus('up');
});
afterAll(async () => {
  if (previousRoot === undefined) delete process.env.HYBRID_LAB_STATE;
  else process.env.HYBRID_LAB_STATE = previousRoot;
  await rm(root, { recursive: true, force: true });
});

describe('pauseNode / resumeNode refuse what they cannot do', () => {
  it('a lab that is not up', async () => {
    await expect(pauseNode('nolab', 'web')).rejects.toThrow(SetupError);
    await expect(resumeNode('nolab', 'web')).rejects.toThrow(/lab "nolab" is not up.*Fix: run `npx hybrid-lab up` first/);
  });

  it('a node the lab does not have, naming those it has', async () => {
    await expect(pauseNode('pz', 'db')).rejects.toThrow(/no node "db" in lab "pz" to pause or resume\. Fix: name one of dns, web, box/);
  });

  it('a VM whose provider cannot pause', async () => {
    await expect(pauseNode('pz', 'box')).rejects.toThrow(/the vagrant provider cannot pause VM box\. Fix: use provider: qemu/);
  });
});
