import { assertSupportedLinkType, decodeFrame } from './decode/decode-frame.ts';
import { DecodedPacket } from './decode/packet.ts';
import { readPcap, type PcapReadResult } from './pcap-reader.ts';

/** Reads and decodes a pcap file, calling `onPacket` with one reused DecodedPacket per frame. */
export async function decodePcap(path: string, onPacket: (packet: DecodedPacket) => void): Promise<PcapReadResult> {
  const packet = new DecodedPacket();
  let linkType = -1;
  let index = 0;
  return readPcap(path, {
    onHeader(header) {
      assertSupportedLinkType(header.linkLayerType);
      linkType = header.linkLayerType;
    },
    onRecord(record) {
      decodeFrame(linkType, record.data, record.capturedLength, record.originalLength, packet);
      packet.index = ++index;
      packet.timeSec = record.timeSec;
      onPacket(packet);
    },
  });
}
