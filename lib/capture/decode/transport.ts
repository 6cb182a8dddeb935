import { IGNORE_PROBLEMS, readIpv4, readIpv6 } from './ip.ts';
import { IpProto, Layer, type DecodedPacket } from './packet.ts';

export const DNS_PORT = 53;

/**
 * TCP, UDP, ICMP and ICMPv6 headers at `offset`. `end` is the end of captured data; payload
 * length comes from the IP layer (wire length), so a snaplen cut does not shrink it.
 */
export function decodeTransport(data: Buffer, offset: number, end: number, packet: DecodedPacket): void {
  switch (packet.ipProto) {
    case IpProto.tcp:
      decodeTcp(data, offset, end, packet);
      return;
    case IpProto.udp:
      decodeUdp(data, offset, end, packet);
      return;
    case IpProto.icmp:
      decodeIcmp(data, offset, end, packet, Layer.icmp);
      return;
    case IpProto.icmpv6:
      decodeIcmp(data, offset, end, packet, Layer.icmpv6);
      return;
    default:
  }
}

function decodeTcp(data: Buffer, offset: number, end: number, packet: DecodedPacket): void {
  if (offset + 20 > end) {
    packet.headerMissing(offset + 20, 'TCP header');
    return;
  }
  packet.layers |= Layer.tcp;
  packet.srcPort = data.readUInt16BE(offset);
  packet.dstPort = data.readUInt16BE(offset + 2);
  packet.tcpSeq = data.readUInt32BE(offset + 4);
  packet.tcpAck = data.readUInt32BE(offset + 8);
  const headerLength = (data[offset + 12] >> 4) * 4;
  packet.tcpFlags = data[offset + 13];
  if (headerLength < 20) {
    packet.markMalformed(`TCP header length ${headerLength} below 20`);
    return;
  }
  packet.payloadOffset = offset + headerLength;
  packet.payloadLength = Math.max(0, packet.payloadLength - headerLength);
}

function decodeUdp(data: Buffer, offset: number, end: number, packet: DecodedPacket): void {
  if (offset + 8 > end) {
    packet.headerMissing(offset + 8, 'UDP header');
    return;
  }
  packet.layers |= Layer.udp;
  packet.srcPort = data.readUInt16BE(offset);
  packet.dstPort = data.readUInt16BE(offset + 2);
  const udpLength = data.readUInt16BE(offset + 4);
  const ipPayload = packet.payloadLength;
  packet.payloadOffset = offset + 8;
  if (udpLength < 8) {
    // tshark stops at a UDP length below the header's own size: no payload is dissected.
    packet.markMalformed(`UDP length ${udpLength} is below 8`);
    packet.payloadLength = 0;
    return;
  }
  if (udpLength > ipPayload) {
    // tshark flags it and dissects the payload the IP header announces.
    packet.markMalformed(`UDP length ${udpLength} > IP payload length ${ipPayload}`);
    packet.payloadLength = ipPayload - 8;
    return;
  }
  packet.payloadLength = udpLength - 8;
}

/** ICMP error types whose body quotes the offending datagram (v4: 3, 4, 5, 11, 12; v6: 1-4). */
function quotesDatagram(layer: number, type: number): boolean {
  return layer === Layer.icmp ? type === 3 || type === 4 || type === 5 || type === 11 || type === 12 : type >= 1 && type <= 4;
}

function decodeIcmp(data: Buffer, offset: number, end: number, packet: DecodedPacket, layer: number): void {
  if (offset + 4 > end) {
    packet.headerMissing(offset + 4, layer === Layer.icmp ? 'ICMP header' : 'ICMPv6 header');
    return;
  }
  packet.layers |= layer;
  packet.icmpType = data[offset];
  packet.icmpCode = data[offset + 1];
  // Echo request/reply (ICMP 8/0, ICMPv6 128/129) carry identifier and sequence.
  const isEcho = layer === Layer.icmp ? packet.icmpType === 8 || packet.icmpType === 0 : packet.icmpType === 128 || packet.icmpType === 129;
  if (isEcho && offset + 8 <= end) {
    packet.icmpId = data.readUInt16BE(offset + 4);
    packet.icmpSeq = data.readUInt16BE(offset + 6);
  }
  if (quotesDatagram(layer, packet.icmpType)) decodeQuoted(data, offset + 8, end, packet, layer === Layer.icmp ? 4 : 6);
}

/**
 * The datagram an ICMP error quotes: addresses, protocol, ports and, for DNS, the message id. A
 * quote is cut by design, so nothing in it is short or malformed (tshark reads it the same way).
 */
function decodeQuoted(data: Buffer, offset: number, end: number, packet: DecodedPacket, version: 4 | 6): void {
  const header = version === 4 ? readIpv4(data, offset, end, IGNORE_PROBLEMS) : readIpv6(data, offset, end, IGNORE_PROBLEMS);
  if (!header) return;
  packet.quotedLayers |= version === 4 ? Layer.ipv4 : Layer.ipv6;
  packet.quotedProto = header.proto;
  packet.quotedSrc = header.src;
  packet.quotedDst = header.dst;
  const at = header.transportOffset;
  if (at < 0) return;
  if (header.proto === IpProto.udp && at + 8 <= end) {
    packet.quotedLayers |= Layer.udp;
    packet.quotedSrcPort = data.readUInt16BE(at);
    packet.quotedDstPort = data.readUInt16BE(at + 2);
    const isDns = packet.quotedSrcPort === DNS_PORT || packet.quotedDstPort === DNS_PORT;
    if (isDns && at + 8 < end) packet.quotedLayers |= Layer.dns;
    if (isDns && at + 10 <= end) packet.quotedDnsId = data.readUInt16BE(at + 8);
  } else if (header.proto === IpProto.tcp && at + 4 <= end) {
    packet.quotedSrcPort = data.readUInt16BE(at);
    packet.quotedDstPort = data.readUInt16BE(at + 2);
    if (at + 20 <= end) packet.quotedLayers |= Layer.tcp;
  } else if ((header.proto === IpProto.icmp || header.proto === IpProto.icmpv6) && at + 4 <= end) {
    packet.quotedLayers |= header.proto === IpProto.icmp ? Layer.icmp : Layer.icmpv6;
  }
}
