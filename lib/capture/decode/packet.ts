import type { DnsMessage } from './dns-message.ts';

/** Bits of `DecodedPacket.layers`: which protocols the frame carried (as far as it was captured). */
export const Layer = {
  ethernet: 1 << 0,
  linuxCooked: 1 << 1,
  vlan: 1 << 2,
  arp: 1 << 3,
  ipv4: 1 << 4,
  ipv6: 1 << 5,
  icmp: 1 << 6,
  icmpv6: 1 << 7,
  tcp: 1 << 8,
  udp: 1 << 9,
  dns: 1 << 10,
  /** An IPv4 fragment other than the first: no transport header to read. */
  fragment: 1 << 11,
  /** An 802.1ad (QinQ service) tag, EtherType 0x88a8; `vlan` is 802.1Q (0x8100) only. */
  ieee8021ad: 1 << 12,
  /** Link type 101/228/229: the frame starts with the IP header. */
  rawIp: 1 << 13,
} as const;

export type LayerName = keyof typeof Layer;
export const LAYER_NAMES = Object.keys(Layer) as LayerName[];

/**
 * One decoded frame. The decoder fills a single instance again and again (no allocation per
 * packet); analysers copy out what they keep. Absent numeric fields are -1, absent strings ''.
 */
export class DecodedPacket {
  /** 1-based position in the capture, like tshark's frame.number. */
  index = 0;
  /** Exact capture time: whole seconds since the epoch and nanoseconds within the second. */
  tsSec = 0;
  tsNs = 0;
  /** False when the block carried no time (pcapng Simple Packet Block). */
  hasTime = true;
  /** The same time as a float, for bucketing and charts only (never for intervals). */
  timeSec = 0;
  /** pcapng interface the frame was captured on (0 for classic pcap). */
  interfaceId = 0;
  capturedLength = 0;
  originalLength = 0;
  /** The capture kept fewer bytes than were on the wire (snaplen). */
  snapCut = false;
  /** A length field points past the data on the wire (tshark's _ws.malformed). */
  malformed = false;
  /** A header we needed lies past the bytes the capture kept (tshark's _ws.short): cut, not broken. */
  short = false;
  /** Why the frame is malformed or short, in words (first problem met). */
  problem = '';
  layers = 0;
  /** Layers of the datagram quoted inside an ICMP error (tshark counts them in frame.protocols too). */
  quotedLayers = 0;

  dstBroadcast = false;
  dstMulticast = false;
  vlanId = -1;
  etherType = -1;

  ipVersion = 0;
  src = '';
  dst = '';
  /** IPv4 addresses as unsigned 32-bit numbers (-1 for IPv6), for cheap subnet checks. */
  srcV4 = -1;
  dstV4 = -1;
  ipProto = -1;
  ttl = -1;

  srcPort = -1;
  dstPort = -1;
  tcpFlags = 0;
  tcpSeq = 0;
  tcpAck = 0;
  /** Transport payload position inside the captured data, and its length on the wire. */
  payloadOffset = 0;
  payloadLength = 0;

  icmpType = -1;
  icmpCode = -1;
  icmpId = -1;
  icmpSeq = -1;

  arpOp = -1;
  arpSenderIp = '';
  arpTargetIp = '';
  arpSenderMac = '';

  /** The offending datagram an ICMP error quotes: protocol, addresses, ports, DNS id (-1 if none). */
  quotedProto = -1;
  quotedSrc = '';
  quotedDst = '';
  quotedSrcPort = -1;
  quotedDstPort = -1;
  quotedDnsId = -1;

  dns: DnsMessage | undefined = undefined;

  /** Clears every field before the next frame. */
  reset(): void {
    this.snapCut = false;
    this.malformed = false;
    this.short = false;
    this.problem = '';
    this.layers = 0;
    this.quotedLayers = 0;
    this.quotedProto = -1;
    this.quotedSrc = '';
    this.quotedDst = '';
    this.quotedSrcPort = -1;
    this.quotedDstPort = -1;
    this.quotedDnsId = -1;
    this.dstBroadcast = false;
    this.dstMulticast = false;
    this.vlanId = -1;
    this.etherType = -1;
    this.ipVersion = 0;
    this.src = '';
    this.dst = '';
    this.srcV4 = -1;
    this.dstV4 = -1;
    this.ipProto = -1;
    this.ttl = -1;
    this.srcPort = -1;
    this.dstPort = -1;
    this.tcpFlags = 0;
    this.tcpSeq = 0;
    this.tcpAck = 0;
    this.payloadOffset = 0;
    this.payloadLength = 0;
    this.icmpType = -1;
    this.icmpCode = -1;
    this.icmpId = -1;
    this.icmpSeq = -1;
    this.arpOp = -1;
    this.arpSenderIp = '';
    this.arpTargetIp = '';
    this.arpSenderMac = '';
    this.dns = undefined;
  }

  /** Flags the frame malformed (a length points past the wire data); keeps the first reason. */
  markMalformed(reason: string): void {
    this.malformed = true;
    if (!this.problem) this.problem = reason;
  }

  /**
   * A header needs bytes up to `headerEnd` that are not in the capture: short when the wire had
   * them (snap-length cut), malformed when the frame itself ended first.
   */
  headerMissing(headerEnd: number, what: string): void {
    if (headerEnd > this.originalLength) this.markMalformed(`${what} runs past the end of the frame`);
    else this.markShort(`${what} cut by the capture snap length`);
  }

  /** Flags the frame short (cut by the snap length inside a header); keeps the first reason. */
  markShort(reason: string): void {
    this.short = true;
    if (!this.problem) this.problem = reason;
  }

  has(layer: number): boolean {
    return (this.layers & layer) !== 0;
  }
}

export const TcpFlag = { fin: 0x01, syn: 0x02, rst: 0x04, psh: 0x08, ack: 0x10 } as const;
export const IpProto = { icmp: 1, tcp: 6, udp: 17, icmpv6: 58 } as const;
