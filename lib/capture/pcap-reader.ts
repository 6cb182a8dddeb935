import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Transform, type Readable } from 'node:stream';
import pcapParser from 'pcap-parser';
import { PcapFormatError } from './errors.ts';

/** The pcap global header, as pcap-parser reports it (plus what we learnt from the magic). */
export interface PcapFileHeader {
  linkLayerType: number;
  snapshotLength: number;
  /** Timestamps in the file count nanoseconds (magic a1b23c4d) rather than microseconds. */
  nanosecondTimestamps: boolean;
}

/** One record. `data` is only valid during the callback: the reader does not copy it. */
export interface PcapRecord {
  /** Seconds since the epoch, fractional (microsecond precision). */
  timeSec: number;
  capturedLength: number;
  originalLength: number;
  data: Buffer;
}

export interface PcapReadResult {
  header: PcapFileHeader;
  packets: number;
  /** The file ended inside a record, or a record header was impossible: `packets` is what came before. */
  truncated: boolean;
  truncationReason?: string;
  bytesRead: number;
}

const MAGIC_MICRO = 0xa1b2c3d4;
const MAGIC_NANO = 0xa1b23c4d;
const MAGIC_PCAPNG = 0x0a0d0d0a;
const GLOBAL_HEADER_BYTES = 24;
const RECORD_HEADER_BYTES = 16;
/** Larger than any real snaplen; a record claiming more is a corrupt header, not a packet. */
const MAX_RECORD_BYTES = 262_144 * 4;

interface MagicInfo {
  nanosecond: boolean;
}

/** Checks the first bytes so unsupported formats get a clear message before pcap-parser sees them. */
async function inspectMagic(path: string): Promise<MagicInfo> {
  const handle = await open(path, 'r').catch((error: NodeJS.ErrnoException) => {
    throw new PcapFormatError(`cannot open capture ${path}: ${error.code ?? error.message}`);
  });
  try {
    const head = Buffer.alloc(GLOBAL_HEADER_BYTES);
    const { bytesRead } = await handle.read(head, 0, GLOBAL_HEADER_BYTES, 0);
    if (bytesRead < GLOBAL_HEADER_BYTES) {
      throw new PcapFormatError(`${path} is not a pcap file: only ${bytesRead} bytes, a pcap header needs 24`);
    }
    const be = head.readUInt32BE(0);
    const le = head.readUInt32LE(0);
    if (be === MAGIC_PCAPNG) {
      throw new PcapFormatError(
        `${path} is pcapng, which is not supported; convert it with \`editcap -F pcap ${path} out.pcap\` or capture with \`tcpdump -w\` (classic pcap)`,
      );
    }
    if (be === MAGIC_MICRO || le === MAGIC_MICRO) return { nanosecond: false };
    if (be === MAGIC_NANO || le === MAGIC_NANO) return { nanosecond: true };
    throw new PcapFormatError(`${path} is not a pcap file (magic number ${head.toString('hex', 0, 4)})`);
  } finally {
    await handle.close();
  }
}

/** Rewrites a nanosecond magic to the microsecond one so pcap-parser accepts the file; we rescale later. */
function nanosecondMagicRewriter(): Transform {
  let first = true;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      if (first && chunk.length >= 4) {
        first = false;
        const copy = Buffer.from(chunk);
        if (copy.readUInt32BE(0) === MAGIC_NANO) copy.writeUInt32BE(MAGIC_MICRO, 0);
        else copy.writeUInt32LE(MAGIC_MICRO, 0);
        callback(null, copy);
        return;
      }
      callback(null, chunk);
    },
  });
}

/**
 * Streams a classic pcap file record by record through pcap-parser. Never throws for a damaged
 * body: a file cut short or a corrupt record header ends the read with `truncated: true`.
 */
export interface PcapHandlers {
  /** Called once with the global header; throwing here rejects the read with that error. */
  onHeader?: (header: PcapFileHeader) => void;
  onRecord: (record: PcapRecord) => void;
}

export async function readPcap(path: string, handlers: PcapHandlers): Promise<PcapReadResult> {
  const magic = await inspectMagic(path);
  const fileStream = createReadStream(path, { highWaterMark: 1 << 20 });
  return readPcapFrom(fileStream, path, magic, handlers);
}

/**
 * Reads pcap from a live stream (tcpdump -w - stdout). tcpdump writes microsecond pcap, so no
 * magic check ahead: pcap-parser rejects anything else.
 */
export function readPcapStream(stream: Readable, label: string, handlers: PcapHandlers): Promise<PcapReadResult> {
  return readPcapFrom(stream, label, { nanosecond: false }, handlers);
}

function readPcapFrom(fileStream: Readable, path: string, magic: MagicInfo, handlers: PcapHandlers): Promise<PcapReadResult> {
  const { onRecord } = handlers;
  const input = magic.nanosecond ? fileStream.pipe(nanosecondMagicRewriter()) : fileStream;
  const parser = pcapParser.parse(input);
  const fractionScale = magic.nanosecond ? 1e-9 : 1e-6;

  let header: PcapFileHeader | undefined;
  let packets = 0;
  let bytesRead = GLOBAL_HEADER_BYTES;
  // Set between a record header and its body: the file ending there means it was cut short.
  let inRecord = false;
  // One record object reused for every packet: the hot path allocates nothing of ours.
  const record: PcapRecord = { timeSec: 0, capturedLength: 0, originalLength: 0, data: Buffer.alloc(0) };
  let stopReason: string | undefined;

  return new Promise<PcapReadResult>((resolve, reject) => {
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      if (!header) {
        reject(new PcapFormatError(`${path}: could not read the pcap header`));
        return;
      }
      const leftover = (parser as unknown as { buffer: Buffer | null }).buffer?.length ?? 0;
      if (!stopReason && (leftover > 0 || inRecord)) {
        stopReason = `file ends inside record ${packets + 1} (${leftover} bytes left over at offset ${bytesRead})`;
      }
      resolve({ header, packets, truncated: stopReason !== undefined, truncationReason: stopReason, bytesRead });
    };
    const stop = (reason: string) => {
      stopReason = reason;
      (parser as unknown as { errored: boolean }).errored = true;
      fileStream.destroy();
      finish();
    };
    parser.on('globalHeader', (global: { linkLayerType: number; snapshotLength: number }) => {
      header = { linkLayerType: global.linkLayerType, snapshotLength: global.snapshotLength, nanosecondTimestamps: magic.nanosecond };
      try {
        handlers.onHeader?.(header);
      } catch (error) {
        fail(error as Error);
      }
    });
    parser.on('packetHeader', (h: { timestampSeconds: number; timestampMicroseconds: number; capturedLength: number; originalLength: number }) => {
      if (stopReason) return;
      if (h.capturedLength > MAX_RECORD_BYTES || h.capturedLength > h.originalLength) {
        stop(`corrupt record header ${packets + 1} at offset ${bytesRead}: captured length ${h.capturedLength}, original length ${h.originalLength}`);
        return;
      }
      inRecord = true;
      record.timeSec = h.timestampSeconds + h.timestampMicroseconds * fractionScale;
      record.capturedLength = h.capturedLength;
      record.originalLength = h.originalLength;
    });
    parser.on('packetData', (data: Buffer) => {
      if (stopReason) return;
      packets++;
      bytesRead += RECORD_HEADER_BYTES + data.length;
      inRecord = false;
      record.data = data;
      onRecord(record);
    });
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      stopReason = error.message;
      (parser as unknown as { errored: boolean }).errored = true;
      fileStream.destroy();
      reject(error);
    };
    parser.on('error', (error: Error) => fail(new PcapFormatError(`${path}: ${error.message}`)));
    parser.on('end', finish);
    fileStream.on('close', finish);
  });
}
