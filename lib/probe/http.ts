import type { LabNode } from '../nodes/node.ts';
import { urlHost } from '../topology/families.ts';

export interface HttpResult {
  ok: boolean;
  body: string;
  detail: string;
}

/** GETs http://target/ (a name, or an IPv4 or IPv6 address) from a node with busybox wget (present on host, containers and VMs). */
export async function httpGet(from: LabNode, target: string, expectBody?: string): Promise<HttpResult> {
  // busybox wget -T crashes (Debian 1.35 static), so the time limit comes from `timeout`.
  const result = await from.exec(['busybox', 'timeout', '5', 'busybox', 'wget', '-q', '-O', '-', `http://${urlHost(target)}/`], { timeoutMs: 10_000 });
  const ok = result.exitCode === 0 && (expectBody === undefined || result.stdout.includes(expectBody));
  return { ok, body: result.stdout, detail: ok ? 'ok' : `exit ${result.exitCode}: ${result.stdout.slice(0, 200)}${result.stderr.trim()}` };
}

/** GETs a URL from a node and reports the HTTP status line busybox wget saw (-S), ok on 2xx/3xx. */
export async function httpStatusFrom(from: LabNode, url: string): Promise<HttpResult & { status?: number }> {
  const result = await from.exec(['busybox', 'timeout', '5', 'busybox', 'wget', '-S', '-q', '-O', '/dev/null', url], { timeoutMs: 10_000 });
  const status = /HTTP\/\d(?:\.\d)?\s+(\d{3})/.exec(result.stderr)?.[1];
  const ok = result.exitCode === 0 && status !== undefined && Number(status) < 400;
  return { ok, status: status ? Number(status) : undefined, body: '', detail: ok ? `HTTP ${status}` : `exit ${result.exitCode}: ${result.stderr.trim().split('\n').slice(-3).join(' | ') || 'no answer'}` };
}
