import { readdir } from 'node:fs/promises';
import { SetupError } from '../common/errors.ts';
import { stateRoot } from '../common/paths.ts';
import { readState, stateFilePath } from '../lab/state.ts';
import { existsSync } from 'node:fs';
import { isLabName } from '../common/lab-name.ts';

/** `-t, --topology` as every command spells it. */
export const TOPOLOGY_OPTION = ['-t, --topology <file>', 'topology file (default: ./hybrid-lab.yaml, else lab/default.yaml)'] as const;
/** `--lab` as every command spells it. */
export const LAB_OPTION = ['--lab <name>', 'lab name (default: from the topology file); see `hybrid-lab status --all`'] as const;

export interface LabSelection {
  lab?: string;
  topology?: string;
}

/** Names of the labs with a state file on this host (up, failed or being created), sorted. */
export async function knownLabs(): Promise<string[]> {
  let entries: string[];
  try {
    entries = await readdir(stateRoot());
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return [];
    throw new SetupError(`cannot read the lab state directory ${stateRoot()} (${code}). Fix: run as root (sudo), or set HYBRID_LAB_STATE`);
  }
  // Only directories named like a lab: the lock files beside them (`<lab>.lock`) are not labs.
  return entries.filter((name) => isLabName(name) && existsSync(stateFilePath(name))).sort();
}

/**
 * The lab a command reads: --lab NAME (which must exist on this host: a typo must not silently
 * show or watch something else), else the topology file's name.
 */
export async function selectedLabName(options: LabSelection): Promise<string> {
  // The topology loader (yaml, zod) is imported only when it is needed: --lab skips it.
  if (!options.lab) return (await (await import('../topology/load.ts')).loadTopology(options.topology)).name;
  if (await readState(options.lab)) return options.lab;
  const labs = await knownLabs();
  const known = labs.length > 0 ? `labs on this host: ${labs.join(', ')}` : 'no lab is up on this host';
  throw new SetupError(`--lab ${options.lab}: no lab of that name on this host (${known}). Fix: check the name with \`hybrid-lab status --all\`, or bring it up with \`hybrid-lab up -t FILE\``);
}
