import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname, release } from 'node:os';
import { run } from '../../common/run.ts';
import type { AccelMode, RunContext } from '../measurement.ts';

export interface RunContextInput {
  topologyName: string;
  topologyHash: string;
  accelMode: AccelMode;
  /** A name for this run that reports accept as a baseline (`--baseline release-0.3`). */
  label?: string;
  /** Directory whose git commit is recorded; defaults to the working directory. */
  cwd?: string;
  /** For tests and replays; defaults to now. */
  startedAt?: Date;
}

/** Gathers where and on what a run is measured: git commit, time, kernel, tool version, host. */
export async function collectRunContext(input: RunContextInput): Promise<RunContext> {
  const startedAt = input.startedAt ?? new Date();
  const gitCommit = await currentGitCommit(input.cwd);
  return {
    runId: newRunId(startedAt),
    startedAtIso: startedAt.toISOString(),
    ...(gitCommit ? { gitCommit } : {}),
    topologyName: input.topologyName,
    topologyHash: input.topologyHash,
    accelMode: input.accelMode,
    hostKernel: release(), // the same string `uname -r` prints
    toolVersion: toolVersion(),
    hostname: hostname(),
    ...(input.label ? { label: input.label } : {}),
  };
}

/** Sortable and unique even for runs started in the same second: 20261122T063000Z-1a2b3c. */
export function newRunId(startedAt: Date): string {
  const stamp = startedAt.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

/** HEAD's commit when `cwd` is inside a git work tree; undefined otherwise (e.g. an npm tarball). */
export async function currentGitCommit(cwd?: string): Promise<string | undefined> {
  return resolveGitRef('HEAD', cwd);
}

/** The full commit a ref names (`main`, `HEAD~3`, a short hash), or undefined if git does not know it. */
export async function resolveGitRef(ref: string, cwd?: string): Promise<string | undefined> {
  try {
    // `--end-of-options` keeps a ref such as `--all` from being read as a flag.
    const result = await run('git', ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`], {
      cwd,
      allowFailure: true,
    });
    const commit = result.stdout.trim();
    return result.exitCode === 0 && /^[0-9a-f]{40,64}$/.test(commit) ? commit : undefined;
  } catch {
    return undefined; // git not installed
  }
}

let cachedToolVersion: string | undefined;

/** hybrid-lab's version from its package.json. */
export function toolVersion(): string {
  cachedToolVersion ??= (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  return cachedToolVersion;
}
