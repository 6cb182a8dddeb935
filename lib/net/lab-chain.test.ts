import { describe, expect, it } from 'vitest';
import type { ResolvedNetwork } from '../topology/topology.ts';
import { formatRule } from './iptables-audit.ts';
import { labChainJumps, labChainName, labChainRules } from './lab-chain.ts';

const net = (name: string, bridge: string, mode: ResolvedNetwork['mode']): ResolvedNetwork => ({ name, bridge, mode, subnet: '10.0.0.0/24', prefix: 24, gateway: '10.0.0.1', dns: '10.0.0.2' });

describe('the lab chain', () => {
  it('is named after the lab within the 28 characters iptables allows', () => {
    expect(labChainName('nw14')).toBe('HL-nw14');
    const long = labChainName('a-very-long-lab-name-that-goes-on');
    expect(long.length).toBeLessThanOrEqual(28);
    expect(long).toMatch(/^HL-a-very-long-lab--[0-9a-f]{8}$/);
  });

  it('orders replies, policies, within-segment, between-segment and mode rules, the same for both families', () => {
    const policy = { chain: 'x', spec: ['-s', '10.0.0.5', '-m', 'comment', '--comment', 'hybrid-lab:t', '-j', 'DROP'], purpose: 'policy p1' };
    const rules = labChainRules('t', [net('a', 'bra', 'routed'), net('b', 'brb', 'routed'), net('c', 'brc', 'isolated'), net('d', 'brd', 'nat')], [policy]);
    const v4 = rules.filter((rule) => rule.family === 'ipv4').map(formatRule);
    expect(v4.slice(0, 4)).toEqual(['a', 'b', 'c', 'd'].map((x) => `-A HL-t -o br${x} -m conntrack --ctstate RELATED,ESTABLISHED -m comment --comment "hybrid-lab:t" -j ACCEPT`));
    expect(v4[4]).toBe('-A HL-t -s 10.0.0.5 -m comment --comment "hybrid-lab:t" -j DROP');
    expect(v4).toContain('-A HL-t -i bra -o brb -m comment --comment "hybrid-lab:t" -j ACCEPT');
    expect(v4).toContain('-A HL-t -i bra -o brc -m comment --comment "hybrid-lab:t" -j DROP');
    expect(v4).toContain('-A HL-t -i brd -o bra -m comment --comment "hybrid-lab:t" -j DROP');
    const mode = (dir: string, bridge: string, target: string) => `-A HL-t ${dir} ${bridge} -m comment --comment "hybrid-lab:t" -j ${target}`;
    expect(v4.slice(-5)).toEqual([
      mode('-o', 'bra', 'ACCEPT'), mode('-o', 'brb', 'ACCEPT'), // routed: in from outside (out falls through to FORWARD)
      mode('-i', 'brc', 'DROP'), mode('-o', 'brc', 'DROP'), // isolated
      mode('-o', 'brd', 'DROP'), // nat: nothing new in
    ]);
    expect(rules.filter((rule) => rule.family === 'ipv6').length).toBe(v4.length - 1); // the policy was IPv4 only
    expect(new Set(rules.map((rule) => rule.purpose)).size).toBe(rules.length);
  });

  it('keeps the host\'s other bridges out of (and unreached from) a routed segment', () => {
    const rules = labChainRules('t', [net('a', 'bra', 'routed')], [], ['docker0', 'hybr0']).filter((rule) => rule.family === 'ipv4').map(formatRule);
    expect(rules.slice(-5)).toEqual([
      '-A HL-t -i bra -o docker0 -m comment --comment "hybrid-lab:t" -j DROP',
      '-A HL-t -i docker0 -o bra -m comment --comment "hybrid-lab:t" -j DROP',
      '-A HL-t -i bra -o hybr0 -m comment --comment "hybrid-lab:t" -j DROP',
      '-A HL-t -i hybr0 -o bra -m comment --comment "hybrid-lab:t" -j DROP',
      '-A HL-t -o bra -m comment --comment "hybrid-lab:t" -j ACCEPT',
    ]);
  });

  it('is jumped to from the top of DOCKER-USER and FORWARD in both families', () => {
    expect(labChainJumps('t').map((rule) => [rule.family, rule.chain, rule.top, rule.spec.at(-1)])).toEqual([
      ['ipv4', 'DOCKER-USER', true, 'HL-t'], ['ipv4', 'FORWARD', true, 'HL-t'], ['ipv6', 'DOCKER-USER', true, 'HL-t'], ['ipv6', 'FORWARD', true, 'HL-t'],
    ]);
  });
});
