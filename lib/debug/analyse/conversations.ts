import { IpProto, Layer, type DecodedPacket } from '../../capture/decode/packet.ts';
import { formatElapsed, nsBetween } from '../../capture/read/timestamp-scale.ts';
import type { PacketAnalyser } from './analyser.ts';
import { pruneLightest } from './bounded.ts';

export type ConversationKind = 'ipv4' | 'ipv6' | 'tcp' | 'udp';

/**
 * Traffic between two endpoints, both directions in one row, as Wireshark's Conversations
 * window shows it: A is the sender of the first frame seen. Ports are -1 for IP pairs.
 */
export interface Conversation {
  kind: ConversationKind;
  a: string;
  aPort: number;
  b: string;
  bPort: number;
  framesAtoB: number;
  bytesAtoB: number;
  framesBtoA: number;
  bytesBtoA: number;
  /** First frame's time relative to the capture's first frame, and time to the last frame: integer ns. */
  relativeStartNs: number;
  durationNs: number;
  /** The same start as exact text ("12.000250001"): ns counts past 2^53 lose digits. */
  relativeStart: string;
}

export interface ConversationTable {
  /** Conversations seen in all (including any pruned). */
  count: number;
  /** Heaviest first (frames, then bytes). Complete unless `pruned` is non-zero. */
  rows: Conversation[];
  /** Conversations dropped to bound memory, with their frames and bytes (the lightest ones). */
  pruned: { conversations: number; frames: number; bytes: number };
}

export interface ConversationSummary {
  ip: ConversationTable;
  tcp: ConversationTable;
  udp: ConversationTable;
}

interface Tally extends Conversation {
  startSec: number;
  startNs: number;
  lastSec: number;
  lastNs: number;
}

/** One table (IP pairs or one transport's 5-tuples), bounded to the heaviest `keep` rows. */
class Table {
  // low address -> high address -> (ports) -> tally: no key string is built per packet.
  private readonly byLow = new Map<string, Map<string, Map<number, Tally>>>();
  private size = 0;
  private count = 0;
  private readonly pruned = { conversations: 0, frames: 0, bytes: 0 };

  constructor(private readonly keep: number) {}

  add(kind: ConversationKind, packet: DecodedPacket, withPorts: boolean, firstSec: number, firstNs: number): void {
    if (this.size >= this.keep * 2) this.prune();
    const srcLow = packet.src < packet.dst || (packet.src === packet.dst && packet.srcPort <= packet.dstPort);
    const low = srcLow ? packet.src : packet.dst;
    const high = srcLow ? packet.dst : packet.src;
    const portKey = withPorts ? (srcLow ? packet.srcPort * 65536 + packet.dstPort : packet.dstPort * 65536 + packet.srcPort) : 0;
    let byHigh = this.byLow.get(low);
    if (!byHigh) this.byLow.set(low, (byHigh = new Map()));
    let byPorts = byHigh.get(high);
    if (!byPorts) byHigh.set(high, (byPorts = new Map()));
    let tally = byPorts.get(portKey);
    if (!tally) {
      tally = { kind, a: packet.src, aPort: withPorts ? packet.srcPort : -1, b: packet.dst, bPort: withPorts ? packet.dstPort : -1, framesAtoB: 0, bytesAtoB: 0, framesBtoA: 0, bytesBtoA: 0, relativeStartNs: nsBetween(firstSec, firstNs, packet.tsSec, packet.tsNs), durationNs: 0, relativeStart: formatElapsed(firstSec, firstNs, packet.tsSec, packet.tsNs), startSec: packet.tsSec, startNs: packet.tsNs, lastSec: packet.tsSec, lastNs: packet.tsNs };
      byPorts.set(portKey, tally);
      this.count++;
      this.size++;
    }
    const aToB = tally.a === packet.src && (!withPorts || tally.aPort === packet.srcPort);
    if (aToB) {
      tally.framesAtoB++;
      tally.bytesAtoB += packet.originalLength;
    } else {
      tally.framesBtoA++;
      tally.bytesBtoA += packet.originalLength;
    }
    if (packet.tsSec > tally.lastSec || (packet.tsSec === tally.lastSec && packet.tsNs > tally.lastNs)) {
      tally.lastSec = packet.tsSec;
      tally.lastNs = packet.tsNs;
    }
  }

  private all(): Tally[] {
    const rows: Tally[] = [];
    for (const byHigh of this.byLow.values()) for (const byPorts of byHigh.values()) for (const tally of byPorts.values()) rows.push(tally);
    return rows;
  }

  private prune(): void {
    const flat = new Map(this.all().map((t) => [t, t]));
    pruneLightest(flat, this.keep, (t) => t.framesAtoB + t.framesBtoA, (t) => {
      this.pruned.conversations++;
      this.pruned.frames += t.framesAtoB + t.framesBtoA;
      this.pruned.bytes += t.bytesAtoB + t.bytesBtoA;
    });
    this.byLow.clear();
    this.size = 0;
    for (const t of flat.values()) this.reinsert(t);
  }

  private reinsert(t: Tally): void {
    const srcLow = t.a < t.b || (t.a === t.b && t.aPort <= t.bPort);
    const low = srcLow ? t.a : t.b;
    const high = srcLow ? t.b : t.a;
    const portKey = t.aPort < 0 ? 0 : srcLow ? t.aPort * 65536 + t.bPort : t.bPort * 65536 + t.aPort;
    let byHigh = this.byLow.get(low);
    if (!byHigh) this.byLow.set(low, (byHigh = new Map()));
    let byPorts = byHigh.get(high);
    if (!byPorts) byHigh.set(high, (byPorts = new Map()));
    byPorts.set(portKey, t);
    this.size++;
  }

  finish(): ConversationTable {
    const rows = this.all().map(({ startSec, startNs, lastSec, lastNs, ...row }) => ({ ...row, durationNs: nsBetween(startSec, startNs, lastSec, lastNs) }));
    rows.sort((x, y) => y.framesAtoB + y.framesBtoA - (x.framesAtoB + x.framesBtoA) || y.bytesAtoB + y.bytesBtoA - (x.bytesAtoB + x.bytesBtoA));
    return { count: this.count, rows, pruned: this.pruned };
  }
}

/** Wireshark-style conversations: per IP pair, per TCP and per UDP 5-tuple, both directions merged. */
export class ConversationAnalyser implements PacketAnalyser<ConversationSummary> {
  private readonly ip: Table;
  private readonly tcp: Table;
  private readonly udp: Table;
  private firstSec = -1;
  private firstNs = 0;

  constructor(keep = 50_000) {
    this.ip = new Table(keep);
    this.tcp = new Table(keep);
    this.udp = new Table(keep);
  }

  onPacket(packet: DecodedPacket): void {
    if (this.firstSec < 0) {
      this.firstSec = packet.tsSec;
      this.firstNs = packet.tsNs;
    }
    if (packet.ipVersion === 0) return;
    this.ip.add(packet.ipVersion === 4 ? 'ipv4' : 'ipv6', packet, false, this.firstSec, this.firstNs);
    if (packet.ipProto === IpProto.tcp && (packet.layers & Layer.tcp) !== 0) this.tcp.add('tcp', packet, true, this.firstSec, this.firstNs);
    else if (packet.ipProto === IpProto.udp && (packet.layers & Layer.udp) !== 0) this.udp.add('udp', packet, true, this.firstSec, this.firstNs);
  }

  finish(): ConversationSummary {
    return { ip: this.ip.finish(), tcp: this.tcp.finish(), udp: this.udp.finish() };
  }
}
