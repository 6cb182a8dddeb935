import type { Budgets, NodeSpec, ParsedTopology } from './schema.ts';

/** A node after validation and address allocation: every field known. */
export type ResolvedNode = NodeSpec & { ip: string };

/** The single source of truth for a lab: what `up` builds and `down`/suites rely on. */
export interface Topology {
  name: string;
  /** File the topology came from (or "embedded default"). */
  source: string;
  /** Content hash of the resolved topology; measurements record it. */
  hash: string;
  /** Container runtime of the lab (docker, podman). Older state files lack it: docker. */
  runtime?: string;
  bridge: { name: string; subnet: string; prefix: number; gateway: string };
  dns: { address: string; domain: string; upstreams: string[] };
  host: ParsedTopology['host'];
  nodes: ResolvedNode[];
  budgets: Budgets;
  /** Valid but noteworthy choices (e.g. DNS upstreams off the machine); not part of the hash. */
  warnings?: string[];
}

/** Fixed names the lab itself puts in DNS; nodes may not take them. */
export const RESERVED_NODE_NAMES = ['gateway', 'host', 'dns'] as const;
