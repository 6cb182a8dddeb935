import { describe, expect, it } from 'vitest';
import { parseTopology } from '../topology/load.ts';
import { expectedTcpGoodput, pathImpairment, widenedLossCeiling } from './impaired-path.ts';

const topology = parseTopology(`
name: im2
bridge: { name: tbr0, subnet: 10.9.0.0/24 }
nodes:
  - { name: a, kind: container, impair: { rateBitsPerSec: 20000000, delayMs: 5, lossPercent: 10 } }
  - { name: b, kind: container, impair: { rateBitsPerSec: 5000000, delayMs: 10, jitterMs: 3 } }
  - { name: c, kind: container }
`, 'test.yaml');

describe('what impairments promise on a path', () => {
  it('a path with no impaired end has no promise (the default budgets hold)', () => {
    expect(pathImpairment(topology, 'host', 'c')).toBeUndefined();
  });

  it('host -> a crosses only a\'s link: its delay twice per round trip, its loss both ways', () => {
    const path = pathImpairment(topology, 'host', 'a')!;
    expect(path.rateBitsPerSec).toBe(20e6);
    expect(path.addedRttMs).toBe(10);
    expect(path.rttJitterMs).toBe(0);
    expect(path.oneWayLossPercent).toBeCloseTo(10);
    expect(path.roundTripLossPercent).toBeCloseTo(19);
    expect(path.impairedNodes).toEqual(['a']);
  });

  it('a -> b crosses both links: the slower cap, the delays added', () => {
    const path = pathImpairment(topology, 'a', 'b')!;
    expect(path.rateBitsPerSec).toBe(5e6);
    expect(path.addedRttMs).toBe(30);
    expect(path.rttJitterMs).toBe(6);
    expect(path.impairedNodes).toEqual(['a', 'b']);
  });

  it('TCP goodput through a cap is its payload share of full frames; loss ceilings widen only when loss is added', () => {
    expect(expectedTcpGoodput(20e6)).toBeCloseTo(19.128e6, -3);
    expect(widenedLossCeiling(1, 0)).toBe(1);
    expect(widenedLossCeiling(1, 10)).toBe(31);
  });
});
