import { describe, expect, it } from 'vitest';
import { parseNslookup } from './dns-lookup.ts';
import { parseIperfJson } from './iperf.ts';
import { parsePingOutput } from './ping.ts';

describe('probe output parsers', () => {
  it('reads busybox and iputils ping alike', () => {
    const busybox = parsePingOutput('10.0.1.100', 'PING x (10.0.1.100): 56 data bytes\n64 bytes from 10.0.1.100: seq=0 ttl=64 time=1.055 ms\n64 bytes from 10.0.1.100: seq=1 ttl=64 time=0.089 ms\n\n--- x ping statistics ---\n2 packets transmitted, 2 packets received, 0% packet loss\n');
    expect(busybox).toMatchObject({ sent: 2, received: 2, lossPercent: 0, rttMs: [1.055, 0.089] });
    const iputils = parsePingOutput('10.0.1.50', '64 bytes from 10.0.1.50: icmp_seq=1 ttl=64 time=0.064 ms\n--- 10.0.1.50 ping statistics ---\n3 packets transmitted, 1 received, 66.6667% packet loss, time 2003ms\n');
    expect(iputils).toMatchObject({ sent: 3, received: 1, rttMs: [0.064] });
    expect(iputils.lossPercent).toBeCloseTo(66.67, 1);
    expect(parsePingOutput('x', 'ping: bad address x').lossPercent).toBe(100);
  });

  it('reads busybox nslookup: A, PTR, NXDOMAIN, and no answer', () => {
    const forward = parseNslookup('Server:\t\t10.0.1.2\nAddress:\t10.0.1.2:53\n\nName:\tweb-server\nAddress: 10.0.1.100\n\nNon-authoritative answer:\n');
    expect(forward).toMatchObject({ rcode: 'NOERROR', answers: ['10.0.1.100'] });
    expect(parseNslookup('Server:\t\t10.0.1.2\nAddress:\t10.0.1.2:53\n\n50.1.0.10.in-addr.arpa\tname = test-container.hybrid.local\n').answers).toEqual(['test-container.hybrid.local']);
    expect(parseNslookup("** server can't find nope.hybrid.local: NXDOMAIN").rcode).toBe('NXDOMAIN');
    expect(parseNslookup(';; connection timed out; no servers could be reached').rcode).toBe('FAILED');
  });

  it('reads busybox nslookup over IPv6: AAAA answers and ip6.arpa PTR, skipping the IPv6 server lines', () => {
    const aaaa = parseNslookup('Server:\t\tfd00:75::2\nAddress:\tfd00:75::2:53\n\nName:\tweb.hybrid.local\nAddress: fd00:75::10\n\n');
    expect(aaaa).toMatchObject({ rcode: 'NOERROR', answers: ['fd00:75::10'] });
    const both = parseNslookup('Server:\t\t10.0.75.2\nAddress:\t10.0.75.2:53\n\nName:\tweb.hybrid.local\nAddress: 10.0.75.10\n\nName:\tweb.hybrid.local\nAddress: fd00:75::10\n');
    expect(both.answers).toEqual(['10.0.75.10', 'fd00:75::10']);
    const ptr = parseNslookup('Server:\t\tfd00:75::2\nAddress:\tfd00:75::2:53\n\n0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.5.7.0.0.0.0.d.f.ip6.arpa\tname = web.hybrid.local\n');
    expect(ptr.answers).toEqual(['web.hybrid.local']);
  });

  it('reads iperf3 JSON for TCP and UDP, and reports its errors', () => {
    const tcp = parseIperfJson('tcp', JSON.stringify({ intervals: [{ sum: { bits_per_second: 5e9 } }], end: { sum_received: { bits_per_second: 4.9e9 } } }));
    expect(tcp).toEqual({ protocol: 'tcp', bitsPerSec: 4.9e9, intervalBitsPerSec: [5e9] });
    const udp = parseIperfJson('udp', JSON.stringify({ intervals: [], end: { sum: { bits_per_second: 1e7, lost_percent: 0.5, jitter_ms: 0.03 } } }));
    expect(udp).toMatchObject({ bitsPerSec: 1e7, lossPercent: 0.5, jitterMs: 0.03 });
    expect(() => parseIperfJson('tcp', JSON.stringify({ error: 'unable to connect to server' }))).toThrow(/unable to connect/);
  });
});
