import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { reportsDir } from '../../lib/common/paths.ts';
import type { TestProject } from 'vitest/node';
import { terminalReporter } from '../../lib/common/progress.ts';
import { downLab } from '../../lib/lab/down.ts';
import { readState } from '../../lib/lab/state.ts';
import { upLab } from '../../lib/lab/up.ts';
import { recordRun } from '../../lib/report/history/record-run.ts';
import { labAccelMode } from '../../lib/lab/accel-mode.ts';
import { junitForSetupFailure } from '../../lib/report/junit.ts';
import { loadTopology } from '../../lib/topology/load.ts';
import type { Topology } from '../../lib/topology/topology.ts';
import { measurementsDir, readAllMeasurements } from './measurements.ts';

/**
 * Before the lab tests: use the lab that is up, or bring the topology's lab up (and take it down
 * after). HYBRID_LAB_TOPOLOGY picks the topology file (default: ./hybrid-lab.yaml, else lab/default.yaml).
 * After them: the run's measurements are appended to the latency history.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const topology = await loadTopology(process.env.HYBRID_LAB_TOPOLOGY);
  const startedAt = new Date();
  project.provide('labName', topology.name);
  project.provide('labSetupError', '');
  await rm(measurementsDir(), { recursive: true, force: true });
  await rm(join(reportsDir(), 'junit-setup.xml'), { force: true });
  const existing = await readState(topology.name);
  const reuse = existing?.status === 'up';
  if (reuse) {
    const drift = existing.topology.hash === topology.hash ? '' : ` (it differs from ${topology.source}: run \`hybrid-lab up\` to apply the file)`;
    process.stderr.write(`suites: using lab "${topology.name}" as it is up${drift}\n`);
  }
  else {
    try {
      process.stderr.write(`suites: bringing lab "${topology.name}" up (${topology.source})\n`);
      await upLab(topology, { reporter: terminalReporter() });
    } catch (error) {
      // Record the failure for CI and let every lab test fail with it, while tests that need no
      // lab (the unit project) still run and report.
      await mkdir(reportsDir(), { recursive: true });
      await writeFile(join(reportsDir(), 'junit-setup.xml'), junitForSetupFailure(topology.name, error));
      const message = error instanceof Error ? error.message : String(error);
      process.stderr.write(`suites: could not bring lab "${topology.name}" up: ${message}\n`);
      project.provide('labSetupError', message);
      return async () => {};
    }
  }
  return async () => {
    await recordHistory(topology, startedAt);
    if (reuse) return;
    process.stderr.write(`suites: taking lab "${topology.name}" down\n`);
    await downLab(topology.name, topology, terminalReporter());
  };
}

/** Appends this run's measurements (if the measuring suites ran) to the latency history. */
async function recordHistory(topology: Topology, startedAt: Date): Promise<void> {
  const measurements = await readAllMeasurements();
  if (measurements.length === 0) return;
  const state = await readState(topology.name);
  const { record, path } = await recordRun(measurements, { topology: state?.topology ?? topology, accelMode: labAccelMode(state), startedAt });
  process.stderr.write(`suites: ${measurements.length} measurements appended to ${path} (run ${record.context.runId})\n`);
}

declare module 'vitest' {
  export interface ProvidedContext {
    labName: string;
    /** Why the lab could not be brought up ('' when it is up). */
    labSetupError: string;
  }
}
