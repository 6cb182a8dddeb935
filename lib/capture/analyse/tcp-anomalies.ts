import { Layer, TcpFlag, type DecodedPacket } from '../decode/packet.ts';
import type { PacketAnalyser } from './analyser.ts';

export interface TcpEvent {
  frame: number;
  src: string;
  srcPort: number;
  dst: string;
  dstPort: number;
  timeSec: number;
}

export interface TcpSummary {
  segments: number;
  resets: TcpEvent[];
  retransmissions: TcpEvent[];
  /** SYNs that never saw a SYN-ACK back: connection attempts into silence or a filter. */
  unansweredSyns: TcpEvent[];
}

/** Sequence numbers wrap at 2^32: a is after b when the signed difference is positive. */
function seqAfter(a: number, b: number): boolean {
  return ((a - b) | 0) > 0;
}

/** Resets, retransmissions (segment fully below the highest sequence already sent), lone SYNs. */
export class TcpAnomalyAnalyser implements PacketAnalyser<TcpSummary> {
  private segments = 0;
  private readonly resets: TcpEvent[] = [];
  private readonly retransmissions: TcpEvent[] = [];
  /** Per direction: next sequence number expected after the highest byte seen. */
  private readonly nextSeq = new Map<string, number>();
  private readonly openSyns = new Map<string, TcpEvent>();

  onPacket(packet: DecodedPacket): void {
    if ((packet.layers & Layer.tcp) === 0) return;
    this.segments++;
    const flags = packet.tcpFlags;
    if (flags & TcpFlag.rst) {
      this.resets.push(this.event(packet));
      // A reset answers a SYN too ("connection refused"): that attempt was not met with silence.
      this.openSyns.delete(`${packet.dst}|${packet.dstPort}|${packet.src}|${packet.srcPort}`);
      return;
    }
    const key = `${packet.src}|${packet.srcPort}|${packet.dst}|${packet.dstPort}`;
    if ((flags & TcpFlag.syn) && !(flags & TcpFlag.ack)) this.openSyns.set(key, this.event(packet));
    if ((flags & TcpFlag.syn) && (flags & TcpFlag.ack)) this.openSyns.delete(`${packet.dst}|${packet.dstPort}|${packet.src}|${packet.srcPort}`);
    const length = packet.payloadLength + (flags & TcpFlag.syn ? 1 : 0) + (flags & TcpFlag.fin ? 1 : 0);
    if (length === 0) return;
    const end = (packet.tcpSeq + length) >>> 0;
    const expected = this.nextSeq.get(key);
    if (expected === undefined) {
      this.nextSeq.set(key, end);
      return;
    }
    // A one-byte segment just below the expected sequence is a keep-alive probe, not a resend.
    const keepAlive = packet.payloadLength <= 1 && ((packet.tcpSeq + 1) >>> 0) === expected && !(flags & (TcpFlag.syn | TcpFlag.fin));
    if (!seqAfter(end, expected) && !keepAlive) this.retransmissions.push(this.event(packet));
    if (seqAfter(end, expected)) this.nextSeq.set(key, end);
  }

  private event(packet: DecodedPacket): TcpEvent {
    return { frame: packet.index, src: packet.src, srcPort: packet.srcPort, dst: packet.dst, dstPort: packet.dstPort, timeSec: packet.timeSec };
  }

  finish(): TcpSummary {
    return { segments: this.segments, resets: this.resets, retransmissions: this.retransmissions, unansweredSyns: [...this.openSyns.values()] };
  }
}
