import { formatIpv4, formatIpv6 } from './addresses.ts';
import { Layer, type DecodedPacket } from './packet.ts';

/**
 * IPv4 header. Returns the transport offset, or -1 when there is no transport header to read
 * (too short, or a non-first fragment). `end` is trimmed to the IP total length by the caller's
 * use of the returned limit in `packet.payloadLength`.
 */
export function decodeIpv4(data: Buffer, offset: number, end: number, packet: DecodedPacket): number {
  if (offset + 20 > end) {
    packet.malformed = true;
    return -1;
  }
  const versionIhl = data[offset];
  const headerLength = (versionIhl & 0x0f) * 4;
  if (versionIhl >> 4 !== 4 || headerLength < 20) {
    packet.malformed = true;
    return -1;
  }
  packet.layers |= Layer.ipv4;
  packet.ipVersion = 4;
  const totalLength = data.readUInt16BE(offset + 2);
  packet.ttl = data[offset + 8];
  packet.ipProto = data[offset + 9];
  packet.srcV4 = data.readUInt32BE(offset + 12);
  packet.dstV4 = data.readUInt32BE(offset + 16);
  packet.src = formatIpv4(packet.srcV4);
  packet.dst = formatIpv4(packet.dstV4);
  if (offset + headerLength > end || totalLength < headerLength) {
    packet.malformed = true;
    return -1;
  }
  const fragmentOffset = data.readUInt16BE(offset + 6) & 0x1fff;
  if (fragmentOffset !== 0) {
    packet.layers |= Layer.fragment;
    return -1;
  }
  // Bytes of transport header + payload on the wire (not limited by the snaplen).
  packet.payloadLength = totalLength - headerLength;
  return offset + headerLength;
}

const IPV6_HOP_BY_HOP = 0;
const IPV6_ROUTING = 43;
const IPV6_FRAGMENT = 44;
const IPV6_DESTINATION = 60;

/** IPv6 header, walking the common extension headers to the transport protocol. */
export function decodeIpv6(data: Buffer, offset: number, end: number, packet: DecodedPacket): number {
  if (offset + 40 > end) {
    packet.malformed = true;
    return -1;
  }
  if (data[offset] >> 4 !== 6) {
    packet.malformed = true;
    return -1;
  }
  packet.layers |= Layer.ipv6;
  packet.ipVersion = 6;
  let remaining = data.readUInt16BE(offset + 4);
  let next = data[offset + 6];
  packet.ttl = data[offset + 7];
  packet.src = formatIpv6(data, offset + 8);
  packet.dst = formatIpv6(data, offset + 24);
  let cursor = offset + 40;
  while (next === IPV6_HOP_BY_HOP || next === IPV6_ROUTING || next === IPV6_DESTINATION || next === IPV6_FRAGMENT) {
    if (cursor + 8 > end) {
      packet.malformed = true;
      return -1;
    }
    const isFragment = next === IPV6_FRAGMENT;
    const length = isFragment ? 8 : (data[cursor + 1] + 1) * 8;
    if (isFragment && (data.readUInt16BE(cursor + 2) & 0xfff8) !== 0) {
      packet.layers |= Layer.fragment;
      packet.ipProto = data[cursor];
      return -1;
    }
    next = data[cursor];
    cursor += length;
    remaining -= length;
  }
  packet.ipProto = next;
  packet.payloadLength = Math.max(0, remaining);
  return cursor;
}
