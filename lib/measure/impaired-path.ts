import type { Impairment } from '../topology/impairment.ts';
import { impairmentRequests } from '../topology/impairment-links.ts';
import type { Topology } from '../topology/topology.ts';

/**
 * What the impairments on a path between two lab endpoints should do to a measurement. A path
 * between two nodes crosses both nodes' links (the bridge between them is not impaired); the
 * host sits on the bridge itself. Each impairment applies in both directions (see
 * lib/topology/impairment.ts), so a round trip crosses every impaired link twice.
 */
export interface PathImpairment {
  /** The slowest rate cap on the path, bits/s (undefined: none). */
  rateBitsPerSec?: number;
  /** Round-trip time the delays add, ms. */
  addedRttMs: number;
  /** How far jitter can move a round trip either way (netem's default jitter is uniform ±jitterMs per crossing), ms. */
  rttJitterMs: number;
  /** Round-trip loss the impairments add (an echo and its reply both have to get through), percent. */
  roundTripLossPercent: number;
  /** One-way loss (a UDP stream), percent. */
  oneWayLossPercent: number;
  /** The nodes whose impairments are on the path, for messages. */
  impairedNodes: string[];
}

/** TCP payload per full-size frame as tbf counts it: 1448 of 1514 bytes (MTU 1500, TCP timestamps, Ethernet header). */
export const TCP_GOODPUT_SHARE = 1448 / 1514;

/** The combined impairment between two endpoints (node names; `host` and `dns` have none), or undefined when the path is not impaired. */
export function pathImpairment(topology: Pick<Topology, 'nodes'>, from: string, to: string): PathImpairment | undefined {
  const byNode = new Map(impairmentRequests(topology).map((request) => [request.nodeName, request.impairment]));
  const impairments = [from, to].flatMap((name) => (byNode.has(name) ? [[name, byNode.get(name)!] as [string, Impairment]] : []));
  if (impairments.length === 0) return undefined;
  const rates = impairments.flatMap(([, impairment]) => (impairment.rateBitsPerSec === undefined ? [] : [impairment.rateBitsPerSec]));
  const oneWayDelayMs = impairments.reduce((sum, [, impairment]) => sum + (impairment.delayMs ?? 0), 0);
  const oneWayDelivery = impairments.reduce((share, [, impairment]) => share * (1 - (impairment.lossPercent ?? 0) / 100), 1);
  return {
    rateBitsPerSec: rates.length > 0 ? Math.min(...rates) : undefined,
    addedRttMs: 2 * oneWayDelayMs,
    rttJitterMs: 2 * impairments.reduce((sum, [, impairment]) => sum + (impairment.jitterMs ?? 0), 0),
    roundTripLossPercent: 100 * (1 - oneWayDelivery * oneWayDelivery),
    oneWayLossPercent: 100 * (1 - oneWayDelivery),
    impairedNodes: impairments.map(([name]) => name),
  };
}

/** The TCP goodput iperf3 should see through a rate cap. */
export function expectedTcpGoodput(rateBitsPerSec: number): number {
  return rateBitsPerSec * TCP_GOODPUT_SHARE;
}

/** A loss ceiling widened by the loss an impairment adds: few probes per round spread widely around it. */
export function widenedLossCeiling(budgetPercent: number, addedPercent: number): number {
  return addedPercent > 0 ? Math.min(100, budgetPercent + 2 * addedPercent + 10) : budgetPercent;
}
