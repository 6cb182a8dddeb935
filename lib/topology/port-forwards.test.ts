import { describe, expect, it } from 'vitest';
import { topologyErrorOf } from '../testing/topology-errors.ts';
import { parseTopology } from './load.ts';
import { describeForward, portForwards } from './port-forwards.ts';
import { parseHostPublish } from './port-publish.ts';

const lab = (nodes: string) => `name: pf1\nbridge: { name: tbr1, subnet: 10.9.1.0/24 }\nnodes:\n${nodes}`;
const parse = (nodes: string) => parseTopology(lab(nodes), 'pf.yaml');
const refusal = (nodes: string) => topologyErrorOf(() => parse(nodes));

describe('host: of a served port (the publishing part)', () => {
  it('reads a bare port as 127.0.0.1, ADDRESS:PORT, a quoted port and [IPv6]:PORT', () => {
    expect(parseHostPublish(8080)).toEqual({ address: '127.0.0.1', port: 8080, family: 'ipv4' });
    expect(parseHostPublish('8080')).toEqual({ address: '127.0.0.1', port: 8080, family: 'ipv4' });
    expect(parseHostPublish('10.9.1.1:80')).toEqual({ address: '10.9.1.1', port: 80, family: 'ipv4' });
    expect(parseHostPublish('0.0.0.0:80')).toEqual({ address: '0.0.0.0', port: 80, family: 'ipv4' });
    expect(parseHostPublish('[::1]:8080')).toEqual({ address: '::1', port: 8080, family: 'ipv6' });
    expect(parseHostPublish('[FD00::1]:53')).toEqual({ address: 'fd00::1', port: 53, family: 'ipv6' });
  });

  it('refuses what is not one, saying how to write it', () => {
    expect(parseHostPublish(0)).toMatch(/host port 0 is not between 1 and 65535/);
    expect(parseHostPublish('127.0.0.1:70000')).toMatch(/host port 70000/);
    expect(parseHostPublish('localhost:80')).toMatch(/not a host port or ADDRESS:PORT :: fix: write a host port such as 8080/);
    expect(parseHostPublish('300.1.1.1:80')).toMatch(/300.1.1.1 is not an IPv4 address/);
    expect(parseHostPublish('::1:8080')).toMatch(/an IPv6 address needs brackets.*"\[::1\]:8080"/);
    expect(parseHostPublish('[1:2:3]:80')).toMatch(/1:2:3 is not an IPv6 address/);
    expect(parseHostPublish('[::ffff:10.0.0.1]:80')).toMatchObject({ family: 'ipv6' });
  });
});

describe('port forwards in a topology', () => {
  it('lists every ports[].host of containers (user and built-in image) and VMs, with the node address as target', () => {
    const topology = parse(`  - { name: web, kind: container, image: x:1, ip: 10.9.1.10, ports: [{ port: 8080, http: true, host: 18080 }, { port: 9000 }] }
  - { name: plain, kind: container, ip: 10.9.1.11, ports: [{ port: 80, host: "10.9.1.1:18081" }, { port: 7, protocol: udp, host: 18007 }] }
  - { name: vm, kind: vm, ip: 10.9.1.12, ports: [{ port: 22, host: "0.0.0.0:12222" }] }
`);
    expect(portForwards(topology).map(describeForward)).toEqual([
      '127.0.0.1:18080/tcp -> web 10.9.1.10:8080',
      '10.9.1.1:18081/tcp -> plain 10.9.1.11:80',
      '127.0.0.1:18007/udp -> plain 10.9.1.11:7',
      '0.0.0.0:12222/tcp -> vm 10.9.1.12:22',
    ]);
    expect(portForwards(topology).map((forward) => [forward.field, forward.via])).toEqual([
      ['nodes[0].ports[0].host', 'tbr1'],
      ['nodes[1].ports[0].host', 'tbr1'],
      ['nodes[1].ports[1].host', 'tbr1'],
      ['nodes[2].ports[0].host', 'tbr1'],
    ]);
  });

  it('allows a loopback forward without host forwarding', () => {
    expect(portForwards(parse('  - { name: a, kind: container, ports: [{ port: 80, host: 8080 }] }\nhost: { ipForward: false }\n'))).toHaveLength(1);
  });

  it('allows one host port on two addresses and on both protocols', () => {
    const topology = parse(`  - { name: a, kind: container, ports: [{ port: 80, host: 8080 }, { port: 7, protocol: udp, host: 8080 }] }
  - { name: b, kind: container, ports: [{ port: 80, host: "10.9.1.1:8080" }] }
`);
    expect(portForwards(topology)).toHaveLength(3);
  });

  const cases: Array<[string, string, string, RegExp]> = [
    ['a port on the built-in image without host', '  - { name: a, kind: container, ports: [{ port: 80 }] }\n', 'nodes[0].ports[0].host', /the built-in node image serves its own ports.*Fix: add host: 8080/],
    ['http on a built-in node', '  - { name: a, kind: container, ports: [{ port: 80, http: true, host: 8080 }] }\n', 'nodes[0].ports[0].http', /services are checked by name.*Fix: remove http/],
    ['a port the built-in image does not serve', '  - { name: a, kind: container, ports: [{ port: 8080, host: 8080 }] }\n', 'nodes[0].ports[0].port', /does not listen on 8080\/tcp.*Fix: publish one of its services' ports: 80\/tcp, 7\/tcp, 7\/udp, 5201\/tcp/],
    ['a service the node does not run', '  - { name: a, kind: container, services: [http], ports: [{ port: 5201, host: 8080 }] }\n', 'nodes[0].ports[0].port', /does not listen on 5201\/tcp.*ports: 80\/tcp$/],
    ['a bad host value', '  - { name: a, kind: container, ports: [{ port: 80, host: "web:80" }] }\n', 'nodes[0].ports[0].host', /not a host port or ADDRESS:PORT/],
    ['a host port out of range', '  - { name: a, kind: container, ports: [{ port: 80, host: 65536 }] }\n', 'nodes[0].ports[0].host', /host port 65536 is not between 1 and 65535/],
    ['a host of the wrong type', '  - { name: a, kind: container, ports: [{ port: 80, host: true }] }\n', 'nodes[0].ports[0].host', /not a host port or ADDRESS:PORT/],
    [
      'the same host port twice on one address',
      '  - { name: a, kind: container, ports: [{ port: 80, host: 8080 }] }\n  - { name: b, kind: container, ports: [{ port: 80, host: "127.0.0.1:8080" }] }\n',
      'nodes[1].ports[0].host',
      /127.0.0.1:8080\/tcp is already published by nodes\[0\].ports\[0\].host \(node a\).*Fix: give each forward its own host port/,
    ],
    [
      'a host port on every address and again on one',
      '  - { name: a, kind: container, ports: [{ port: 80, host: "0.0.0.0:8080" }, { port: 7, host: "10.9.1.1:8080" }] }\n',
      'nodes[0].ports[1].host',
      /already published by nodes\[0\].ports\[0\].host \(node a, on 0.0.0.0\)/,
    ],
    ['a forward on a host address with host.ipForward: false', '  - { name: a, kind: container, ports: [{ port: 80, host: "0.0.0.0:8080" }] }\nhost: { ipForward: false }\n', 'nodes[0].ports[0].host', /routed by the host to a, and host.ipForward is false.*Fix: publish on 127.0.0.1/],
    ['IPv6 loopback', '  - { name: a, kind: container, ports: [{ port: 80, host: "[::1]:8080" }] }\n', 'nodes[0].ports[0].host', /::1 cannot be DNATed to a node: Linux has no route_localnet for IPv6.*Fix: publish on 127.0.0.1 \(host: 8080\)/],
    ['an IPv6 host address on an IPv4 lab', '  - { name: a, kind: container, ports: [{ port: 80, host: "[fd00::2]:8080" }] }\n', 'nodes[0].ports[0].host', /IPv6 host address needs an IPv6 address on node a.*Fix: publish on an IPv4 address, e.g. host: "127.0.0.1:8080"/],
  ];
  for (const [title, nodes, field, message] of cases) it(`refuses ${title}, naming file, field, value and fix`, () => {
    const error = refusal(nodes);
    expect(error.fieldPath).toBe(field);
    expect(error.message).toMatch(message);
    expect(error.message).toContain('pf.yaml');
    expect(error.exitCode).toBe(2);
  });
});
