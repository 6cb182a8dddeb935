import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../common/run.ts';
import { containerRuntime } from '../runtimes/registry.ts';
import { findLabInterfaces, linkExists } from '../net/bridge.ts';
import { loadTopology } from '../topology/load.ts';
import type { Topology } from '../topology/topology.ts';
import { existsSync } from 'node:fs';
import { labStateDir } from '../common/paths.ts';

/** Writes topology YAML to a temp file and loads it the way the CLI does. */
export async function topologyFromYaml(yaml: string): Promise<Topology> {
  const dir = await mkdtemp(join(tmpdir(), 'hybrid-lab-test-'));
  const file = join(dir, 'topology.yaml');
  await writeFile(file, yaml);
  return loadTopology(file);
}

/** Everything of a lab still on the host; all empty means `down` left nothing. */
export async function labRemains(labName: string, bridge: string, runtimeName = 'docker') {
  const runtime = await containerRuntime(runtimeName);
  // Every table: port forwards put rules in nat too.
  const rules = (await run('iptables-save', [])).stdout.split('\n').filter((line) => line.includes(`hybrid-lab:${labName}`));
  return {
    bridge: (await linkExists(bridge)) ? [bridge] : [],
    interfaces: (await findLabInterfaces(labName)).map((link) => link.name),
    containers: (await runtime.listLabContainers(labName)).map((container) => container.name),
    networks: await runtime.listLabNetworks(labName),
    rules: [...rules, ...(await run('ip6tables-save', ['-t', 'filter'], { allowFailure: true })).stdout.split('\n').filter((line) => line.includes(`hybrid-lab:${labName}`))],
    vms: (await run('pgrep', ['-af', `guest=hybrid-lab:${labName}:`], { allowFailure: true })).stdout.split('\n').filter((line) => line.includes('qemu')),
    stateDir: existsSync(labStateDir(labName)) ? [labStateDir(labName)] : [],
  };
}

export const NOTHING_LEFT = { bridge: [], interfaces: [], containers: [], networks: [], rules: [], vms: [], stateDir: [] };
