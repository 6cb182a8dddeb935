import { describe, expect, it } from 'vitest';
import { formatRule } from './iptables-audit.ts';
import { ruleIsTagged } from './iptables.ts';
import { portForwardRules, routeLocalnetInterfaces, type ForwardRuleSpec } from './port-forward-rules.ts';

const forward = (host: string, hostPort: number, protocol: 'tcp' | 'udp' = 'tcp', port = 80): ForwardRuleSpec => ({ protocol, host: { address: host, port: hostPort }, target: { address: '10.0.72.10', port }, via: 'hybr72', node: 'web' });
const tag = '-m comment --comment "hybrid-lab:pf14"';

describe('port forward rules', () => {
  it('loopback: DNAT in OUTPUT only, and MASQUERADE of loopback-sourced packets into the bridge', () => {
    expect(portForwardRules('pf14', [forward('127.0.0.1', 18080)]).map(formatRule)).toEqual([
      `-t nat -A OUTPUT -d 127.0.0.1/32 -p tcp -m tcp --dport 18080 ${tag} -j DNAT --to-destination "10.0.72.10:80"`,
      `-t nat -A POSTROUTING -s 127.0.0.0/8 -o hybr72 ${tag} -j MASQUERADE`,
    ]);
    expect(routeLocalnetInterfaces([forward('127.0.0.1', 18080)])).toEqual(['hybr72']);
  });

  it('a host address: DNAT arriving (not from the bridge itself) and from the host, FORWARD accept of DNATed connections', () => {
    expect(portForwardRules('pf14', [forward('10.0.72.129', 18082, 'udp', 7)]).map(formatRule)).toEqual([
      `-t nat -A PREROUTING -d 10.0.72.129/32 ! -i hybr72 -p udp -m udp --dport 18082 ${tag} -j DNAT --to-destination "10.0.72.10:7"`,
      `-A FORWARD -d 10.0.72.10/32 -o hybr72 -p udp -m udp --dport 7 -m conntrack --ctstate DNAT ${tag} -j ACCEPT`,
      `-t nat -A OUTPUT -d 10.0.72.129/32 -p udp -m udp --dport 18082 ${tag} -j DNAT --to-destination "10.0.72.10:7"`,
    ]);
    expect(routeLocalnetInterfaces([forward('10.0.72.129', 18082)])).toEqual([]);
  });

  it('every address (0.0.0.0): matched by addrtype LOCAL, loopback included', () => {
    expect(portForwardRules('pf14', [forward('0.0.0.0', 18083)]).map(formatRule)).toEqual([
      `-t nat -A PREROUTING ! -i hybr72 -p tcp -m tcp --dport 18083 -m addrtype --dst-type LOCAL ${tag} -j DNAT --to-destination "10.0.72.10:80"`,
      `-A FORWARD -d 10.0.72.10/32 -o hybr72 -p tcp -m tcp --dport 80 -m conntrack --ctstate DNAT ${tag} -j ACCEPT`,
      `-t nat -A OUTPUT -p tcp -m tcp --dport 18083 -m addrtype --dst-type LOCAL ${tag} -j DNAT --to-destination "10.0.72.10:80"`,
      `-t nat -A POSTROUTING -s 127.0.0.0/8 -o hybr72 ${tag} -j MASQUERADE`,
    ]);
  });

  it('shared rules appear once; every rule is tagged and has its own purpose (the state id)', () => {
    const rules = portForwardRules('pf14', [forward('127.0.0.1', 1), forward('127.0.0.1', 2), forward('10.0.72.1', 3), forward('10.0.72.129', 4)]);
    expect(rules.filter((rule) => rule.chain === 'POSTROUTING')).toHaveLength(1);
    expect(rules.filter((rule) => rule.chain === 'FORWARD')).toHaveLength(1);
    expect(new Set(rules.map((rule) => rule.purpose)).size).toBe(rules.length);
    expect(rules.every((rule) => ruleIsTagged(rule, 'pf14'))).toBe(true);
    expect(rules.filter((rule) => rule.chain !== 'FORWARD').every((rule) => rule.table === 'nat')).toBe(true);
  });
});
