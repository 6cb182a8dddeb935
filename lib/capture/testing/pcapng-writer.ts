import type { FrameRecord } from './pcap-writer.ts';

/** One interface of a test pcapng file. `tsresol` is the if_tsresol byte (6 = µs, 9 = ns, 0x80|n = 2^-n). */
export interface PcapngInterface {
  linkType: number;
  snapLength?: number;
  tsresol?: number;
  name?: string;
}

/** A packet of a test pcapng file: which interface, exact time, and the block kind to write it as. */
export interface PcapngPacket extends FrameRecord {
  interfaceId?: number;
  /** Exact nanoseconds within the second (overrides the fraction of timeSec). */
  ns?: number;
  /** 'simple' writes a Simple Packet Block (interface 0, no timestamp). */
  block?: 'enhanced' | 'simple';
}

class BlockWriter {
  constructor(private readonly littleEndian: boolean) {}

  u16(value: number): Buffer {
    const b = Buffer.alloc(2);
    if (this.littleEndian) b.writeUInt16LE(value);
    else b.writeUInt16BE(value);
    return b;
  }

  u32(value: number): Buffer {
    const b = Buffer.alloc(4);
    if (this.littleEndian) b.writeUInt32LE(value >>> 0);
    else b.writeUInt32BE(value >>> 0);
    return b;
  }

  padded(data: Buffer): Buffer {
    return Buffer.concat([data, Buffer.alloc((4 - (data.length % 4)) % 4)]);
  }

  option(code: number, value: Buffer): Buffer {
    return Buffer.concat([this.u16(code), this.u16(value.length), this.padded(value)]);
  }

  block(type: number, body: Buffer): Buffer {
    const length = 12 + body.length;
    return Buffer.concat([this.u32(type), this.u32(length), body, this.u32(length)]);
  }
}

/** Units of the interface's resolution since the epoch, as a 64-bit count split in two halves. */
function timestampUnits(packet: PcapngPacket, tsresol: number): [number, number] {
  const sec = BigInt(Math.floor(packet.timeSec));
  const ns = BigInt(packet.ns ?? Math.round((packet.timeSec - Math.floor(packet.timeSec)) * 1e9));
  const units = tsresol & 0x80 ? (sec << BigInt(tsresol & 0x7f)) + (ns << BigInt(tsresol & 0x7f)) / 1_000_000_000n : sec * 10n ** BigInt(tsresol) + (ns * 10n ** BigInt(tsresol)) / 1_000_000_000n;
  return [Number(units >> 32n), Number(units & 0xffffffffn)];
}

/**
 * A pcapng file for tests: section header in either byte order, one IDB per interface (with
 * if_tsresol and if_name), a name-resolution block and an unknown block a reader must skip, then
 * enhanced or simple packet blocks.
 */
export function buildPcapng(interfaces: PcapngInterface[], packets: PcapngPacket[], options: { littleEndian?: boolean } = {}): Buffer {
  const w = new BlockWriter(options.littleEndian ?? true);
  const shb = w.block(0x0a0d0d0a, Buffer.concat([w.u32(0x1a2b3c4d), w.u16(1), w.u16(0), Buffer.from('ffffffffffffffff', 'hex'), w.option(4, Buffer.from('hybrid-lab test writer')), w.u32(0)]));
  const idbs = interfaces.map((iface) => {
    const options = [iface.name ? w.option(2, Buffer.from(iface.name)) : Buffer.alloc(0), iface.tsresol !== undefined ? w.option(9, Buffer.from([iface.tsresol])) : Buffer.alloc(0), w.u32(0)];
    return w.block(1, Buffer.concat([w.u16(iface.linkType), w.u16(0), w.u32(iface.snapLength ?? 262144), ...options]));
  });
  // Name resolution: one IPv4 record then the end record.
  const nrb = w.block(4, Buffer.concat([w.u16(1), w.u16(12), w.padded(Buffer.concat([Buffer.from([10, 66, 0, 2]), Buffer.from('web\0\0\0\0\0')])), w.u16(0), w.u16(0)]));
  const unknown = w.block(0x0bad0001, Buffer.from('ignore me!!!'));
  const blocks = packets.map((packet) => {
    const captured = Math.min(packet.capturedLength ?? packet.frame.length, packet.frame.length);
    const data = w.padded(packet.frame.subarray(0, captured));
    if (packet.block === 'simple') return w.block(3, Buffer.concat([w.u32(packet.frame.length), data]));
    const id = packet.interfaceId ?? 0;
    const [high, low] = timestampUnits(packet, interfaces[id].tsresol ?? 6);
    return w.block(6, Buffer.concat([w.u32(id), w.u32(high), w.u32(low), w.u32(captured), w.u32(packet.frame.length), data]));
  });
  return Buffer.concat([shb, ...idbs, nrb, unknown, ...blocks]);
}
