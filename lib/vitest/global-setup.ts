import { silentReporter, terminalReporter, type ProgressReporter } from '../common/progress.ts';
import { downLab } from '../lab/down.ts';
import { readState } from '../lab/state.ts';
import { upLab } from '../lab/up.ts';
import { loadTopology } from '../topology/load.ts';

export interface LabGlobalSetupOptions {
  /** Topology file (default: $HYBRID_LAB_TOPOLOGY, else ./hybrid-lab.yaml). */
  topology?: string;
  /** Leave a lab this setup brought up running after the tests (default: take it down; HYBRID_LAB_KEEP=1 too). */
  keepUp?: boolean;
  /** Where up/down progress goes (default: stderr). */
  reporter?: ProgressReporter;
}

/** What vitest's globalSetup receives: only `provide` is used (vitest's TestProject). */
interface ProvidingProject {
  provide(key: 'hybridLabName', value: string): void;
}

/**
 * A vitest globalSetup: uses the topology's lab when it is already up, otherwise brings it up
 * and takes it down after the run (only what it started). Tests get it with `useLab()`.
 *
 *     // vitest.config.ts: test: { globalSetup: ['./lab.setup.ts'], setupFiles: ['hybrid-lab/vitest/setup'] }
 *     // lab.setup.ts:
 *     export default labGlobalSetup({ topology: 'hybrid-lab.yaml' });
 */
export function labGlobalSetup(options: LabGlobalSetupOptions = {}): (project: ProvidingProject) => Promise<() => Promise<void>> {
  return async (project) => {
    const reporter = options.reporter ?? terminalReporter();
    const topology = await loadTopology(options.topology ?? process.env.HYBRID_LAB_TOPOLOGY);
    const reused = (await readState(topology.name))?.status === 'up';
    if (reused) reporter.note(`hybrid-lab: using lab "${topology.name}", which is up`);
    else await upLab(topology, { reporter });
    project.provide('hybridLabName', topology.name);
    return async () => {
      if (reused || options.keepUp || process.env.HYBRID_LAB_KEEP === '1') return;
      await downLab(topology.name, topology, options.reporter ?? silentReporter);
    };
  };
}
