import { describe, expect, it } from 'vitest';
import { DnsQueryLogParser, formatQueryLogEntry } from './query-log.ts';

const lines = `2026-11-22T06:57:22.954861280Z dnsmasq[7]: 1 10.0.1.50/59377 query[A] web-server from 10.0.1.50
2026-11-22T06:57:22.954885134Z dnsmasq[7]: 1 10.0.1.50/59377 /etc/dnsmasq/hosts.d/web-server web-server is 10.0.1.100
2026-11-22T06:57:23.401650467Z dnsmasq[7]: 3 10.0.1.50/39956 query[A] nope.hybrid.local from 10.0.1.50
2026-11-22T06:57:23.401713595Z dnsmasq[7]: 3 10.0.1.50/39956 config nope.hybrid.local is NXDOMAIN
2026-11-22T06:57:23.523436918Z dnsmasq[7]: 5 10.0.1.50/44648 query[PTR] 100.1.0.10.in-addr.arpa from 10.0.1.50
2026-11-22T06:57:23.523511017Z dnsmasq[7]: 5 10.0.1.50/44648 /etc/dnsmasq/hosts.d/web-server 10.0.1.100 is web-server.hybrid.local
2026-11-22T06:57:23.623176377Z dnsmasq[7]: 6 10.0.1.77/43153 query[A] example.com from 10.0.1.77
2026-11-22T06:57:23.623361393Z dnsmasq[7]: 6 10.0.1.77/43153 config error is REFUSED (EDE: not ready)
2026-11-22T06:57:24.000000000Z dnsmasq[7]: 8 10.0.1.50/4000 query[A] www.upstream.test from 10.0.1.50
2026-11-22T06:57:24.000100000Z dnsmasq[7]: 8 10.0.1.50/4000 forwarded www.upstream.test to 10.0.1.254
2026-11-22T06:57:24.000900000Z dnsmasq[7]: 8 10.0.1.50/4000 reply www.upstream.test is 10.0.1.254
dnsmasq[7]: started, version 2.89 cachesize 1000`.split('\n');

describe('DNS query log', () => {
  it('pairs queries with answers, names the asking node, and tells where the answer came from', () => {
    const parser = new DnsQueryLogParser(new Map([['10.0.1.50', 'test-container']]));
    const entries = [...lines.flatMap((line) => parser.push(line)), ...parser.flush()];
    expect(entries.map(formatQueryLogEntry)).toEqual([
      '06:57:22.954 test-container (10.0.1.50) A web-server -> 10.0.1.100 [records]',
      '06:57:23.401 test-container (10.0.1.50) A nope.hybrid.local -> NXDOMAIN [config]',
      '06:57:23.523 test-container (10.0.1.50) PTR 100.1.0.10.in-addr.arpa -> web-server.hybrid.local [records]',
      '06:57:23.623 10.0.1.77 A example.com -> REFUSED [config]',
      '06:57:24.000 test-container (10.0.1.50) A www.upstream.test -> 10.0.1.254 [upstream 10.0.1.254]',
    ]);
  });

  it('reads queries asked over IPv6: the client named by its AAAA address, AAAA and ip6.arpa PTR answers', () => {
    const parser = new DnsQueryLogParser(new Map([['fd00:75::10', 'alpha']]));
    const v6 = [
      '2026-12-01T07:00:31.100000000Z dnsmasq[1]: 9 fd00:75::10/41000 query[AAAA] beta.hybrid.local from fd00:75::10',
      '2026-12-01T07:00:31.100100000Z dnsmasq[1]: 9 fd00:75::10/41000 /etc/dnsmasq/hosts.d/beta beta.hybrid.local is fd00:75::11',
      '2026-12-01T07:00:31.200000000Z dnsmasq[1]: 10 fd00:75::10/41001 query[PTR] 1.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.5.7.0.0.0.0.d.f.ip6.arpa from fd00:75::10',
      '2026-12-01T07:00:31.200100000Z dnsmasq[1]: 10 fd00:75::10/41001 /etc/dnsmasq/hosts.d/beta fd00:75::11 is beta.hybrid.local',
    ];
    const entries = [...v6.flatMap((line) => parser.push(line)), ...parser.flush()];
    expect(entries.map(formatQueryLogEntry)).toEqual([
      '07:00:31.100 alpha (fd00:75::10) AAAA beta.hybrid.local -> fd00:75::11 [records]',
      '07:00:31.200 alpha (fd00:75::10) PTR 1.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.5.7.0.0.0.0.d.f.ip6.arpa -> beta.hybrid.local [records]',
    ]);
  });
});
