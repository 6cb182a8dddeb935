import type { RunRecord } from '../measurement.ts';
import { resolveGitRef } from '../history/run-context.ts';
import { ReportInputError } from './report-options.ts';
import { describeGroupKey, groupKeyOf } from './run-groups.ts';

/** What to compare the latest run against. */
export type BaselineSpec =
  | { kind: 'last'; count: number }
  | { kind: 'run'; name: string }
  | { kind: 'git'; ref: string }
  | { kind: 'auto'; name: string };

export const DEFAULT_BASELINE_RUNS = 10;

/** `--baseline`: `last:K`, `run:ID-OR-LABEL`, `git:REF`, or a bare name tried as run id/label, then git ref. */
export function parseBaselineSpec(text: string | undefined): BaselineSpec {
  if (text === undefined || text === 'last') return { kind: 'last', count: DEFAULT_BASELINE_RUNS };
  const [prefix, ...rest] = text.split(':');
  const value = rest.join(':');
  if (rest.length > 0 && prefix === 'last') {
    if (!/^\d+$/.test(value) || Number(value) < 1) {
      throw new ReportInputError(`--baseline "${text}": last:K needs a whole number of runs K ≥ 1, like last:10`);
    }
    return { kind: 'last', count: Number(value) };
  }
  if (rest.length > 0 && (prefix === 'run' || prefix === 'git')) {
    if (!value) throw new ReportInputError(`--baseline "${text}": nothing after "${prefix}:"`);
    return prefix === 'run' ? { kind: 'run', name: value } : { kind: 'git', ref: value };
  }
  if (!text.trim()) throw new ReportInputError('--baseline "": expected last:K, run:ID, git:REF or a run label');
  return { kind: 'auto', name: text };
}

/** The run to judge: the named one (id or label, newest if several), else the newest. */
export function selectLatest(runs: readonly RunRecord[], name?: string): RunRecord {
  if (name === undefined) return runs[runs.length - 1];
  const named = runs.filter((run) => run.context.runId === name || run.context.label === name);
  if (named.length === 0) throw new ReportInputError(`--run "${name}": no run with that id or label in the history`);
  return named[named.length - 1];
}

export interface SelectedBaseline {
  runs: RunRecord[];
  description: string;
}

/**
 * Picks baseline runs from `runs` (oldest first): only runs in the latest run's group and
 * started before it. Throws ReportInputError when a named baseline does not exist or lies in
 * another group, since comparing across modes silently would mislead.
 */
export async function selectBaseline(
  spec: BaselineSpec,
  runs: readonly RunRecord[],
  latest: RunRecord,
  cwd?: string,
): Promise<SelectedBaseline> {
  const group = groupKeyOf(latest.context);
  const latestTime = Date.parse(latest.context.startedAtIso);
  const earlier = runs.filter((run) => run !== latest && Date.parse(run.context.startedAtIso) <= latestTime);
  const sameGroup = (candidates: RunRecord[]) => candidates.filter((run) => groupKeyOf(run.context) === group);

  if (spec.kind === 'last') {
    const chosen = sameGroup(earlier).slice(-spec.count);
    return { runs: chosen, description: `the last ${chosen.length} run(s) before the latest in its group${chosen.length < spec.count ? ` (asked for ${spec.count})` : ''}` };
  }
  const byName = (name: string) => earlier.filter((run) => run.context.runId === name || run.context.label === name);
  if (spec.kind === 'run' || spec.kind === 'auto') {
    const named = byName(spec.name);
    if (named.length > 0) return inGroup(named, sameGroup(named), `run ${spec.name}`, latest);
    if (spec.kind === 'run') throw new ReportInputError(`--baseline "run:${spec.name}": no earlier run with that id or label in the history`);
  }
  const ref = spec.kind === 'git' ? spec.ref : spec.name;
  const commit = await resolveGitRef(ref, cwd);
  // A CI clone may lack the commit a run was recorded at; accept a hash prefix found in the history.
  const atCommit = commit
    ? earlier.filter((run) => run.context.gitCommit === commit)
    : /^[0-9a-f]{7,64}$/i.test(ref)
      ? earlier.filter((run) => run.context.gitCommit?.startsWith(ref.toLowerCase()))
      : undefined;
  if (atCommit === undefined) {
    const flag = spec.kind === 'git' ? `git:${ref}` : ref;
    throw new ReportInputError(`--baseline "${flag}": not a run id or label in the history, and git does not know it as a ref`);
  }
  if (atCommit.length === 0) {
    throw new ReportInputError(`--baseline "${ref}": no earlier run in the history was recorded at commit ${(commit ?? ref).slice(0, 12)}`);
  }
  return inGroup(atCommit, sameGroup(atCommit), `runs at git ${ref} (${(commit ?? ref).slice(0, 12)})`, latest);
}

function inGroup(found: RunRecord[], matching: RunRecord[], what: string, latest: RunRecord): SelectedBaseline {
  if (matching.length === 0) {
    const theirs = describeGroupKey(found[found.length - 1].context);
    throw new ReportInputError(
      `--baseline: ${what} was measured with ${theirs}, but the latest run with ${describeGroupKey(latest.context)}; ` +
        'runs in different modes are not compared. Pick a baseline measured the same way, or pass --run to judge a run from that group',
    );
  }
  const skipped = found.length - matching.length;
  return { runs: matching, description: `${what}: ${matching.length} run(s)${skipped ? `, ${skipped} from other groups left out` : ''}` };
}
