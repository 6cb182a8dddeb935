import type { LabNode } from '../nodes/node.ts';
import { familyOf } from '../topology/families.ts';
import { isIpv4 } from '../topology/ipv4.ts';

export interface LookupResult {
  /** NOERROR, NXDOMAIN, or FAILED when no answer came. */
  rcode: 'NOERROR' | 'NXDOMAIN' | 'FAILED';
  /** A/AAAA addresses or PTR names found. */
  answers: string[];
  output: string;
}

/** Which records a forward lookup asks for; unset, busybox asks for both A and AAAA. */
export type LookupType = 'A' | 'AAAA';

const ADDRESS = /^Address(?: \d+)?:\s+([0-9a-fA-F.:]+)$/gm;

/** Parses busybox nslookup output (forward A/AAAA and reverse, in-addr or ip6.arpa), skipping the server lines. */
export function parseNslookup(output: string): LookupResult {
  if (/NXDOMAIN/.test(output)) return { rcode: 'NXDOMAIN', answers: [], output };
  const body = output.split(/\n\s*\n/).slice(1).join('\n');
  const addresses = [...body.matchAll(ADDRESS)].map((m) => m[1]).filter((a) => isIpv4(a) || familyOf(a) === 'ipv6');
  const names = [...output.matchAll(/name = (\S+?)\.?$/gm)].map((m) => m[1]);
  const answers = [...addresses, ...names];
  return { rcode: answers.length > 0 ? 'NOERROR' : 'FAILED', answers, output };
}

/**
 * Resolves a name (or an IPv4/IPv6 address, for PTR) from inside a node, via `server` or the
 * node's resolver; `type` limits a forward lookup to A or AAAA records.
 */
export async function lookup(from: LabNode, query: string, server?: string, type?: LookupType): Promise<LookupResult> {
  const result = await from.exec(['busybox', 'nslookup', ...(type ? [`-type=${type}`] : []), query, ...(server ? [server] : [])], { timeoutMs: 10_000 });
  return parseNslookup(`${result.stdout}\n${result.stderr}`);
}

/**
 * Resolves through the node's own resolver with getent (glibc's, or the image's libc): for images
 * without busybox. getent exits 2 when the name does not exist. A name is looked up with
 * `ahosts` (every address, both families; `hosts` gives only one, IPv6 first), falling back to
 * `hosts` where the libc has no ahosts.
 */
export async function lookupWithGetent(from: LabNode, query: string): Promise<LookupResult> {
  const isAddress = isIpv4(query) || familyOf(query) === 'ipv6';
  let result = await from.exec(['getent', isAddress ? 'hosts' : 'ahosts', query], { timeoutMs: 10_000 });
  const fallback = !isAddress && result.exitCode !== 0 && result.exitCode !== 2;
  if (fallback) result = await from.exec(['getent', 'hosts', query], { timeoutMs: 10_000 });
  const output = `${result.stdout}\n${result.stderr}`;
  if (result.exitCode === 2) return { rcode: 'NXDOMAIN', answers: [], output };
  if (result.exitCode !== 0) return { rcode: 'FAILED', answers: [], output };
  // hosts: "10.0.1.50   test-container.hybrid.local test-container"; ahosts: "10.0.1.50  STREAM test-container.hybrid.local", one line per socket type.
  const lines = result.stdout.trim().split('\n').map((line) => line.trim().split(/\s+/));
  if (isAddress) return { rcode: 'NOERROR', answers: lines[0].slice(1), output };
  return { rcode: 'NOERROR', answers: [...new Set(lines.map((fields) => fields[0]))], output };
}
