import { CaptureStop, type CaptureFileHeader, type CaptureHandlers, type CaptureInterface, type CaptureRecord } from './capture-record.ts';
import { MAX_PACKET_BYTES } from './pcap-classic.ts';
import { TimestampScale } from './timestamp-scale.ts';

export const PCAPNG_SHB = 0x0a0d0d0a;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const IDB = 1;
const OBSOLETE_PACKET_BLOCK = 2;
const SPB = 3;
const EPB = 6;
const OPT_END = 0;
const OPT_IF_NAME = 2;
const OPT_IF_TSRESOL = 9;
const OPT_IF_TSOFFSET = 14;
/** A block longer than this is a corrupt length, not a packet (largest packet + headers + options). */
const MAX_BLOCK_BYTES = MAX_PACKET_BYTES + 64 * 1024;

interface SectionInterface {
  globalIndex: number;
  linkType: number;
  snapLength: number;
  scale: TimestampScale;
}

/**
 * pcapng: Section Header, Interface Description (link type, snap length, if_tsresol, if_tsoffset
 * per interface), Enhanced / Simple / obsolete Packet blocks. Name resolution, statistics and
 * unknown blocks are skipped by their length. Each section has its own byte order and interfaces.
 */
export class PcapngParser {
  header: CaptureFileHeader | undefined;
  packets = 0;
  readonly interfaces: CaptureInterface[] = [];
  private section: SectionInterface[] = [];
  private le = true;
  private readonly record: CaptureRecord = { interfaceId: 0, linkType: 1, tsSec: 0, tsNs: 0, hasTime: true, capturedLength: 0, originalLength: 0, data: Buffer.alloc(0) };

  constructor(private readonly handlers: CaptureHandlers) {}

  private u32(buf: Buffer, at: number): number {
    return this.le ? buf.readUInt32LE(at) : buf.readUInt32BE(at);
  }

  private u16(buf: Buffer, at: number): number {
    return this.le ? buf.readUInt16LE(at) : buf.readUInt16BE(at);
  }

  consume(buf: Buffer, fileOffset: number): number {
    let offset = 0;
    while (offset + 12 <= buf.length) {
      const type = this.u32(buf, offset);
      if (type === PCAPNG_SHB) this.readByteOrder(buf, offset, fileOffset);
      const length = this.u32(buf, offset + 4);
      if (length < 12 || length % 4 !== 0 || length > MAX_BLOCK_BYTES) {
        throw new CaptureStop(`corrupt pcapng block at offset ${fileOffset + offset}: type 0x${type.toString(16)}, length ${length}`);
      }
      if (offset + length > buf.length) break;
      if (this.u32(buf, offset + length - 4) !== length) {
        throw new CaptureStop(`corrupt pcapng block at offset ${fileOffset + offset}: leading length ${length} differs from trailing length ${this.u32(buf, offset + length - 4)}`);
      }
      this.readBlock(type, buf, offset, length, fileOffset);
      offset += length;
    }
    return offset;
  }

  private readByteOrder(buf: Buffer, offset: number, fileOffset: number): void {
    const magic = buf.readUInt32LE(offset + 8);
    if (magic === BYTE_ORDER_MAGIC) this.le = true;
    else if (buf.readUInt32BE(offset + 8) === BYTE_ORDER_MAGIC) this.le = false;
    else throw new CaptureStop(`corrupt pcapng section header at offset ${fileOffset + offset}: byte-order magic 0x${magic.toString(16)}`);
  }

  private readBlock(type: number, buf: Buffer, offset: number, length: number, fileOffset: number): void {
    switch (type) {
      case PCAPNG_SHB:
        this.section = [];
        if (!this.header) {
          this.header = { format: 'pcapng', littleEndian: this.le, linkLayerType: -1, snapshotLength: 0, nanosecondTimestamps: false, interfaces: this.interfaces };
          this.handlers.onHeader?.(this.header);
        }
        return;
      case IDB:
        this.readInterface(buf, offset, length);
        return;
      case EPB:
      case OBSOLETE_PACKET_BLOCK:
        this.readPacket(type, buf, offset, length, fileOffset);
        return;
      case SPB:
        this.readSimplePacket(buf, offset, length, fileOffset);
        return;
      default:
      // Name resolution, interface statistics, decryption secrets, custom and unknown blocks.
    }
  }

  private readInterface(buf: Buffer, offset: number, length: number): void {
    if (!this.header) throw new CaptureStop(`pcapng interface block at offset ${offset} before any section header`);
    const linkType = this.u16(buf, offset + 8);
    const snapLength = this.u32(buf, offset + 12);
    let resolution = 6;
    let offsetSec = 0;
    let name: string | undefined;
    for (let at = offset + 16; at + 4 <= offset + length - 4; ) {
      const code = this.u16(buf, at);
      const size = this.u16(buf, at + 2);
      if (code === OPT_END || at + 4 + size > offset + length - 4) break;
      if (code === OPT_IF_TSRESOL && size >= 1) resolution = buf[at + 4];
      if (code === OPT_IF_TSOFFSET && size >= 8) offsetSec = this.u32(buf, at + 4 + (this.le ? 4 : 0)) * 4294967296 + this.u32(buf, at + 4 + (this.le ? 0 : 4));
      if (code === OPT_IF_NAME) name = buf.toString('utf8', at + 4, at + 4 + size).replace(/\0+$/, '');
      at += 4 + Math.ceil(size / 4) * 4;
    }
    const scale = new TimestampScale(resolution, offsetSec);
    const iface: CaptureInterface = { linkType, snapLength, resolution: scale.description, ...(name ? { name } : {}) };
    const globalIndex = this.interfaces.length;
    this.interfaces.push(iface);
    this.section.push({ globalIndex, linkType, snapLength, scale });
    if (globalIndex === 0) {
      this.header.linkLayerType = linkType;
      this.header.snapshotLength = snapLength;
      this.header.nanosecondTimestamps = scale.nanosecond;
    }
    this.handlers.onInterface?.(iface, globalIndex);
  }

  private interfaceFor(id: number, offset: number): SectionInterface {
    const iface = this.section[id];
    if (!iface) throw new CaptureStop(`pcapng packet block at offset ${offset} names interface ${id}, but the section describes ${this.section.length}`);
    return iface;
  }

  private readPacket(type: number, buf: Buffer, offset: number, length: number, fileOffset: number): void {
    const id = type === EPB ? this.u32(buf, offset + 8) : this.u16(buf, offset + 8);
    const iface = this.interfaceFor(id, fileOffset + offset);
    const captured = this.u32(buf, offset + 20);
    const original = this.u32(buf, offset + 24);
    if (captured > length - 32 || captured > MAX_PACKET_BYTES) {
      throw new CaptureStop(`corrupt pcapng packet block ${this.packets + 1} at offset ${fileOffset + offset}: captured length ${captured} in a ${length}-byte block`);
    }
    iface.scale.convert(this.u32(buf, offset + 12), this.u32(buf, offset + 16), this.record);
    this.record.hasTime = true;
    this.emit(iface, buf.subarray(offset + 28, offset + 28 + captured), captured, original);
  }

  private readSimplePacket(buf: Buffer, offset: number, length: number, fileOffset: number): void {
    const iface = this.interfaceFor(0, fileOffset + offset);
    const original = this.u32(buf, offset + 8);
    // A Simple Packet Block holds min(original length, snap length) bytes and no timestamp.
    const captured = Math.min(original, length - 16, iface.snapLength || Number.MAX_SAFE_INTEGER);
    this.record.tsSec = 0;
    this.record.tsNs = 0;
    this.record.hasTime = false;
    this.emit(iface, buf.subarray(offset + 12, offset + 12 + captured), captured, original);
  }

  private emit(iface: SectionInterface, data: Buffer, captured: number, original: number): void {
    const record = this.record;
    record.interfaceId = iface.globalIndex;
    record.linkType = iface.linkType;
    record.capturedLength = captured;
    record.originalLength = original;
    record.data = data;
    this.packets++;
    this.handlers.onRecord(record);
  }
}
