import { PcapFormatError } from '../errors.ts';
import { decodeDnsPayload } from './dns.ts';
import { decodeIp } from './ip.ts';
import {
  decodeArp,
  decodeEthernet,
  decodeLinuxCooked,
  decodeLinuxCooked2,
  decodeRawIp,
  ETHERTYPE_ARP,
  ETHERTYPE_IPV4,
  ETHERTYPE_IPV6,
  LINKTYPE_ETHERNET,
  LINKTYPE_IPV4,
  LINKTYPE_IPV6,
  LINKTYPE_LINUX_SLL,
  LINKTYPE_LINUX_SLL2,
  LINKTYPE_RAW,
} from './link.ts';
import { Layer, type DecodedPacket } from './packet.ts';
import { decodeTransport, DNS_PORT } from './transport.ts';

export const SUPPORTED_LINK_TYPES = [LINKTYPE_ETHERNET, LINKTYPE_LINUX_SLL, LINKTYPE_LINUX_SLL2, LINKTYPE_RAW, LINKTYPE_IPV4, LINKTYPE_IPV6];

const LINK_TYPE_NAMES: Record<number, string> = { 105: '802.11 Wi-Fi', 127: '802.11 with radiotap', 0: 'BSD loopback', 113: 'Linux cooked', 276: 'Linux cooked v2' };

/** Throws a clear error for a link type the decoder cannot read (checked once per interface). */
export function assertSupportedLinkType(linkType: number, where = 'the capture'): void {
  if (!SUPPORTED_LINK_TYPES.includes(linkType)) {
    const name = LINK_TYPE_NAMES[linkType] ? ` (${LINK_TYPE_NAMES[linkType]})` : '';
    throw new PcapFormatError(
      `link type ${linkType}${name} of ${where} is not supported (supported: 1 Ethernet, 113 and 276 Linux cooked, 101/228/229 raw IP). Fix: capture on the lab bridge with tcpdump -i <bridge>`,
    );
  }
}

function linkLayer(linkType: number, data: Buffer, end: number, packet: DecodedPacket): number {
  switch (linkType) {
    case LINKTYPE_ETHERNET:
      return decodeEthernet(data, end, packet);
    case LINKTYPE_LINUX_SLL2:
      return decodeLinuxCooked2(data, end, packet);
    case LINKTYPE_LINUX_SLL:
      return decodeLinuxCooked(data, end, packet);
    default:
      return decodeRawIp(data, end, packet);
  }
}

/**
 * Decodes one frame into `packet` (reset first). Reads only captured bytes: a frame cut by the
 * snaplen decodes as far as its headers go and is flagged `snapCut` (and `short` when a header
 * or the DNS message was cut).
 */
export function decodeFrame(linkType: number, data: Buffer, capturedLength: number, originalLength: number, packet: DecodedPacket): void {
  packet.reset();
  const end = Math.min(capturedLength, data.length);
  packet.capturedLength = end;
  packet.originalLength = originalLength;
  packet.snapCut = end < originalLength;
  const networkOffset = linkLayer(linkType, data, end, packet);
  if (networkOffset < 0) return;
  let transportOffset = -1;
  switch (packet.etherType) {
    case ETHERTYPE_IPV4:
      transportOffset = decodeIp(4, data, networkOffset, end, packet);
      break;
    case ETHERTYPE_IPV6:
      transportOffset = decodeIp(6, data, networkOffset, end, packet);
      break;
    case ETHERTYPE_ARP:
      decodeArp(data, networkOffset, end, packet);
      return;
    default:
      return;
  }
  if (transportOffset < 0) return;
  decodeTransport(data, transportOffset, end, packet);
  // DNS is decoded only on port 53: the only expensive decode, and rare in bulk traffic.
  if ((packet.srcPort === DNS_PORT || packet.dstPort === DNS_PORT) && (packet.layers & (Layer.udp | Layer.tcp)) !== 0) {
    decodeDnsPayload(data, packet, end);
  }
}
