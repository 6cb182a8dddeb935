import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { topologyErrorOf } from '../testing/topology-errors.ts';
import { LAB_DIR, parseTopology } from '../topology/load.ts';
import { formatRule } from './iptables-audit.ts';
import { policyRules } from './policy-rules.ts';
import { expectedVerdict, type Family } from './reachability.ts';

const text = readFileSync(join(LAB_DIR, 'examples', 'networks', 'networks.yaml'), 'utf8');
const topology = parseTopology(text, 'networks.yaml');
const node = (name: string) => topology.nodes.find((candidate) => candidate.name === name)!;

const verdict = (from: string, to: string, network: string, port?: number, family: Family = 'ipv4') =>
  expectedVerdict(topology, { from: node(from), to: node(to), target: node(to).nics.find((nic) => nic.network === network)!, family, ...(port ? { port: { port, protocol: 'tcp' as const } } : {}) });

describe('expected reachability', () => {
  it.each([
    ['web', 'api', 'back', undefined, 'allow', /both routed/],
    ['api', 'web', 'front', 80, 'allow', /both routed/],
    ['api', 'web', 'front', 7, 'deny', /policy no-echo-from-back \(deny\)/],
    ['api', 'db', 'store', 80, 'allow', /policy api-to-db-http \(allow\)/],
    ['api', 'db', 'store', 7, 'deny', /apart/],
    ['api', 'db', 'store', undefined, 'deny', /back \(routed\) and store \(isolated\) are apart/],
    ['db', 'web', 'store', 7, 'allow', /within network store/],
    ['db', 'web', 'front', undefined, 'deny', /store \(isolated\) and front \(routed\) are apart/],
    ['fetcher', 'web', 'front', undefined, 'deny', /egress \(nat\)/],
  ] as const)('%s -> %s on %s port %s: %s', (from, to, network, port, expected, rule) => {
    const result = verdict(from, to, network, port);
    expect(result?.verdict).toBe(expected);
    expect(result?.rule).toMatch(rule);
  });

  it('sends from the NIC on the target\'s network when there is one', () => {
    expect(verdict('web', 'db', 'store')?.from).toEqual({ address: '10.0.78.10', network: 'store' });
    expect(verdict('web', 'api', 'back')?.from).toEqual({ address: '10.0.76.10', network: 'front' });
  });

  it('has no IPv6 verdict where the source has no IPv6 address', () => {
    expect(verdict('api', 'web', 'front', 80, 'ipv6')).toBeUndefined();
  });

  it('renders each policy as address x address x port rules naming the policy', () => {
    const rules = policyRules(topology).filter((rule) => rule.family === 'ipv4').map((rule) => formatRule({ ...rule, chain: 'HL-nw14' }));
    expect(rules).toEqual([
      '-A HL-nw14 -s 10.0.77.10/32 -d 10.0.78.20/32 -p tcp -m tcp --dport 80 -m comment --comment "hybrid-lab:nw14" -m comment --comment "policy api-to-db-http" -j ACCEPT',
      '-A HL-nw14 -s 10.0.77.0/24 -d 10.0.76.10/32 -p tcp -m tcp --dport 7 -m comment --comment "hybrid-lab:nw14" -m comment --comment "policy no-echo-from-back" -j DROP',
      '-A HL-nw14 -s 10.0.77.0/24 -d 10.0.78.10/32 -p tcp -m tcp --dport 7 -m comment --comment "hybrid-lab:nw14" -m comment --comment "policy no-echo-from-back" -j DROP',
    ]);
  });

  it.each([
    ['an unknown node', '  - { name: p, action: deny, from: { node: nobody }, to: { node: web } }', 'policies[0].from.node', /no such node/],
    ['an unknown network', '  - { name: p, action: deny, from: { node: web }, to: { network: nowhere } }', 'policies[0].to.network', /no such network/],
    ['a duplicate name', '  - { name: p, action: deny, from: { node: web }, to: { node: db } }\n  - { name: p, action: allow, from: { node: web }, to: { node: db } }', 'policies[1].name', /duplicate policy name/],
    ['a bad port', '  - { name: p, action: deny, from: { node: web }, to: { node: db }, ports: ["http"] }', 'policies[0].ports[0]', /not a port/],
    ['a bad action', '  - { name: p, action: reject, from: { node: web }, to: { node: db } }', 'policies[0].action', /allow or deny/],
  ])('refuses %s naming the field', (_label, policy, field, problem) => {
    const error = topologyErrorOf(() => parseTopology(`${text.slice(0, text.indexOf('policies:'))}policies:\n${policy}\n`, 'p.yaml'));
    expect(error.fieldPath).toBe(field);
    expect(error.message).toMatch(problem);
  });
});
