import { join } from 'node:path';

/** Built artefacts (images' rootfs pieces, kernels, initramfs) shared by every lab; safe to delete. */
export function cacheDir(): string {
  return process.env.HYBRID_LAB_CACHE ?? '/var/cache/hybrid-lab';
}

/** Per-lab state: the state file, DNS records, VM sockets and logs. */
export function stateRoot(): string {
  return process.env.HYBRID_LAB_STATE ?? '/var/lib/hybrid-lab';
}

export function labStateDir(labName: string): string {
  return join(stateRoot(), labName);
}

/** Where suites and commands write generated output (results, JUnit, measurements, debug reports). */
export function reportsDir(): string {
  return process.env.HYBRID_LAB_REPORTS ?? 'reports';
}
