import type { Readable } from 'node:stream';
import { assertSupportedLinkType, decodeFrame } from './decode/decode-frame.ts';
import { DecodedPacket } from './decode/packet.ts';
import { readPcap, readPcapStream, type PcapHandlers, type PcapReadResult } from './pcap-reader.ts';

/** Reader callbacks that decode each record into one reused DecodedPacket. */
function decodingHandlers(onPacket: (packet: DecodedPacket) => void): PcapHandlers {
  const packet = new DecodedPacket();
  let linkType = -1;
  let index = 0;
  return {
    onHeader(header) {
      assertSupportedLinkType(header.linkLayerType);
      linkType = header.linkLayerType;
    },
    onRecord(record) {
      try {
        decodeFrame(linkType, record.data, record.capturedLength, record.originalLength, packet);
      } catch {
        // Decoders check bounds; this is the last line of defence: a bad frame must not end the read.
        packet.malformed = true;
      }
      packet.index = ++index;
      packet.timeSec = record.timeSec;
      onPacket(packet);
    },
  };
}

/** Reads and decodes a pcap file, calling `onPacket` with one reused DecodedPacket per frame. */
export async function decodePcap(path: string, onPacket: (packet: DecodedPacket) => void): Promise<PcapReadResult> {
  return readPcap(path, decodingHandlers(onPacket));
}

/** The same over a live pcap stream (tcpdump -w -), for the monitor. */
export async function decodePcapStream(stream: Readable, label: string, onPacket: (packet: DecodedPacket) => void): Promise<PcapReadResult> {
  return readPcapStream(stream, label, decodingHandlers(onPacket));
}
