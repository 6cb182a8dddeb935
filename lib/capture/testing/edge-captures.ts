import * as frame from './frames.ts';
import type { FrameRecord } from './pcap-writer.ts';

/** Addresses of the hand-crafted captures: a small lab on 10.66.0.0/24. */
export const EDGE = {
  subnet: '10.66.0.0/24',
  clientMac: '02:00:00:00:00:01',
  serverMac: '02:00:00:00:00:02',
  client: '10.66.0.1',
  server: '10.66.0.2',
} as const;

const BROADCAST = 'ff:ff:ff:ff:ff:ff';
const { clientMac: A, serverMac: B, client, server } = EDGE;

function toServer(t: number, ipProto: number, payload: Buffer, vlanIds: number[] = []): FrameRecord {
  return { timeSec: t, frame: frame.ethernet(B, A, 0x0800, frame.ipv4(client, server, ipProto, payload), vlanIds) };
}
function toClient(t: number, ipProto: number, payload: Buffer): FrameRecord {
  return { timeSec: t, frame: frame.ethernet(A, B, 0x0800, frame.ipv4(server, client, ipProto, payload)) };
}

/**
 * One of each edge case the decoder must survive: ARP answered and not, ICMP echo pair, DNS
 * answered/unanswered/NXDOMAIN/malformed, VLAN-tagged TCP, IPv6 ICMPv6, a snaplen-cut frame,
 * a TCP reset and a retransmission, traffic to an address outside the lab.
 */
export function edgeCaseRecords(): FrameRecord[] {
  return [
    { timeSec: 1000.0, frame: frame.ethernet(BROADCAST, A, 0x0806, frame.arp(1, A, client, '00:00:00:00:00:00', server)) },
    { timeSec: 1000.001, frame: frame.ethernet(A, B, 0x0806, frame.arp(2, B, server, A, client)) },
    { timeSec: 1000.002, frame: frame.ethernet(BROADCAST, A, 0x0806, frame.arp(1, A, client, '00:00:00:00:00:00', '10.66.0.10')) },
    toServer(1000.003, 1, frame.icmpEcho(8, 7, 1)),
    toClient(1000.0045, 1, frame.icmpEcho(0, 7, 1)),
    toServer(1000.005, 1, frame.icmpEcho(8, 7, 2)),
    toServer(1000.01, 17, frame.udp(40000, 53, frame.dnsQuery(1, 'web.hybrid.local'))),
    toClient(1000.012, 17, frame.udp(53, 40000, frame.dnsResponse(1, 'web.hybrid.local', '10.66.0.5'))),
    toServer(1000.013, 17, frame.udp(40003, 53, frame.dnsQuery(3, 'nope.hybrid.local'))),
    toClient(1000.014, 17, frame.udp(53, 40003, frame.dnsResponse(3, 'nope.hybrid.local', undefined, 'NXDOMAIN'))),
    toServer(1000.02, 17, frame.udp(40001, 53, Buffer.from('not a dns message'))),
    toServer(1000.04, 6, frame.tcp(5000, 80, 100, 0, 0x02), [5]),
    toServer(1000.041, 6, frame.tcp(5000, 80, 100, 0, 0x02), [5]),
    toClient(1000.042, 6, frame.tcp(80, 5000, 0, 101, 0x14)),
    { timeSec: 1000.05, frame: frame.ethernet('33:33:00:00:00:01', A, 0x86dd, frame.ipv6('fe80::1', '2001:db8::2', 58, frame.icmpEcho(128, 9, 1))) },
    { timeSec: 1000.051, frame: frame.ethernet(A, '02:00:00:00:00:03', 0x86dd, frame.ipv6('2001:db8::2', 'fe80::1', 58, frame.icmpEcho(129, 9, 1))) },
    { timeSec: 1000.06, frame: frame.ethernet(B, A, 0x0800, frame.ipv4(client, '192.0.2.7', 6, frame.tcp(5001, 80, 1, 0, 0x18, Buffer.alloc(500)))), capturedLength: 60 },
    toServer(1000.07, 17, frame.udp(40002, 53, frame.dnsQuery(2, 'db.hybrid.local'))),
  ];
}
