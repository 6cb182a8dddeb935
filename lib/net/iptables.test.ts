import { describe, expect, it } from 'vitest';
import { auditRules, formatRule } from './iptables-audit.ts';
import { labRules, splitRuleLine } from './iptables.ts';

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
