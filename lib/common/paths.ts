import { isAbsolute, relative, resolve } from 'node:path';
import { HybridLabError } from './errors.ts';
import { assertLabName } from './lab-name.ts';

/** A path the tool was about to write or delete lies outside the root it belongs to. */
export class PathEscapeError extends HybridLabError {}

/** Built artefacts (images' rootfs pieces, kernels, initramfs) shared by every lab; safe to delete. */
export function cacheDir(): string {
  return process.env.HYBRID_LAB_CACHE ?? '/var/cache/hybrid-lab';
}

/** Per-lab state: the state file, DNS records, VM sockets and logs. Always absolute. */
export function stateRoot(): string {
  return resolve(process.env.HYBRID_LAB_STATE ?? '/var/lib/hybrid-lab');
}

/**
 * Resolves `parts` under `root` and proves the result stays strictly inside it, so no name that
 * slipped through validation can make the tool write or delete elsewhere.
 */
export function insideRoot(root: string, ...parts: string[]): string {
  const base = resolve(root);
  const target = resolve(base, ...parts);
  const rel = relative(base, target);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
    throw new PathEscapeError(`refusing to use ${target}: it is not inside ${base}. Fix: check the lab name and HYBRID_LAB_STATE`);
  }
  return target;
}

/** The lab's own directory under the state root; the name is checked to be a DNS label first. */
export function labStateDir(labName: string): string {
  return insideRoot(stateRoot(), assertLabName(labName, 'lab name'));
}

/** A file inside the lab's directory (never outside it). */
export function labStatePath(labName: string, ...parts: string[]): string {
  return insideRoot(labStateDir(labName), ...parts);
}

/** Where suites and commands write generated output (results, JUnit, measurements, debug reports). */
export function reportsDir(): string {
  return process.env.HYBRID_LAB_REPORTS ?? 'reports';
}
