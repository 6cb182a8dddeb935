import { describe, expect, it } from 'vitest';
import { topologyErrorOf } from '../testing/topology-errors.ts';
import { checkForwardAddress, checkForwardPortFree, parseForeignDnatRules, parseListeners } from './host-ports.ts';
import { parseTopology } from './load.ts';
import { portForwards } from './port-forwards.ts';

const ss = `tcp LISTEN 0 4096 127.0.0.1:8080 0.0.0.0:* users:(("python3",pid=812,fd=3))
tcp LISTEN 0 128 0.0.0.0:2024 0.0.0.0:*
tcp LISTEN 0 128 [::]:22 [::]:* users:(("sshd",pid=5,fd=4))
udp UNCONN 0 0 127.0.0.53%lo:53 0.0.0.0:* users:(("systemd-resolve",pid=9,fd=12))
tcp LISTEN 0 128 [::ffff:10.0.72.1]:9000 [::]:*
tcp LISTEN 0 128 [fd00::2]:9001 [::]:*`;

const nat = `*nat
-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
-A DOCKER ! -i docker0 -p tcp -m tcp --dport 9090 -j DNAT --to-destination 172.17.0.2:80
-A OUTPUT -d 127.0.0.1/32 -p udp -m udp --dport 5353 -m comment --comment "hybrid-lab:other" -j DNAT --to-destination 10.0.9.3:53
-A OUTPUT -d 127.0.0.1/32 -p tcp -m tcp --dport 7070 -m comment --comment "hybrid-lab:pf2" -j DNAT --to-destination 10.9.2.3:80
COMMIT`;

const topologyWith = (host: string, protocol = 'tcp', port = 80) =>
  parseTopology(`name: pf2\nbridge: { name: tbr2, subnet: 10.9.2.0/24 }\nnodes:\n  - { name: web, kind: container, ports: [{ port: ${port}, protocol: ${protocol}, host: "${host}" }] }\n`, 'pf2.yaml');
const users = [...parseListeners(ss), ...parseForeignDnatRules(nat, 'pf2')];
const portCheck = (host: string, protocol = 'tcp', port = 80) => {
  const topology = topologyWith(host, protocol, port);
  return () => checkForwardPortFree(portForwards(topology)[0], users, topology.source);
};

describe('host ports already taken', () => {
  it('reads listeners (wildcards, scoped and mapped addresses) and DNAT rules that are not this lab\'s', () => {
    expect(parseListeners(ss).map((user) => `${user.protocol} ${user.host.address}:${user.host.port}`)).toEqual(['tcp 127.0.0.1:8080', 'tcp 0.0.0.0:2024', 'tcp 0.0.0.0:22', 'udp 127.0.0.53:53', 'tcp 10.0.72.1:9000', 'tcp fd00::2:9001']);
    expect(parseForeignDnatRules(nat, 'pf2').map((user) => [user.host.address, user.host.port, user.owner])).toEqual([
      ['0.0.0.0', 9090, 'the iptables nat rule -A DOCKER ! -i docker0 -p tcp -m tcp --dport 9090 -j DNAT --to-destination 172.17.0.2:80'],
      ['127.0.0.1', 5353, 'a port forward of lab "other"'],
    ]);
  });

  it('refuses a port a process listens on, on that address or on every address, naming the process', () => {
    expect(topologyErrorOf(portCheck('8080')).message).toMatch(/pf2.yaml: nodes\[0\].ports\[0\].host: host port 8080\/tcp on 127.0.0.1 is already taken by process "python3" \(pid 812\) listening on 127.0.0.1:8080 \(got "127.0.0.1:8080"\)\. Fix: choose another host port/);
    expect(topologyErrorOf(portCheck('10.9.2.1:2024')).message).toMatch(/taken by a socket listening on 0.0.0.0:2024/);
    expect(topologyErrorOf(portCheck('0.0.0.0:8080')).message).toMatch(/python3/);
    expect(topologyErrorOf(portCheck('127.0.0.1:22')).message).toMatch(/sshd/);
    expect(topologyErrorOf(portCheck('9090')).message).toMatch(/taken by the iptables nat rule -A DOCKER/);
    expect(topologyErrorOf(portCheck('5353', 'udp', 7)).message).toMatch(/port forward of lab "other"/);
    expect(topologyErrorOf(portCheck('5353', 'udp', 7)).exitCode).toBe(2);
  });

  it('lets through another address, another protocol, and the lab\'s own forwards (a second up)', () => {
    expect(portCheck('10.9.2.1:8080')).not.toThrow();
    expect(portCheck('8080', 'udp', 7)).not.toThrow();
    expect(portCheck('127.0.0.1:53', 'tcp')).not.toThrow();
    expect(portCheck('7070')).not.toThrow();
    expect(portCheck('10.9.2.1:9001')).not.toThrow();
  });
});

describe('host addresses of forwards', () => {
  const addresses = [{ address: '127.0.0.1', device: 'lo' }, { address: '192.0.2.2', device: 'eth0' }, { address: 'fe80::1', device: 'eth0' }];
  const check = (host: string) => {
    const topology = topologyWith(host);
    return () => checkForwardAddress(portForwards(topology)[0], topology, addresses);
  };
  it('accepts loopback, every address, the lab gateway (before its bridge exists) and addresses the host has', () => {
    for (const host of ['127.0.0.1:1', '127.0.0.2:1', '0.0.0.0:1', '10.9.2.1:1', '192.0.2.2:1']) expect(check(host), host).not.toThrow();
  });
  it('refuses an address the host does not have, listing the ones it could use', () => {
    const error = topologyErrorOf(check('10.9.9.9:8080'));
    expect(error.message).toBe('pf2.yaml: nodes[0].ports[0].host: 10.9.9.9 is not an address of this host, so nothing would ever arrive for it (got "10.9.9.9:8080"). Fix: publish on 127.0.0.1 (the default), the lab gateway 10.9.2.1, or one of the host\'s addresses: 127.0.0.1 (lo), 192.0.2.2 (eth0)');
    expect(error.exitCode).toBe(2);
  });
});
