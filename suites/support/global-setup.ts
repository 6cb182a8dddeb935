import { mkdir, writeFile } from 'node:fs/promises';
import type { TestProject } from 'vitest/node';
import { terminalReporter } from '../../lib/common/progress.ts';
import { downLab } from '../../lib/lab/down.ts';
import { readState } from '../../lib/lab/state.ts';
import { upLab } from '../../lib/lab/up.ts';
import { loadTopology } from '../../lib/topology/load.ts';
import { junitForSetupFailure } from '../../lib/report/junit.ts';

/**
 * Before the lab tests: use the lab that is up, or bring the topology's lab up (and take it down
 * after). HYBRID_LAB_TOPOLOGY picks the topology file (default: ./hybrid-lab.yaml, else lab/default.yaml).
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | void> {
  const topology = await loadTopology(process.env.HYBRID_LAB_TOPOLOGY);
  project.provide('labName', topology.name);
  const existing = await readState(topology.name);
  if (existing?.status === 'up' && existing.topology.hash === topology.hash) {
    process.stderr.write(`suites: using lab "${topology.name}" that is already up\n`);
    return;
  }
  try {
    process.stderr.write(`suites: bringing lab "${topology.name}" up (${topology.source})\n`);
    await upLab(topology, { reporter: terminalReporter() });
  } catch (error) {
    await mkdir('reports', { recursive: true });
    await writeFile('reports/junit-setup.xml', junitForSetupFailure(topology.name, error));
    throw error;
  }
  return async () => {
    process.stderr.write(`suites: taking lab "${topology.name}" down\n`);
    await downLab(topology.name, topology, terminalReporter());
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    labName: string;
  }
}
