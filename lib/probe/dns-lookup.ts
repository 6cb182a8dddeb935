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

/**
 * Resolves through the node's own resolver with getent (glibc's, or the image's libc): for images
 * without busybox. getent exits 2 when the name does not exist.
 */
export async function lookupWithGetent(from: LabNode, query: string): Promise<LookupResult> {
  const result = await from.exec(['getent', 'hosts', query], { timeoutMs: 10_000 });
  const output = `${result.stdout}\n${result.stderr}`;
  if (result.exitCode === 2) return { rcode: 'NXDOMAIN', answers: [], output };
  if (result.exitCode !== 0) return { rcode: 'FAILED', answers: [], output };
  // "10.0.1.50   test-container.hybrid.local test-container": the address for a name, the names for an address.
  const fields = result.stdout.trim().split(/\s+/);
  const isAddress = /^\d+\.\d+\.\d+\.\d+$/.test(query);
  return { rcode: 'NOERROR', answers: isAddress ? fields.slice(1) : [fields[0]], output };
}
