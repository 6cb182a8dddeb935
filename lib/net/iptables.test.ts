import { describe, expect, it } from 'vitest';
import { auditRules, formatRule } from './iptables-audit.ts';
import { isolationRules, labRules, splitRuleLine } from './iptables.ts';

describe('iptables rules', () => {
  const rules = labRules('hybrid', 'hybr0');

  it('promises return traffic, bridge->bridge, bridge->outside and a DOCKER-USER accept, all tagged', () => {
    expect(rules.map(formatRule)).toEqual([
      '-A FORWARD -o hybr0 -m conntrack --ctstate RELATED,ESTABLISHED -m comment --comment "hybrid-lab:hybrid" -j ACCEPT',
      '-A FORWARD -i hybr0 -o hybr0 -m comment --comment "hybrid-lab:hybrid" -j ACCEPT',
      '-A FORWARD -i hybr0 ! -o hybr0 -m comment --comment "hybrid-lab:hybrid" -j ACCEPT',
      '-A DOCKER-USER -i hybr0 -o hybr0 -m comment --comment "hybrid-lab:hybrid" -j ACCEPT',
    ]);
  });

  it('mirrors the rules in ip6tables, jumping to DOCKER-USER first (Docker does not for IPv6 by default), each purpose tagged [ipv6]', () => {
    const v6 = labRules('hybrid', 'hybr0', 'ipv6');
    expect(v6.every((rule) => rule.family === 'ipv6' && rule.purpose.startsWith('[ipv6] '))).toBe(true);
    expect(v6.map(formatRule)).toEqual([
      '[ip6tables] -A FORWARD -m comment --comment "hybrid-lab:hybrid" -j DOCKER-USER',
      ...rules.map((rule) => `[ip6tables] ${formatRule(rule)}`),
    ]);
    expect(new Set([...rules, ...v6].map((rule) => rule.purpose)).size, 'purposes are state ids: unique across families').toBe(rules.length + v6.length);
    const drops = isolationRules('hybrid', 'hybr0', 'virbr9', 'VM management network', 'ipv6');
    expect(drops.map((rule) => [rule.family, rule.chain, rule.purpose])).toEqual([
      ['ipv6', 'DOCKER-USER', '[ipv6] isolate hybr0 -> virbr9 (VM management network)'],
      ['ipv6', 'DOCKER-USER', '[ipv6] isolate virbr9 -> hybr0 (VM management network)'],
    ]);
    expect(rules.every((rule) => rule.family === undefined), 'IPv4 rules read as before (state files of older labs)').toBe(true);
  });

  it('splits iptables-save lines keeping quoted comments whole', () => {
    expect(splitRuleLine('FORWARD -i hybr0 -m comment --comment "a b" -j ACCEPT')).toEqual(['FORWARD', '-i', 'hybr0', '-m', 'comment', '--comment', 'a b', '-j', 'ACCEPT']);
  });

  it('finds promised rules in iptables-save output with their counters, and misses a removed one', () => {
    const save = [
      '*filter',
      ':FORWARD DROP [0:0]',
      ':DOCKER-USER - [0:0]',
      '[7:420] -A DOCKER-USER -i hybr0 -o hybr0 -m comment --comment "hybrid-lab:hybrid" -j ACCEPT',
      '[0:0] -A FORWARD -i hybr0 -o hybr0 -m comment --comment "hybrid-lab:hybrid" -j ACCEPT',
      // same rule for another lab: must not count
      '[0:0] -A FORWARD -o hybr0 -m conntrack --ctstate RELATED,ESTABLISHED -m comment --comment "hybrid-lab:other" -j ACCEPT',
      'COMMIT',
    ].join('\n');
    const audit = auditRules(save, rules);
    expect(audit.map((a) => [a.rule.chain, a.present, a.packets])).toEqual([
      ['FORWARD', false, 0],
      ['FORWARD', true, 0],
      ['FORWARD', false, 0],
      ['DOCKER-USER', true, 7],
    ]);
  });
});
