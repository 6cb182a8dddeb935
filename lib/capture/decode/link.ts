import { formatIpv4, formatMac } from './addresses.ts';
import { Layer, type DecodedPacket } from './packet.ts';

export const LINKTYPE_ETHERNET = 1;
export const LINKTYPE_LINUX_SLL = 113;
/** What `tcpdump -i any` writes on current tcpdump. */
export const LINKTYPE_LINUX_SLL2 = 276;
export const LINKTYPE_RAW = 101;
export const LINKTYPE_IPV4 = 228;
export const LINKTYPE_IPV6 = 229;
export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_ARP = 0x0806;
export const ETHERTYPE_IPV6 = 0x86dd;
const ETHERTYPE_VLAN = 0x8100;
const ETHERTYPE_QINQ = 0x88a8;

/**
 * Ethernet II header plus any 802.1Q / 802.1ad tags. Returns the offset of the network layer,
 * or -1 when the frame is too short. Sets etherType to the innermost type.
 */
export function decodeEthernet(data: Buffer, end: number, packet: DecodedPacket): number {
  if (end < 14) {
    packet.headerMissing(14, 'Ethernet header');
    return -1;
  }
  packet.layers |= Layer.ethernet;
  const first = data[0];
  packet.dstMulticast = (first & 1) === 1;
  packet.dstBroadcast = first === 0xff && data[1] === 0xff && data[2] === 0xff && data[3] === 0xff && data[4] === 0xff && data[5] === 0xff;
  let type = data.readUInt16BE(12);
  let offset = 14;
  while (type === ETHERTYPE_VLAN || type === ETHERTYPE_QINQ) {
    if (offset + 4 > end) {
      packet.headerMissing(offset + 4, 'VLAN tag');
      return -1;
    }
    packet.layers |= type === ETHERTYPE_QINQ ? Layer.ieee8021ad : Layer.vlan;
    // The outermost tag is the one a switch port sees; keep it.
    if (packet.vlanId < 0) packet.vlanId = data.readUInt16BE(offset) & 0x0fff;
    type = data.readUInt16BE(offset + 2);
    offset += 4;
  }
  packet.etherType = type;
  return offset;
}

/** Raw IP (link types 101, 228, 229): the version nibble says which. */
export function decodeRawIp(data: Buffer, end: number, packet: DecodedPacket): number {
  if (end < 1) {
    packet.headerMissing(1, 'IP header');
    return -1;
  }
  packet.layers |= Layer.rawIp;
  const version = data[0] >> 4;
  packet.etherType = version === 6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4;
  return 0;
}

/** Linux "cooked" header (tcpdump -i any). */
export function decodeLinuxCooked(data: Buffer, end: number, packet: DecodedPacket): number {
  if (end < 16) {
    packet.headerMissing(16, 'Linux cooked header');
    return -1;
  }
  packet.layers |= Layer.linuxCooked;
  const packetType = data.readUInt16BE(0);
  // 1 = broadcast, 2 = multicast (sent to us by somebody else).
  packet.dstBroadcast = packetType === 1;
  packet.dstMulticast = packetType === 1 || packetType === 2;
  packet.etherType = data.readUInt16BE(14);
  return 16;
}

/** Linux "cooked" v2 header: protocol first, packet type at byte 10, 20 bytes in all. */
export function decodeLinuxCooked2(data: Buffer, end: number, packet: DecodedPacket): number {
  if (end < 20) {
    packet.headerMissing(20, 'Linux cooked v2 header');
    return -1;
  }
  packet.layers |= Layer.linuxCooked;
  const packetType = data[10];
  packet.dstBroadcast = packetType === 1;
  packet.dstMulticast = packetType === 1 || packetType === 2;
  packet.etherType = data.readUInt16BE(0);
  return 20;
}

/** ARP for IPv4 over Ethernet; other hardware/protocol types are counted but not read. */
export function decodeArp(data: Buffer, offset: number, end: number, packet: DecodedPacket): void {
  if (offset + 8 > end) {
    packet.headerMissing(offset + 8, 'ARP header');
    return;
  }
  packet.layers |= Layer.arp;
  packet.arpOp = data.readUInt16BE(offset + 6);
  const hardwareLength = data[offset + 4];
  const protocolLength = data[offset + 5];
  if (hardwareLength !== 6 || protocolLength !== 4) return;
  if (offset + 28 > end) {
    packet.headerMissing(offset + 28, 'ARP addresses');
    return;
  }
  packet.arpSenderMac = formatMac(data, offset + 8);
  packet.arpSenderIp = formatIpv4(data.readUInt32BE(offset + 14));
  packet.arpTargetIp = formatIpv4(data.readUInt32BE(offset + 24));
}
