import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { PcapFormatError } from './errors.ts';
import { CaptureStop, type CaptureFileHeader, type CaptureHandlers, type CaptureReadResult } from './read/capture-record.ts';
import { ClassicPcapParser, PCAP_MAGIC_MICRO, PCAP_MAGIC_NANO } from './read/pcap-classic.ts';
import { PCAPNG_SHB, PcapngParser } from './read/pcapng.ts';

export type { CaptureFileHeader as PcapFileHeader, CaptureHandlers as PcapHandlers, CaptureReadResult as PcapReadResult, CaptureRecord as PcapRecord } from './read/capture-record.ts';

const CHUNK_BYTES = 1 << 20;

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

/**
 * Feeds chunks to the format's parser, carrying a partial record over to the next chunk. Never
 * throws for a damaged body: a file cut short or a corrupt record header ends the read with
 * `truncated: true`; header and link-type problems reject with a PcapFormatError.
 */
async function pump(chunks: AsyncIterable<Buffer>, label: string, handlers: CaptureHandlers): Promise<CaptureReadResult> {
  let parser: Parser | undefined;
  let carry: Buffer | undefined;
  let consumed = 0;
  let stopReason: string | undefined;
  try {
    for await (const chunk of chunks) {
      const buf = carry ? Buffer.concat([carry, chunk]) : chunk;
      parser ??= buf.length >= 24 ? parserFor(buf, label, handlers) : undefined;
      if (!parser) {
        carry = buf;
        continue;
      }
      const used = parser.consume(buf, consumed);
      consumed += used;
      carry = used < buf.length ? buf.subarray(used) : undefined;
    }
  } catch (error) {
    if (!(error instanceof CaptureStop)) throw error;
    stopReason = error.message;
  }
  if (!parser) {
    // A file shorter than one read: the header and maybe a record or two are all in `carry`.
    parser = parserFor(carry ?? Buffer.alloc(0), label, handlers);
    const rest = carry ?? Buffer.alloc(0);
    try {
      const used = parser.consume(rest, 0);
      consumed += used;
      carry = rest.subarray(used);
    } catch (error) {
      if (!(error instanceof CaptureStop)) throw error;
      stopReason = error.message;
    }
  }
  if (!stopReason && carry && carry.length > 0 && parser.header) {
    stopReason = `file ends inside record ${parser.packets + 1} (${carry.length} bytes left over at offset ${consumed})`;
  }
  if (!parser.header) throw new PcapFormatError(`${label}: could not read the capture header. Fix: give a complete pcap or pcapng file`);
  return { header: parser.header, packets: parser.packets, truncated: stopReason !== undefined, truncationReason: stopReason, bytesRead: consumed };
}

async function* fileChunks(path: string): AsyncGenerator<Buffer> {
  const handle = await open(path, 'r').catch((error: NodeJS.ErrnoException) => {
    throw new PcapFormatError(fileErrorSentence(path, error));
  });
  try {
    const stat = await handle.stat();
    if (stat.isDirectory()) throw new PcapFormatError(fileErrorSentence(path, Object.assign(new Error('is a directory'), { code: 'EISDIR' })));
    for (;;) {
      // A fresh buffer per chunk: records handed out may still be referenced until the next chunk.
      const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
      const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, null).catch((error: NodeJS.ErrnoException) => {
        throw new PcapFormatError(fileErrorSentence(path, error));
      });
      if (bytesRead === 0) return;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}

/** Streams a pcap or pcapng file record by record. */
export function readPcap(path: string, handlers: CaptureHandlers): Promise<CaptureReadResult> {
  return pump(fileChunks(path), path, handlers);
}

/** Reads pcap from a live stream (tcpdump -w - stdout). */
export function readPcapStream(stream: Readable, label: string, handlers: CaptureHandlers): Promise<CaptureReadResult> {
  return pump(stream as AsyncIterable<Buffer>, label, handlers);
}
