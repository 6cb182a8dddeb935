import { decodeDnsMessage } from './dns-message.ts';
import { Layer, type DecodedPacket } from './packet.ts';

/**
 * Decodes a DNS message from a UDP payload on port 53 (or a TCP segment holding a whole
 * length-prefixed message). A message cut by the snap length is short, one whose lengths point
 * past its end is malformed (tshark's rules); neither throws, and what was read is kept.
 */
export function decodeDnsPayload(data: Buffer, packet: DecodedPacket, end: number): void {
  let start = packet.payloadOffset;
  let reportedEnd = packet.payloadOffset + packet.payloadLength;
  if (packet.payloadLength <= 0) return; // TCP handshake segments and empty datagrams carry no DNS.
  if (start >= end) {
    packet.markShort('UDP payload cut by the capture snap length');
    return;
  }
  if (packet.has(Layer.tcp)) {
    if (reportedEnd - start < 2 || end - start < 2) return;
    const messageLength = data.readUInt16BE(start);
    // Without reassembly a message spanning segments cannot be read; not counted as DNS.
    if (start + 2 + messageLength > reportedEnd) return;
    start += 2;
    reportedEnd = start + messageLength;
  }
  packet.layers |= Layer.dns;
  const message = decodeDnsMessage(data, start, end, reportedEnd);
  if (!message) {
    if (end < reportedEnd) packet.markShort('DNS header cut by the capture snap length');
    else packet.markMalformed('DNS message shorter than its ID and flags');
    return;
  }
  packet.dns = message;
  if (message.problem?.kind === 'short') packet.markShort(`DNS ${message.problem.detail}`);
  if (message.problem?.kind === 'malformed') packet.markMalformed(`DNS ${message.problem.detail}`);
}
