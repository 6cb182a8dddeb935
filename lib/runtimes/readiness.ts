import { ProvisionError } from '../common/errors.ts';
import { sleep } from '../common/time.ts';
import type { ExecResult } from '../nodes/node.ts';
import { httpStatus, tcpOpen } from './host-probe.ts';

/**
 * When a node counts as ready: one small type shared by containers and VMs. Each check has a
 * timeout, and a failure carries the evidence (the node's last log or console lines).
 */
export type Readiness =
  | { kind: 'log'; pattern: RegExp; timeoutMs?: number }
  | { kind: 'tcp'; port: number; timeoutMs?: number }
  | { kind: 'http'; port: number; path?: string; status?: number; timeoutMs?: number }
  | { kind: 'command'; argv: string[]; timeoutMs?: number };

export const DEFAULT_READINESS_TIMEOUT_MS = 30_000;

/** What a readiness check can ask of the node it waits for. */
export interface ReadinessTarget {
  name: string;
  ip: string;
  /** Log or console lines as they come (from the start). */
  lines(signal: AbortSignal): AsyncIterable<string>;
  exec(argv: readonly string[], timeoutMs: number): Promise<ExecResult>;
  /** Last lines of the node's log, for the error. */
  tail(): Promise<string>;
}

export function describeReadiness(readiness: Readiness): string {
  switch (readiness.kind) {
    case 'log':
      return `log line ${readiness.pattern}`;
    case 'tcp':
      return `TCP port ${readiness.port} open`;
    case 'http':
      return `HTTP ${readiness.status ?? 200} on :${readiness.port}${readiness.path ?? '/'}`;
    case 'command':
      return `command \`${readiness.argv.join(' ')}\` exits 0`;
  }
}

/** Waits until the node is ready; throws ProvisionError naming the node, the check and its last lines. */
export async function waitReady(target: ReadinessTarget, readiness: Readiness): Promise<void> {
  const timeoutMs = readiness.timeoutMs ?? DEFAULT_READINESS_TIMEOUT_MS;
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  try {
    const ok = readiness.kind === 'log' ? await waitForLine(target, readiness.pattern, abort.signal) : await poll(target, readiness, abort.signal);
    if (ok) return;
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
  const tail = await target.tail().catch(() => '');
  throw new ProvisionError(`${target.name} did not become ready within ${timeoutMs} ms (waiting for ${describeReadiness(readiness)}). Last lines:\n${tail.trim() || '(no output)'}`);
}

async function waitForLine(target: ReadinessTarget, pattern: RegExp, signal: AbortSignal): Promise<boolean> {
  try {
    for await (const line of target.lines(signal)) if (pattern.test(line)) return true;
  } catch {
    // the stream ended with an error (container exited): not ready
  }
  return false;
}

function probeArgv(readiness: Exclude<Readiness, { kind: 'log' }>): string[] {
  switch (readiness.kind) {
    case 'tcp':
      return ['nc', '-z', '-w', '1', '127.0.0.1', String(readiness.port)];
    case 'http':
      return ['sh', '-c', `wget -q -S -O /dev/null http://127.0.0.1:${readiness.port}${readiness.path ?? '/'} 2>&1 | grep -q " ${readiness.status ?? 200} "`];
    case 'command':
      return readiness.argv;
  }
}

/**
 * A port or HTTP check goes from the host to the node's lab address when it has one: it needs no
 * tool inside the image (a minimal Debian has neither nc nor wget) and proves the service listens
 * on the lab network, not only on loopback. Without an address it runs inside the node.
 */
async function pollOnce(target: ReadinessTarget, readiness: Exclude<Readiness, { kind: 'log' }>): Promise<boolean> {
  if (readiness.kind === 'tcp' && target.ip) return tcpOpen(target.ip, readiness.port, 1_000);
  if (readiness.kind === 'http' && target.ip) return (await httpStatus(target.ip, readiness.port, readiness.path ?? '/', 2_000)) === (readiness.status ?? 200);
  const result = await target.exec(probeArgv(readiness), 5_000).catch(() => undefined);
  return result?.exitCode === 0;
}

async function poll(target: ReadinessTarget, readiness: Exclude<Readiness, { kind: 'log' }>, signal: AbortSignal): Promise<boolean> {
  while (!signal.aborted) {
    if (await pollOnce(target, readiness)) return true;
    await sleep(200);
  }
  return false;
}
