import { CaptureStop, type CaptureFileHeader, type CaptureHandlers, type CaptureRecord } from './capture-record.ts';
import { TimestampScale } from './timestamp-scale.ts';

export const PCAP_MAGIC_MICRO = 0xa1b2c3d4;
export const PCAP_MAGIC_NANO = 0xa1b23c4d;
export const PCAP_GLOBAL_HEADER_BYTES = 24;
const RECORD_HEADER_BYTES = 16;
/** Wireshark's limit for one packet (WTAP_MAX_PACKET_SIZE_STANDARD); more is a corrupt header. */
export const MAX_PACKET_BYTES = 262_144;

/** Classic pcap (µs or ns, either byte order): a 24-byte header then 16-byte record headers. */
export class ClassicPcapParser {
  header: CaptureFileHeader | undefined;
  packets = 0;
  private littleEndian = true;
  private nanosecond = false;
  private readonly record: CaptureRecord = { interfaceId: 0, linkType: 1, tsSec: 0, tsNs: 0, hasTime: true, capturedLength: 0, originalLength: 0, data: Buffer.alloc(0) };
  private readonly scale = new TimestampScale(6);

  constructor(private readonly handlers: CaptureHandlers) {}

  /** Parses whole records from `buf`; returns how many bytes were used (the rest waits for more). */
  consume(buf: Buffer, fileOffset: number): number {
    let offset = 0;
    if (!this.header) {
      if (buf.length < PCAP_GLOBAL_HEADER_BYTES) return 0;
      this.readGlobalHeader(buf);
      offset = PCAP_GLOBAL_HEADER_BYTES;
    }
    const le = this.littleEndian;
    const record = this.record;
    const end = buf.length;
    while (offset + RECORD_HEADER_BYTES <= end) {
      const captured = le ? buf.readUInt32LE(offset + 8) : buf.readUInt32BE(offset + 8);
      const original = le ? buf.readUInt32LE(offset + 12) : buf.readUInt32BE(offset + 12);
      if (captured > MAX_PACKET_BYTES || captured > original) {
        throw new CaptureStop(`corrupt record header ${this.packets + 1} at offset ${fileOffset + offset}: captured length ${captured}, original length ${original}`);
      }
      if (offset + RECORD_HEADER_BYTES + captured > end) break;
      const seconds = le ? buf.readUInt32LE(offset) : buf.readUInt32BE(offset);
      const fraction = le ? buf.readUInt32LE(offset + 4) : buf.readUInt32BE(offset + 4);
      record.tsSec = seconds;
      record.tsNs = this.nanosecond ? fraction : fraction * 1000;
      record.capturedLength = captured;
      record.originalLength = original;
      record.data = buf.subarray(offset + RECORD_HEADER_BYTES, offset + RECORD_HEADER_BYTES + captured);
      this.packets++;
      this.handlers.onRecord(record);
      offset += RECORD_HEADER_BYTES + captured;
    }
    return offset;
  }

  private readGlobalHeader(buf: Buffer): void {
    const le = buf.readUInt32LE(0);
    this.littleEndian = le === PCAP_MAGIC_MICRO || le === PCAP_MAGIC_NANO;
    this.nanosecond = (this.littleEndian ? le : buf.readUInt32BE(0)) === PCAP_MAGIC_NANO;
    const snapLength = this.littleEndian ? buf.readUInt32LE(16) : buf.readUInt32BE(16);
    // The upper bits of the link-type word carry FCS information, not the type.
    const linkType = (this.littleEndian ? buf.readUInt32LE(20) : buf.readUInt32BE(20)) & 0xffff;
    this.record.linkType = linkType;
    const iface = { linkType, snapLength, resolution: this.nanosecond ? 'ns' : this.scale.description };
    this.header = { format: 'pcap', littleEndian: this.littleEndian, linkLayerType: linkType, snapshotLength: snapLength, nanosecondTimestamps: this.nanosecond, interfaces: [iface] };
    this.handlers.onHeader?.(this.header);
    this.handlers.onInterface?.(iface, 0);
  }
}
