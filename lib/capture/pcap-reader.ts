import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { PcapFormatError } from './errors.ts';
import { CaptureStop, type CaptureFileHeader, type CaptureHandlers, type CaptureReadResult } from './read/capture-record.ts';
import { ClassicPcapParser, PCAP_MAGIC_MICRO, PCAP_MAGIC_NANO } from './read/pcap-classic.ts';
import { PCAPNG_SHB, PcapngParser } from './read/pcapng.ts';

export type { CaptureFileHeader as PcapFileHeader, CaptureHandlers as PcapHandlers, CaptureReadResult as PcapReadResult, CaptureRecord as PcapRecord } from './read/capture-record.ts';

const CHUNK_BYTES = 1 << 21;

/** Plain sentences for the file errors people hit, each with the path and what to do. */
function fileErrorSentence(path: string, error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ENOENT':
      return `cannot read capture ${path}: there is no such file. Fix: check the path given to --pcap`;
    case 'EISDIR':
      return `cannot read capture ${path}: it is a directory, not a capture file. Fix: give a .pcap or .pcapng file inside it to --pcap`;
    case 'EACCES':
    case 'EPERM':
      return `cannot read capture ${path}: permission denied. Fix: make the file readable (chmod a+r) or run as its owner`;
    default:
      return `cannot read capture ${path}: ${error.message}. Fix: check the file given to --pcap`;
  }
}

type Parser = ClassicPcapParser | PcapngParser;

/** Picks the parser from the first four bytes; anything else gets a sentence saying what it is not. */
function parserFor(head: Buffer, label: string, handlers: CaptureHandlers): Parser {
  if (head.length < 4) throw new PcapFormatError(`${label} is not a capture file: only ${head.length} bytes. Fix: give a pcap or pcapng file (tcpdump -w, dumpcap, tshark -w)`);
  const le = head.readUInt32LE(0);
  const be = head.readUInt32BE(0);
  if (be === PCAPNG_SHB) return new PcapngParser(handlers);
  if (le === PCAP_MAGIC_MICRO || le === PCAP_MAGIC_NANO || be === PCAP_MAGIC_MICRO || be === PCAP_MAGIC_NANO) {
    if (head.length < 24) throw new PcapFormatError(`${label} is not a complete pcap file: only ${head.length} bytes, a pcap header needs 24. Fix: capture again`);
    return new ClassicPcapParser(handlers);
  }
  throw new PcapFormatError(`${label} is not a pcap or pcapng file (first bytes ${head.toString('hex', 0, 4)}). Fix: give a capture written by tcpdump -w, dumpcap or tshark -w`);
}

/** Hands out the capture's bytes chunk by chunk; `carry` (bytes a parser could not use yet) comes first. */
interface ChunkSource {
  next(carry: Buffer | undefined): Promise<Buffer | undefined>;
  close(): Promise<void>;
}

/** Parses whatever a file shorter than 24 bytes holds (so the error names what it is). */
function parseShortFile(rest: Buffer, label: string, handlers: CaptureHandlers): { parser: Parser; used: number; stopReason?: string } {
  const parser = parserFor(rest, label, handlers);
  try {
    return { parser, used: parser.consume(rest, 0) };
  } catch (error) {
    if (!(error instanceof CaptureStop)) throw error;
    return { parser, used: 0, stopReason: error.message };
  }
}

/**
 * Feeds chunks to the format's parser, carrying a partial record over to the next chunk. Never
 * throws for a damaged body: a file cut short or a corrupt record header ends the read with
 * `truncated: true`; header and link-type problems reject with a PcapFormatError.
 */
async function pump(source: ChunkSource, label: string, handlers: CaptureHandlers): Promise<CaptureReadResult> {
  let parser: Parser | undefined;
  let carry: Buffer | undefined;
  let consumed = 0;
  let stopReason: string | undefined;
  try {
    for (let chunk = await source.next(undefined); chunk; chunk = await source.next(carry)) {
      parser ??= chunk.length >= 24 ? parserFor(chunk, label, handlers) : undefined;
      if (!parser) {
        carry = chunk;
        continue;
      }
      const used = parser.consume(chunk, consumed);
      consumed += used;
      carry = used < chunk.length ? chunk.subarray(used) : undefined;
    }
  } catch (error) {
    if (!(error instanceof CaptureStop)) throw error;
    stopReason = error.message;
  } finally {
    await source.close();
  }
  if (!parser) {
    const short = parseShortFile(carry ?? Buffer.alloc(0), label, handlers);
    parser = short.parser;
    consumed += short.used;
    carry = carry?.subarray(short.used);
    stopReason = short.stopReason;
  }
  if (!stopReason && carry && carry.length > 0 && parser.header) {
    stopReason = `file ends inside record ${parser.packets + 1} (${carry.length} bytes left over at offset ${consumed})`;
  }
  if (!parser.header) throw new PcapFormatError(`${label}: could not read the capture header. Fix: give a complete pcap or pcapng file`);
  return { header: parser.header, packets: parser.packets, truncated: stopReason !== undefined, truncationReason: stopReason, bytesRead: consumed };
}

/** Room before each read for the carried-over partial record (larger than any record we accept). */
const CARRY_ROOM = 1 << 19;

/**
 * Reads a file with two buffers: the next read runs while the parser works on the current one,
 * and a partial record is copied in front of the new data instead of concatenating whole chunks.
 */
async function fileSource(path: string): Promise<ChunkSource> {
  const handle = await open(path, 'r').catch((error: NodeJS.ErrnoException) => {
    throw new PcapFormatError(fileErrorSentence(path, error));
  });
  if ((await handle.stat()).isDirectory()) {
    await handle.close();
    throw new PcapFormatError(fileErrorSentence(path, Object.assign(new Error('is a directory'), { code: 'EISDIR' })));
  }
  const buffers = [Buffer.allocUnsafe(CARRY_ROOM + CHUNK_BYTES), Buffer.allocUnsafe(CARRY_ROOM + CHUNK_BYTES)];
  const read = (buffer: Buffer) =>
    handle.read(buffer, CARRY_ROOM, CHUNK_BYTES, null).catch((error: NodeJS.ErrnoException) => {
      throw new PcapFormatError(fileErrorSentence(path, error));
    });
  let current = 0;
  let pending = read(buffers[0]);
  return {
    async next(carry) {
      const { bytesRead } = await pending;
      if (bytesRead === 0) return undefined;
      const buffer = buffers[current];
      // Parsers stop long before a record this large; a bigger carry cannot happen.
      const carried = carry ? Math.min(carry.length, CARRY_ROOM) : 0;
      if (carry && carried > 0) carry.copy(buffer, CARRY_ROOM - carried, 0, carried);
      // The carry lived in the other buffer and is copied now, so the next read may fill it.
      current = 1 - current;
      pending = read(buffers[current]);
      return buffer.subarray(CARRY_ROOM - carried, CARRY_ROOM + bytesRead);
    },
    async close() {
      await pending.catch(() => {});
      await handle.close();
    },
  };
}

/** Chunks of a live stream (tcpdump -w -); a carry is joined to the next chunk. */
function streamSource(stream: Readable): ChunkSource {
  const iterator = (stream as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  return {
    async next(carry) {
      const { value, done } = await iterator.next();
      if (done) return undefined;
      return carry && carry.length > 0 ? Buffer.concat([carry, value as Buffer]) : (value as Buffer);
    },
    async close() {
      await iterator.return?.();
    },
  };
}

/** Streams a pcap or pcapng file record by record. */
export async function readPcap(path: string, handlers: CaptureHandlers): Promise<CaptureReadResult> {
  return pump(await fileSource(path), path, handlers);
}

/** Reads pcap from a live stream (tcpdump -w - stdout). */
export function readPcapStream(stream: Readable, label: string, handlers: CaptureHandlers): Promise<CaptureReadResult> {
  return pump(streamSource(stream), label, handlers);
}
