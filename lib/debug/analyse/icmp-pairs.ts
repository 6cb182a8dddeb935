import { Layer, type DecodedPacket } from '../../capture/decode/packet.ts';
import { formatEpoch } from '../../capture/read/timestamp-scale.ts';
import { elapsedNs, EVENT_LIMIT, PENDING_LIMIT, RESERVOIR_SIZE, type PacketAnalyser } from './analyser.ts';
import { EventList, evictOldest, Reservoir } from './bounded.ts';
import { IcmpErrorTally, type IcmpError } from './icmp-errors.ts';

/** An echo request as the capture saw it: addresses, identifier, sequence, frame. */
export interface EchoRequest {
  ipVersion: 4 | 6;
  from: string;
  to: string;
  id: number;
  seq: number;
  requestFrame: number;
}

/** An echo request and its reply, matched on addresses, identifier and sequence. */
export interface IcmpEchoPair extends EchoRequest {
  replyFrame: number;
  /** Exact round trip in integer nanoseconds; rttMs is the same value in milliseconds. */
  rttNs: number;
  rttMs: number;
}

export interface UnansweredEcho extends EchoRequest {
  time: string;
}

/** Echo requests and replies of one IP version (ICMP and ICMPv6 are counted apart). */
export interface EchoCounts {
  requests: number;
  replies: number;
  pairs: number;
  unanswered: number;
}

/** Per (from, to) echo statistics over every pair in the capture (RTTs from a bounded sample). */
export interface EchoPairStats {
  ipVersion: 4 | 6;
  from: string;
  to: string;
  replies: number;
  lost: number;
  rttNs: { min: number; max: number; mean: number; sample: number[]; exact: boolean };
}

export interface IcmpSummary {
  v4: EchoCounts;
  v6: EchoCounts;
  /** The first EVENT_LIMIT pairs / unanswered requests (v4.pairs + v6.pairs count them all). */
  pairs: IcmpEchoPair[];
  unanswered: UnansweredEcho[];
  byPair: EchoPairStats[];
  /** RTTs in ms, a uniform sample of all pairs (all of them up to RESERVOIR_SIZE), for charts. */
  rttSampleMs: number[];
  errors: IcmpError[];
}

interface Pending extends UnansweredEcho {
  tsSec: number;
  tsNs: number;
}

/** Pairs ICMP/ICMPv6 echo requests with replies and measures RTT in integer nanoseconds. */
export class IcmpPairAnalyser implements PacketAnalyser<IcmpSummary> {
  private readonly pending = new Map<string, Pending>();
  private readonly pairs = new EventList<IcmpEchoPair>(EVENT_LIMIT);
  private readonly unanswered = new EventList<UnansweredEcho>(EVENT_LIMIT);
  private readonly counts = { 4: { requests: 0, replies: 0, pairs: 0, unanswered: 0 }, 6: { requests: 0, replies: 0, pairs: 0, unanswered: 0 } };
  private readonly byPair = new Map<string, { stats: EchoPairStats; rtt: Reservoir }>();
  private readonly allRtts = new Reservoir(RESERVOIR_SIZE);
  private readonly errors = new IcmpErrorTally(EVENT_LIMIT);

  onPacket(packet: DecodedPacket): void {
    const v4 = (packet.layers & Layer.icmp) !== 0;
    if (!v4 && (packet.layers & Layer.icmpv6) === 0) return;
    const version = v4 ? 4 : 6;
    const type = packet.icmpType;
    const isRequest = v4 ? type === 8 : type === 128;
    const isReply = v4 ? type === 0 : type === 129;
    if (!isRequest && !isReply) {
      this.errors.add(packet, version);
      return;
    }
    if (packet.icmpId < 0) return;
    if (isRequest) this.onRequest(packet, version);
    else this.onReply(packet, version);
  }

  private onRequest(packet: DecodedPacket, version: 4 | 6): void {
    this.counts[version].requests++;
    // Echoes to broadcast/multicast are answered by others (or nobody by design): not pairs.
    if (packet.dstBroadcast || (version === 4 ? packet.dstV4 >>> 28 >= 14 : packet.dst.startsWith('ff'))) return;
    const key = `${version}|${packet.src}|${packet.dst}|${packet.icmpId}|${packet.icmpSeq}`;
    // A repeated request keeps the first one's time, as tshark does.
    if (this.pending.has(key)) return;
    this.pending.set(key, { ipVersion: version, from: packet.src, to: packet.dst, id: packet.icmpId, seq: packet.icmpSeq, requestFrame: packet.index, time: formatEpoch(packet.tsSec, packet.tsNs), tsSec: packet.tsSec, tsNs: packet.tsNs });
    evictOldest(this.pending, PENDING_LIMIT, (old) => this.lose(old));
  }

  private onReply(packet: DecodedPacket, version: 4 | 6): void {
    this.counts[version].replies++;
    const key = `${version}|${packet.dst}|${packet.src}|${packet.icmpId}|${packet.icmpSeq}`;
    const request = this.pending.get(key);
    if (!request) return;
    this.pending.delete(key);
    const rttNs = elapsedNs(request, packet);
    const { ipVersion, from, to, id, seq, requestFrame } = request;
    this.counts[version].pairs++;
    this.pairs.push({ ipVersion, from, to, id, seq, requestFrame, replyFrame: packet.index, rttNs, rttMs: rttNs / 1e6 });
    const group = this.group(version, from, to);
    group.stats.replies++;
    group.rtt.add(rttNs);
    this.allRtts.add(rttNs);
  }

  private group(version: 4 | 6, from: string, to: string): { stats: EchoPairStats; rtt: Reservoir } {
    const key = `${version}|${from}|${to}`;
    let group = this.byPair.get(key);
    if (!group) {
      group = { stats: { ipVersion: version, from, to, replies: 0, lost: 0, rttNs: { min: 0, max: 0, mean: 0, sample: [], exact: true } }, rtt: new Reservoir(1000, this.byPair.size + 1) };
      this.byPair.set(key, group);
    }
    return group;
  }

  private lose(request: Pending): void {
    const { tsSec: _s, tsNs: _n, ...echo } = request;
    this.counts[request.ipVersion].unanswered++;
    this.unanswered.push(echo);
    this.group(request.ipVersion, request.from, request.to).stats.lost++;
  }

  finish(): IcmpSummary {
    for (const request of this.pending.values()) this.lose(request);
    this.pending.clear();
    const byPair = [...this.byPair.values()].map(({ stats, rtt }) => ({
      ...stats,
      rttNs: { min: rtt.count ? rtt.min : 0, max: rtt.count ? rtt.max : 0, mean: rtt.count ? rtt.sum / rtt.count : 0, sample: rtt.sample, exact: rtt.exact },
    }));
    return { v4: this.counts[4], v6: this.counts[6], pairs: this.pairs.items, unanswered: this.unanswered.items, byPair, rttSampleMs: this.allRtts.sample.map((ns) => ns / 1e6), errors: this.errors.list() };
  }
}
