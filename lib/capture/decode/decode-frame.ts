import { PcapFormatError } from '../errors.ts';
import { DNS_PORT, decodeDnsPayload } from './dns.ts';
import { decodeIpv4, decodeIpv6 } from './ip.ts';
import {
  decodeArp,
  decodeEthernet,
  decodeLinuxCooked,
  decodeLinuxCooked2,
  ETHERTYPE_ARP,
  ETHERTYPE_IPV4,
  ETHERTYPE_IPV6,
  LINKTYPE_ETHERNET,
  LINKTYPE_LINUX_SLL,
  LINKTYPE_LINUX_SLL2,
} from './link.ts';
import { Layer, type DecodedPacket } from './packet.ts';
import { decodeTransport } from './transport.ts';

export const SUPPORTED_LINK_TYPES = [LINKTYPE_ETHERNET, LINKTYPE_LINUX_SLL, LINKTYPE_LINUX_SLL2];

/** Throws a clear error for a link type the decoder cannot read (checked once per file). */
export function assertSupportedLinkType(linkType: number): void {
  if (!SUPPORTED_LINK_TYPES.includes(linkType)) {
    throw new PcapFormatError(
      `pcap link type ${linkType} is not supported (supported: 1 Ethernet, 113 and 276 Linux cooked); capture on the bridge with tcpdump -i <bridge>`,
    );
  }
}

/**
 * Decodes one frame into `packet` (reset first). Reads only captured bytes: a frame cut by the
 * snaplen decodes as far as its headers go and is flagged `snapCut`.
 */
export function decodeFrame(linkType: number, data: Buffer, capturedLength: number, originalLength: number, packet: DecodedPacket): void {
  packet.reset();
  const end = Math.min(capturedLength, data.length);
  packet.capturedLength = end;
  packet.originalLength = originalLength;
  packet.snapCut = end < originalLength;
  const networkOffset =
    linkType === LINKTYPE_ETHERNET ? decodeEthernet(data, end, packet) : linkType === LINKTYPE_LINUX_SLL2 ? decodeLinuxCooked2(data, end, packet) : decodeLinuxCooked(data, end, packet);
  if (networkOffset < 0) return;
  let transportOffset = -1;
  switch (packet.etherType) {
    case ETHERTYPE_IPV4:
      transportOffset = decodeIpv4(data, networkOffset, end, packet);
      break;
    case ETHERTYPE_IPV6:
      transportOffset = decodeIpv6(data, networkOffset, end, packet);
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
