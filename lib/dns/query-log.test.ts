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
});
