import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

export interface FrameRecord {
  timeSec: number;
  frame: Buffer;
  /** Bytes kept in the file (snaplen cut); defaults to the whole frame. */
  capturedLength?: number;
}

/** The 24-byte classic pcap header (microsecond, little-endian). */
export function pcapGlobalHeader(snaplen = 262_144, linkType = 1): Buffer {
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(snaplen, 16);
  header.writeUInt32LE(linkType, 20);
  return header;
}

export function pcapRecord(record: FrameRecord): Buffer {
  const captured = Math.min(record.capturedLength ?? record.frame.length, record.frame.length);
  const header = Buffer.alloc(16);
  const seconds = Math.floor(record.timeSec);
  header.writeUInt32LE(seconds, 0);
  header.writeUInt32LE(Math.round((record.timeSec - seconds) * 1e6), 4);
  header.writeUInt32LE(captured, 8);
  header.writeUInt32LE(record.frame.length, 12);
  return Buffer.concat([header, record.frame.subarray(0, captured)]);
}

/** Builds a whole pcap file in memory (small test captures). */
export function buildPcap(records: FrameRecord[], snaplen = 262_144, linkType = 1): Buffer {
  return Buffer.concat([pcapGlobalHeader(snaplen, linkType), ...records.map(pcapRecord)]);
}

/** Streams records to a file (the benchmark's million-packet capture). */
export async function writePcapFile(path: string, records: Iterable<FrameRecord>): Promise<void> {
  const out = createWriteStream(path);
  out.write(pcapGlobalHeader());
  for (const record of records) {
    if (!out.write(pcapRecord(record))) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}
