import dnsPacket from 'dns-packet';
import { Layer, type DecodedPacket } from './packet.ts';

export const DNS_PORT = 53;

/**
 * Decodes a DNS message from a UDP payload on port 53 (or a TCP segment holding a whole
 * length-prefixed message). Malformed payloads are flagged, never thrown.
 */
export function decodeDnsPayload(data: Buffer, packet: DecodedPacket, end: number): void {
  const isTcp = packet.has(Layer.tcp);
  let start = packet.payloadOffset;
  let stop = Math.min(end, packet.payloadOffset + packet.payloadLength);
  if (stop <= start) return; // TCP handshake segments carry no DNS.
  packet.layers |= Layer.dns;
  if (isTcp) {
    if (stop - start < 2) return;
    const messageLength = data.readUInt16BE(start);
    if (messageLength > stop - start - 2) {
      packet.dnsError = 'DNS over TCP message spans segments (not reassembled)';
      return;
    }
    start += 2;
    stop = start + messageLength;
  }
  if (packet.snapCut && packet.payloadOffset + packet.payloadLength > end) {
    packet.dnsError = 'DNS message cut by the capture snaplen';
    return;
  }
  try {
    packet.dns = dnsPacket.decode(data.subarray(start, stop));
  } catch (error) {
    packet.dnsError = `malformed DNS message: ${(error as Error).message}`;
  }
}
