import * as frame from './frames.ts';
import { dnsResponseWith, RECORD_SAMPLES } from './dns-records.ts';
import { edgeCaseRecords, EDGE } from './edge-captures.ts';
import { buildPcap, type FrameRecord } from './pcap-writer.ts';
import { buildPcapng, type PcapngPacket } from './pcapng-writer.ts';
import { syntheticTraffic } from './synthetic-traffic.ts';

/**
 * The committed test captures (lib/capture/testing/captures/), each small, made by the project's
 * own generators and then, for some, by editcap and mergecap (see make-reference-captures.ts).
 */
const { clientMac: A, serverMac: B, client, server } = EDGE;
const toServer = (ip: Buffer) => frame.ethernet(B, A, 0x0800, ip);
const toClient = (ip: Buffer) => frame.ethernet(A, B, 0x0800, ip);
const udpTo = (sport: number, payload: Buffer) => toServer(frame.ipv4(client, server, 17, frame.udp(sport, 53, payload)));
const udpFrom = (dport: number, payload: Buffer) => toClient(frame.ipv4(server, client, 17, frame.udp(53, dport, payload)));

/** A query and a response for every record type the report prints (ns timestamps, 14.482 µs apart). */
export function dnsTypePackets(): PcapngPacket[] {
  const base = 1_700_000_000;
  return RECORD_SAMPLES.flatMap((sample, i) => [
    { timeSec: base + i, ns: 465_646_711, frame: udpTo(41000 + i, frame.dnsQuery(100 + i, `q${i}.hybrid.local`, 'A')) },
    { timeSec: base + i, ns: 465_646_711 + 14_482, frame: udpFrom(41000 + i, dnsResponseWith(100 + i, `q${i}.hybrid.local`, sample.qtype, sample.answers, sample.additionals)) },
  ]);
}

function withUdpLength(udp: Buffer, length: number): Buffer {
  const copy = Buffer.from(udp);
  copy.writeUInt16BE(length, 4);
  return copy;
}

/** Cut, broken and odd DNS and link frames: what tshark calls short, malformed, or quoted. */
export function cutAndMalformedPackets(): PcapngPacket[] {
  const base = 1_700_000_100;
  const response = frame.dnsResponse(21, 'web.hybrid.local', '10.66.0.5');
  const overrun = Buffer.from(response);
  overrun.writeUInt16BE(40, overrun.length - 6); // RDLENGTH of the last record: 40, only 4 bytes follow
  const badOpt = Buffer.from('0016012000010000000000010377656206687962726964056c6f63616c0000010001' + '0000290200000000000008000a001011223344', 'hex');
  const quotedQuery = frame.ipv4(client, server, 17, frame.udp(41999, 53, frame.dnsQuery(77, 'db.hybrid.local')));
  const qinq = Buffer.concat([frame.mac(B), frame.mac(A), Buffer.from('88a80064810000c80800', 'hex'), frame.ipv4(client, server, 1, frame.icmpEcho(8, 5, 1))]);
  const query = (id: number, port: number) => udpTo(port, frame.dnsQuery(id, 'cut.hybrid.local'));
  const answer = (id: number, port: number) => udpFrom(port, frame.dnsResponse(id, 'cut.hybrid.local', '10.66.0.9'));
  return [
    { timeSec: base, ns: 1, frame: query(11, 42001), capturedLength: 42 + 12 }, // query cut after its header
    { timeSec: base, ns: 250_001, frame: answer(11, 42001) },
    { timeSec: base + 1, frame: query(12, 42002) },
    { timeSec: base + 1, ns: 300_000, frame: answer(12, 42002), capturedLength: 42 + 5 }, // response cut inside its header
    { timeSec: base + 2, frame: udpFrom(42003, overrun) },
    { timeSec: base + 3, frame: udpTo(42004, badOpt) },
    { timeSec: base + 4, frame: toServer(frame.ipv4(client, server, 17, withUdpLength(frame.udp(42005, 53, frame.dnsQuery(13, 'len.hybrid.local')), 80))) },
    { timeSec: base + 5, frame: query(14, 42006) },
    { timeSec: base + 5, ns: 500_000_000, frame: query(14, 42006) }, // retransmitted: the answer's time counts from the first
    { timeSec: base + 6, frame: answer(14, 42006) },
    { timeSec: base + 7, frame: toClient(frame.ipv4(server, client, 1, Buffer.concat([Buffer.from([3, 3, 0, 0, 0, 0, 0, 0]), quotedQuery]))) },
    { timeSec: base + 8, frame: qinq },
    { timeSec: base + 8, ns: 14_482, frame: toClient(frame.ipv4(server, client, 1, frame.icmpEcho(0, 5, 1))) },
    { timeSec: base + 9, frame: frame.ethernet('33:33:00:00:00:01', A, 0x86dd, frame.ipv6('fd00::1', 'fd00::2', 58, frame.icmpEcho(128, 6, 1))) },
    { timeSec: base + 9, ns: 999_999, frame: frame.ethernet(A, B, 0x86dd, frame.ipv6('fd00::2', 'fd00::1', 58, frame.icmpEcho(129, 6, 1))) },
  ];
}

/** Linux cooked v2 frames (tcpdump -i any) to merge with an Ethernet file into a two-interface pcapng. */
export function cookedRecords(): FrameRecord[] {
  const ping = frame.ipv4('10.66.0.7', server, 1, frame.icmpEcho(8, 3, 1));
  const pong = frame.ipv4(server, '10.66.0.7', 1, frame.icmpEcho(0, 3, 1));
  return [ping, pong].map((ip, i) => ({ timeSec: 1_700_000_000.25 + i * 0.000731, frame: frame.linuxCooked2(0x0800, ip, i === 0 ? 4 : 0) }));
}

/** Every capture the generator writes before editcap/mergecap run. */
export function generatedCaptures(): Record<string, Buffer> {
  const ethernet = { linkType: 1, tsresol: 9, name: 'hybr66' };
  return {
    'edge.pcap': buildPcap(edgeCaseRecords()),
    'dns-types-be.pcapng': buildPcapng([ethernet], dnsTypePackets(), { littleEndian: false }),
    'cut-malformed.pcapng': buildPcapng([ethernet], cutAndMalformedPackets()),
    'simple-blocks.pcapng': buildPcapng([{ linkType: 1, snapLength: 128 }], edgeCaseRecords().slice(0, 6).map((r) => ({ ...r, block: 'simple' as const }))),
    'tsresol-binary.pcapng': buildPcapng([{ linkType: 1, tsresol: 0x80 | 20 }, { linkType: 1, tsresol: 4 }], edgeCaseRecords().slice(3, 8).map((r, i) => ({ ...r, interfaceId: i % 2 }))),
    'cooked-part.pcap': buildPcap(cookedRecords(), 262_144, 276),
    'raw-ip.pcap': buildPcap(edgeCaseRecords().filter((r) => r.frame.readUInt16BE(12) === 0x0800).map((r) => ({ ...r, frame: r.frame.subarray(14) })), 262_144, 101),
    'lab-traffic-part.pcap': buildPcap([...syntheticTraffic(60, 1_700_000_000)]),
  };
}

/** Classic pcap in big-endian byte order: the same file with every header field swapped. */
export function toBigEndianPcap(littleEndian: Buffer): Buffer {
  const out = Buffer.from(littleEndian);
  out.writeUInt32BE(littleEndian.readUInt32LE(0), 0);
  out.writeUInt16BE(littleEndian.readUInt16LE(4), 4);
  out.writeUInt16BE(littleEndian.readUInt16LE(6), 6);
  for (const at of [8, 12, 16, 20]) out.writeUInt32BE(littleEndian.readUInt32LE(at), at);
  for (let offset = 24; offset + 16 <= out.length; ) {
    for (const at of [0, 4, 8, 12]) out.writeUInt32BE(littleEndian.readUInt32LE(offset + at), offset + at);
    offset += 16 + littleEndian.readUInt32LE(offset + 8);
  }
  return out;
}
