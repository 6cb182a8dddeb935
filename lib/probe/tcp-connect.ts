import type { LabNode } from '../nodes/node.ts';

export interface ConnectResult {
  ok: boolean;
  detail: string;
}

/**
 * Opens a TCP connection from a node to target:port and closes it (busybox nc runs `true` once
 * connected): works against any service, whatever protocol it speaks.
 */
export async function tcpConnect(from: LabNode, target: string, port: number, { timeoutSec = 3 } = {}): Promise<ConnectResult> {
  const result = await from.exec(['busybox', 'nc', '-w', String(timeoutSec), target, String(port), '-e', 'true'], { timeoutMs: 10_000 + timeoutSec * 1000 });
  const ok = result.exitCode === 0;
  return { ok, detail: ok ? 'connected' : `exit ${result.exitCode}: ${(result.stderr || result.stdout).trim() || 'no connection'}` };
}
