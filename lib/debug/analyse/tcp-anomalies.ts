import { Layer, TcpFlag, type DecodedPacket } from '../../capture/decode/packet.ts';
import { formatEpoch } from '../../capture/read/timestamp-scale.ts';
import { EVENT_LIMIT, PENDING_LIMIT, type PacketAnalyser } from './analyser.ts';
import { EventList, evictOldest } from './bounded.ts';

export interface TcpEvent {
  frame: number;
  src: string;
  srcPort: number;
  dst: string;
  dstPort: number;
  time: string;
}

export interface TcpSummary {
  segments: number;
  /** Totals; the lists hold the first EVENT_LIMIT events. */
  resetCount: number;
  retransmissionCount: number;
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
  private readonly resets = new EventList<TcpEvent>(EVENT_LIMIT);
  private readonly retransmissions = new EventList<TcpEvent>(EVENT_LIMIT);
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
    if ((flags & TcpFlag.syn) && !(flags & TcpFlag.ack) && !this.openSyns.has(key)) {
      this.openSyns.set(key, this.event(packet));
      evictOldest(this.openSyns, PENDING_LIMIT, () => {});
    }
    if ((flags & TcpFlag.syn) && (flags & TcpFlag.ack)) this.openSyns.delete(`${packet.dst}|${packet.dstPort}|${packet.src}|${packet.srcPort}`);
    const length = packet.payloadLength + (flags & TcpFlag.syn ? 1 : 0) + (flags & TcpFlag.fin ? 1 : 0);
    if (length === 0) return;
    const end = (packet.tcpSeq + length) >>> 0;
    const expected = this.nextSeq.get(key);
    if (expected === undefined) {
      this.nextSeq.set(key, end);
      evictOldest(this.nextSeq, PENDING_LIMIT, () => {});
      return;
    }
    // A one-byte segment just below the expected sequence is a keep-alive probe, not a resend.
    const keepAlive = packet.payloadLength <= 1 && ((packet.tcpSeq + 1) >>> 0) === expected && !(flags & (TcpFlag.syn | TcpFlag.fin));
    if (!seqAfter(end, expected) && !keepAlive) this.retransmissions.push(this.event(packet));
    if (seqAfter(end, expected)) this.nextSeq.set(key, end);
  }

  private event(packet: DecodedPacket): TcpEvent {
    return { frame: packet.index, src: packet.src, srcPort: packet.srcPort, dst: packet.dst, dstPort: packet.dstPort, time: formatEpoch(packet.tsSec, packet.tsNs) };
  }

  finish(): TcpSummary {
    return {
      segments: this.segments,
      resetCount: this.resets.total,
      retransmissionCount: this.retransmissions.total,
      resets: this.resets.items,
      retransmissions: this.retransmissions.items,
      unansweredSyns: [...this.openSyns.values()].slice(0, EVENT_LIMIT),
    };
  }
}
