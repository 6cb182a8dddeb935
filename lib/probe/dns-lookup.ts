import type { LabNode } from '../nodes/node.ts';

export interface LookupResult {
  /** NOERROR, NXDOMAIN, or FAILED when no answer came. */
  rcode: 'NOERROR' | 'NXDOMAIN' | 'FAILED';
  /** A addresses or PTR names found. */
  answers: string[];
  output: string;
}

/** Parses busybox nslookup output (forward and reverse), skipping the server lines. */
export function parseNslookup(output: string): LookupResult {
  if (/NXDOMAIN/.test(output)) return { rcode: 'NXDOMAIN', answers: [], output };
  const body = output.split(/\n\s*\n/).slice(1).join('\n');
  const addresses = [...body.matchAll(/^Address(?: \d+)?:\s+([\d.]+)$/gm)].map((m) => m[1]);
  const names = [...output.matchAll(/name = (\S+?)\.?$/gm)].map((m) => m[1]);
  const answers = [...addresses, ...names];
  return { rcode: answers.length > 0 ? 'NOERROR' : 'FAILED', answers, output };
}

/** Resolves a name (or an address, for PTR) from inside a node, via `server` or the node's resolver. */
export async function lookup(from: LabNode, query: string, server?: string): Promise<LookupResult> {
  const result = await from.exec(['busybox', 'nslookup', query, ...(server ? [server] : [])], { timeoutMs: 10_000 });
  return parseNslookup(`${result.stdout}\n${result.stderr}`);
}
