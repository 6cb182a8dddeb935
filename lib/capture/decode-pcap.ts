import type { Readable } from 'node:stream';
import { assertSupportedLinkType, decodeFrame } from './decode/decode-frame.ts';
import { DecodedPacket } from './decode/packet.ts';
import { readPcap, readPcapStream, type PcapHandlers, type PcapReadResult } from './pcap-reader.ts';

/** Reader callbacks that decode each record into one reused DecodedPacket. */
function decodingHandlers(onPacket: (packet: DecodedPacket) => void): PcapHandlers {
  const packet = new DecodedPacket();
  let index = 0;
  return {
    onInterface(iface, id) {
      assertSupportedLinkType(iface.linkType, `interface ${id}${iface.name ? ` (${iface.name})` : ''}`);
    },
    onRecord(record) {
      try {
        decodeFrame(record.linkType, record.data, record.capturedLength, record.originalLength, packet);
      } catch (error) {
        // Decoders check bounds; this is the last line of defence: a bad frame must not end the read.
        packet.markMalformed(`decoder error: ${(error as Error).message}`);
      }
      packet.index = ++index;
      packet.interfaceId = record.interfaceId;
      packet.tsSec = record.tsSec;
      packet.tsNs = record.tsNs;
      packet.hasTime = record.hasTime;
      packet.timeSec = record.tsSec + record.tsNs / 1e9;
      onPacket(packet);
    },
  };
}

/** Reads and decodes a pcap or pcapng file, calling `onPacket` with one reused DecodedPacket per frame. */
export async function decodePcap(path: string, onPacket: (packet: DecodedPacket) => void): Promise<PcapReadResult> {
  return readPcap(path, decodingHandlers(onPacket));
}

/** The same over a live pcap stream (tcpdump -w -), for the monitor. */
export async function decodePcapStream(stream: Readable, label: string, onPacket: (packet: DecodedPacket) => void): Promise<PcapReadResult> {
  return readPcapStream(stream, label, decodingHandlers(onPacket));
}
