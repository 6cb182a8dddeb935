import { formatIpv4, formatIpv6 } from './addresses.ts';
import { Layer, type DecodedPacket } from './packet.ts';

/** The fields of an IP header the decoder keeps, for the outer datagram or one quoted in an ICMP error. */
export interface IpHeader {
  version: 4 | 6;
  src: string;
  dst: string;
  srcV4: number;
  dstV4: number;
  proto: number;
  ttl: number;
  /** Transport header offset; -1 when there is none to read (non-first fragment, too short). */
  transportOffset: number;
  /** Transport header + payload bytes the header announces (wire length, not the captured one). */
  payloadLength: number;
  fragment: boolean;
}

/** Where header problems go: the packet for the outer header, nowhere for a quoted one. */
export interface ProblemSink {
  headerMissing(headerEnd: number, what: string): void;
  markMalformed(reason: string): void;
}

/** For datagrams quoted in ICMP errors: cut by design, so nothing there is short or malformed. */
export const IGNORE_PROBLEMS: ProblemSink = { headerMissing() {}, markMalformed() {} };

function emptyHeader(): IpHeader {
  return { version: 4, src: '', dst: '', srcV4: -1, dstV4: -1, proto: -1, ttl: -1, transportOffset: -1, payloadLength: 0, fragment: false };
}

/** Reused for every outer header: the hot path allocates no header object per packet. */
const outerHeader = emptyHeader();

/** Reads an IPv4 header into `header`; returns undefined (and tells `sink` why) when it cannot. */
export function readIpv4(data: Buffer, offset: number, end: number, sink: ProblemSink, header: IpHeader = emptyHeader()): IpHeader | undefined {
  if (offset + 20 > end) {
    sink.headerMissing(offset + 20, 'IPv4 header');
    return undefined;
  }
  const versionIhl = data[offset];
  const headerLength = (versionIhl & 0x0f) * 4;
  if (versionIhl >> 4 !== 4 || headerLength < 20) {
    sink.markMalformed(`IPv4 header (version ${versionIhl >> 4}, header length ${headerLength}) is broken`);
    return undefined;
  }
  const totalLength = data.readUInt16BE(offset + 2);
  const srcV4 = data.readUInt32BE(offset + 12);
  const dstV4 = data.readUInt32BE(offset + 16);
  header.version = 4;
  header.src = formatIpv4(srcV4);
  header.dst = formatIpv4(dstV4);
  header.srcV4 = srcV4;
  header.dstV4 = dstV4;
  header.proto = data[offset + 9];
  header.ttl = data[offset + 8];
  header.transportOffset = -1;
  header.payloadLength = 0;
  header.fragment = false;
  if (totalLength < headerLength) {
    sink.markMalformed(`IPv4 total length ${totalLength} is shorter than its header`);
    return header;
  }
  if (offset + headerLength > end) {
    sink.headerMissing(offset + headerLength, 'IPv4 options');
    return header;
  }
  header.fragment = (data.readUInt16BE(offset + 6) & 0x1fff) !== 0;
  header.payloadLength = totalLength - headerLength;
  if (!header.fragment) header.transportOffset = offset + headerLength;
  return header;
}

const IPV6_HOP_BY_HOP = 0;
const IPV6_ROUTING = 43;
const IPV6_FRAGMENT = 44;
const IPV6_DESTINATION = 60;

/** Reads an IPv6 header into `header`, walking the common extension headers to the transport protocol. */
export function readIpv6(data: Buffer, offset: number, end: number, sink: ProblemSink, header: IpHeader = emptyHeader()): IpHeader | undefined {
  if (offset + 40 > end) {
    sink.headerMissing(offset + 40, 'IPv6 header');
    return undefined;
  }
  if (data[offset] >> 4 !== 6) {
    sink.markMalformed(`IPv6 header (version ${data[offset] >> 4}) is broken`);
    return undefined;
  }
  let remaining = data.readUInt16BE(offset + 4);
  let next = data[offset + 6];
  header.version = 6;
  header.src = formatIpv6(data, offset + 8);
  header.dst = formatIpv6(data, offset + 24);
  header.srcV4 = -1;
  header.dstV4 = -1;
  header.proto = next;
  header.ttl = data[offset + 7];
  header.transportOffset = -1;
  header.payloadLength = 0;
  header.fragment = false;
  let cursor = offset + 40;
  while (next === IPV6_HOP_BY_HOP || next === IPV6_ROUTING || next === IPV6_DESTINATION || next === IPV6_FRAGMENT) {
    if (cursor + 8 > end) {
      sink.headerMissing(cursor + 8, 'IPv6 extension header');
      return header;
    }
    const isFragment = next === IPV6_FRAGMENT;
    const length = isFragment ? 8 : (data[cursor + 1] + 1) * 8;
    if (isFragment && (data.readUInt16BE(cursor + 2) & 0xfff8) !== 0) {
      header.fragment = true;
      header.proto = data[cursor];
      return header;
    }
    next = data[cursor];
    cursor += length;
    remaining -= length;
  }
  header.proto = next;
  header.payloadLength = Math.max(0, remaining);
  header.transportOffset = cursor;
  return header;
}

/** The outer IP header into `packet`. Returns the transport offset, or -1. */
export function decodeIp(version: 4 | 6, data: Buffer, offset: number, end: number, packet: DecodedPacket): number {
  const header = version === 4 ? readIpv4(data, offset, end, packet, outerHeader) : readIpv6(data, offset, end, packet, outerHeader);
  if (!header) return -1;
  packet.layers |= version === 4 ? Layer.ipv4 : Layer.ipv6;
  if (header.fragment) packet.layers |= Layer.fragment;
  packet.ipVersion = version;
  packet.src = header.src;
  packet.dst = header.dst;
  packet.srcV4 = header.srcV4;
  packet.dstV4 = header.dstV4;
  packet.ipProto = header.proto;
  packet.ttl = header.ttl;
  packet.payloadLength = header.payloadLength;
  return header.transportOffset;
}
