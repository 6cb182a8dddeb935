import type { LabNode } from '../nodes/node.ts';

export interface EchoResult {
  ok: boolean;
  /** What came back (or the error). */
  detail: string;
}

/** Sends a message to the TCP or UDP echo service of a target and checks it comes back intact. */
export async function echo(from: LabNode, protocol: 'tcp' | 'udp', targetIp: string, port = 7): Promise<EchoResult> {
  const message = `hybrid-lab-${protocol}-${from.name}-${Date.now()}`;
  const result = await from.exec(['hl-echo', protocol, targetIp, String(port), message, '2000'], { timeoutMs: 10_000 });
  const ok = result.exitCode === 0 && result.stdout.includes(message);
  return { ok, detail: ok ? 'echoed intact' : `exit ${result.exitCode}: ${(result.stderr || result.stdout).trim() || 'no reply'}` };
}
