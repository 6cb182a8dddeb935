/**
 * Counts pcap records in a byte stream as it arrives (tcpdump -w - output), without buffering
 * packets: only the position of the next record header is tracked across chunks.
 */
export class PcapRecordCounter {
  packets = 0;
  bytes = 0;
  private littleEndian = true;
  private headerSeen = false;
  /** Bytes still to skip before the next record header. */
  private skip = 0;
  /** Partial header bytes carried over between chunks. */
  private partial = Buffer.alloc(0);

  push(chunk: Buffer): void {
    const data = this.partial.length > 0 ? Buffer.concat([this.partial, chunk]) : chunk;
    this.partial = Buffer.alloc(0);
    let offset = 0;
    if (!this.headerSeen) {
      if (data.length < 24) {
        this.partial = Buffer.from(data);
        return;
      }
      this.littleEndian = data.readUInt32LE(0) === 0xa1b2c3d4 || data.readUInt32LE(0) === 0xa1b23c4d;
      this.headerSeen = true;
      offset = 24;
    }
    for (;;) {
      if (this.skip > 0) {
        const skipped = Math.min(this.skip, data.length - offset);
        this.skip -= skipped;
        offset += skipped;
        if (this.skip > 0) return;
      }
      if (data.length - offset < 16) {
        this.partial = Buffer.from(data.subarray(offset));
        return;
      }
      const captured = this.littleEndian ? data.readUInt32LE(offset + 8) : data.readUInt32BE(offset + 8);
      const original = this.littleEndian ? data.readUInt32LE(offset + 12) : data.readUInt32BE(offset + 12);
      this.packets++;
      this.bytes += original;
      offset += 16;
      this.skip = captured;
    }
  }
}
