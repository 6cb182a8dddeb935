import { IpProto, Layer, type DecodedPacket } from './packet.ts';

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
    packet.malformed = !packet.snapCut;
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
    packet.malformed = true;
    return;
  }
  packet.payloadOffset = offset + headerLength;
  packet.payloadLength = Math.max(0, packet.payloadLength - headerLength);
}

function decodeUdp(data: Buffer, offset: number, end: number, packet: DecodedPacket): void {
  if (offset + 8 > end) {
    packet.malformed = !packet.snapCut;
    return;
  }
  packet.layers |= Layer.udp;
  packet.srcPort = data.readUInt16BE(offset);
  packet.dstPort = data.readUInt16BE(offset + 2);
  const udpLength = data.readUInt16BE(offset + 4);
  packet.payloadOffset = offset + 8;
  packet.payloadLength = Math.max(0, Math.min(udpLength, packet.payloadLength || udpLength) - 8);
}

function decodeIcmp(data: Buffer, offset: number, end: number, packet: DecodedPacket, layer: number): void {
  if (offset + 4 > end) {
    packet.malformed = !packet.snapCut;
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
}
