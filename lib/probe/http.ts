import type { LabNode } from '../nodes/node.ts';

export interface HttpResult {
  ok: boolean;
  body: string;
  detail: string;
}

/** GETs http://target/ from a node with busybox wget (present on host, containers and VMs). */
export async function httpGet(from: LabNode, target: string, expectBody?: string): Promise<HttpResult> {
  // busybox wget -T crashes (Debian 1.35 static), so the time limit comes from `timeout`.
  const result = await from.exec(['busybox', 'timeout', '5', 'busybox', 'wget', '-q', '-O', '-', `http://${target}/`], { timeoutMs: 10_000 });
  const ok = result.exitCode === 0 && (expectBody === undefined || result.stdout.includes(expectBody));
  return { ok, body: result.stdout, detail: ok ? 'ok' : `exit ${result.exitCode}: ${result.stdout.slice(0, 200)}${result.stderr.trim()}` };
}
