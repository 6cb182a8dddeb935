import { Layer, type DecodedPacket } from '../decode/packet.ts';
import { elapsedMs, type PacketAnalyser } from './analyser.ts';

/** An echo request and its reply, matched on addresses, identifier and sequence. */
export interface IcmpEchoPair {
  ipVersion: 4 | 6;
  from: string;
  to: string;
  id: number;
  seq: number;
  requestFrame: number;
  replyFrame: number;
  rttMs: number;
}

export interface UnansweredEcho {
  ipVersion: 4 | 6;
  from: string;
  to: string;
  id: number;
  seq: number;
  requestFrame: number;
  timeSec: number;
}

export interface IcmpSummary {
  requests: number;
  replies: number;
  pairs: IcmpEchoPair[];
  unanswered: UnansweredEcho[];
  /** ICMP errors (destination unreachable, time exceeded...) by "type/code" with a name. */
  errors: Array<{ kind: string; from: string; to: string; count: number }>;
}

const ICMP_ERROR_NAMES: Record<string, string> = {
  '4:3': 'destination unreachable',
  '4:11': 'time exceeded',
  '4:5': 'redirect',
  '6:1': 'destination unreachable',
  '6:3': 'time exceeded',
};

/** Pairs ICMP/ICMPv6 echo requests with replies and measures RTT. */
export class IcmpPairAnalyser implements PacketAnalyser<IcmpSummary> {
  private readonly pending = new Map<string, UnansweredEcho>();
  private readonly pairs: IcmpEchoPair[] = [];
  private readonly errors = new Map<string, { kind: string; from: string; to: string; count: number }>();
  private requests = 0;
  private replies = 0;

  onPacket(packet: DecodedPacket): void {
    const v4 = (packet.layers & Layer.icmp) !== 0;
    if (!v4 && (packet.layers & Layer.icmpv6) === 0) return;
    const type = packet.icmpType;
    const isRequest = v4 ? type === 8 : type === 128;
    const isReply = v4 ? type === 0 : type === 129;
    if (!isRequest && !isReply) {
      this.countError(packet, v4);
      return;
    }
    if (packet.icmpId < 0) return;
    const version = v4 ? 4 : 6;
    if (isRequest) {
      this.requests++;
      // Echoes to broadcast/multicast are answered by others (or nobody by design): not pairs.
      if (packet.dstBroadcast || (v4 ? packet.dstV4 >>> 28 >= 14 : packet.dst.startsWith('ff'))) return;
      const key = `${version}|${packet.src}|${packet.dst}|${packet.icmpId}|${packet.icmpSeq}`;
      this.pending.set(key, { ipVersion: version, from: packet.src, to: packet.dst, id: packet.icmpId, seq: packet.icmpSeq, requestFrame: packet.index, timeSec: packet.timeSec });
      return;
    }
    this.replies++;
    const key = `${version}|${packet.dst}|${packet.src}|${packet.icmpId}|${packet.icmpSeq}`;
    const request = this.pending.get(key);
    if (!request) return;
    this.pending.delete(key);
    const { ipVersion, from, to, id, seq, requestFrame } = request;
    this.pairs.push({ ipVersion, from, to, id, seq, requestFrame, replyFrame: packet.index, rttMs: elapsedMs(request.timeSec, packet.timeSec) });
  }

  private countError(packet: DecodedPacket, v4: boolean): void {
    const name = ICMP_ERROR_NAMES[`${v4 ? 4 : 6}:${packet.icmpType}`];
    if (!name) return;
    const key = `${name}|${packet.src}|${packet.dst}`;
    const entry = this.errors.get(key) ?? { kind: name, from: packet.src, to: packet.dst, count: 0 };
    entry.count++;
    this.errors.set(key, entry);
  }

  finish(): IcmpSummary {
    return {
      requests: this.requests,
      replies: this.replies,
      pairs: this.pairs,
      unanswered: [...this.pending.values()],
      errors: [...this.errors.values()],
    };
  }
}
