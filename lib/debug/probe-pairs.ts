import type { LabNode } from '../nodes/node.ts';
import { lookup } from '../probe/dns-lookup.ts';
import { ping } from '../probe/ping.ts';

export interface PairProbeOutcome {
  from: string;
  to: string;
  pingReplied: boolean;
  /** NOERROR, NXDOMAIN or FAILED. */
  lookupRcode: string;
}

export interface ProbePairsOptions {
  /** Lab DNS domain: node `web` is looked up as web.<domain>. */
  domain: string;
  /** Ask this server directly (the lab DNS address); default: each node's resolver. */
  dnsServer?: string;
}

/**
 * `debug --probe`: one ping and one DNS lookup from every node to every other node, so the
 * capture holds evidence for each pair. Sources run in parallel, each source's probes in turn.
 */
export async function probeAllPairs(nodes: readonly LabNode[], options: ProbePairsOptions): Promise<PairProbeOutcome[]> {
  const perSource = await Promise.all(
    nodes.map(async (from) => {
      const outcomes: PairProbeOutcome[] = [];
      for (const to of nodes) {
        if (to === from) continue;
        const pinged = await ping(from, to.ip, { count: 1, waitSec: 1 });
        const looked = await lookup(from, `${to.name}.${options.domain}`, options.dnsServer);
        outcomes.push({ from: from.name, to: to.name, pingReplied: pinged.received > 0, lookupRcode: looked.rcode });
      }
      return outcomes;
    }),
  );
  return perSource.flat();
}
