import { LAYER_NAMES, Layer, type LayerName, type DecodedPacket } from '../../capture/decode/packet.ts';
import { formatEpoch, nsBetween } from '../../capture/read/timestamp-scale.ts';
import type { PacketAnalyser } from './analyser.ts';

export interface TimelineBucket {
  /** Seconds since the first packet. */
  startSec: number;
  packets: number;
  bytes: number;
}

export interface TrafficMix {
  packets: number;
  /** Bytes on the wire (original lengths). */
  bytes: number;
  /** Exact epoch times of the first and last frame ("1700000000.465646711"), and the span in ns. */
  firstTime: string;
  lastTime: string;
  durationNs: number;
  durationSec: number;
  /**
   * Frames per protocol as tshark's frame.protocols counts them: a protocol met anywhere in the
   * frame, including inside the datagram an ICMP error quotes.
   */
  protocolCounts: Record<LayerName, number>;
  /** Frames whose protocol was met only inside an ICMP error's quoted datagram (part of protocolCounts). */
  quotedOnlyCounts: Partial<Record<LayerName, number>>;
  snapCutPackets: number;
  /** Frames a header or DNS message of which was cut by the snap length (tshark's _ws.short). */
  shortPackets: number;
  /** Frames whose lengths point past their end (tshark's _ws.malformed). */
  malformedPackets: number;
  broadcastPackets: number;
  /** Multicast frames excluding broadcast. */
  multicastPackets: number;
  broadcastPercent: number;
  multicastPercent: number;
  timeline: TimelineBucket[];
  timelineBucketSec: number;
}

/** Buckets kept before their width doubles: bounded memory for a capture of any length. */
const MAX_BUCKETS = 240;

/** Counts per protocol, sizes, broadcast/multicast share and packets over time. */
export class TrafficMixAnalyser implements PacketAnalyser<TrafficMix> {
  private packets = 0;
  private bytes = 0;
  private firstSec = 0;
  private firstNs = 0;
  private lastSec = 0;
  private lastNs = 0;
  private readonly layerCounts = new Float64Array(LAYER_NAMES.length);
  private readonly quotedOnly = new Float64Array(LAYER_NAMES.length);
  private snapCut = 0;
  private short = 0;
  private malformed = 0;
  private broadcast = 0;
  private multicast = 0;
  private bucketSec = 1;
  private bucketPackets = new Float64Array(MAX_BUCKETS);
  private bucketBytes = new Float64Array(MAX_BUCKETS);

  onPacket(packet: DecodedPacket): void {
    if (this.packets === 0) {
      this.firstSec = this.lastSec = packet.tsSec;
      this.firstNs = this.lastNs = packet.tsNs;
    }
    this.packets++;
    this.bytes += packet.originalLength;
    if (packet.tsSec > this.lastSec || (packet.tsSec === this.lastSec && packet.tsNs > this.lastNs)) {
      this.lastSec = packet.tsSec;
      this.lastNs = packet.tsNs;
    }
    const layers = packet.layers | packet.quotedLayers;
    if (layers !== 0) {
      for (let bit = 0; bit < LAYER_NAMES.length; bit++) if (layers & (1 << bit)) this.layerCounts[bit]++;
      const quotedOnly = packet.quotedLayers & ~packet.layers;
      if (quotedOnly) for (let bit = 0; bit < LAYER_NAMES.length; bit++) if (quotedOnly & (1 << bit)) this.quotedOnly[bit]++;
    }
    if (packet.snapCut) this.snapCut++;
    if (packet.malformed) this.malformed++;
    else if (packet.short) this.short++;
    if (packet.dstBroadcast) this.broadcast++;
    else if (packet.dstMulticast) this.multicast++;
    this.countInTimeline(packet);
  }

  private countInTimeline(packet: DecodedPacket): void {
    const second = Math.max(0, packet.tsSec - this.firstSec - (packet.tsNs < this.firstNs ? 1 : 0));
    let bucket = Math.floor(second / this.bucketSec);
    while (bucket >= MAX_BUCKETS) {
      this.widenBuckets();
      bucket = Math.floor(second / this.bucketSec);
    }
    this.bucketPackets[bucket]++;
    this.bucketBytes[bucket] += packet.originalLength;
  }

  /** Doubles the bucket width, merging neighbours: the timeline never holds more than MAX_BUCKETS. */
  private widenBuckets(): void {
    const packets = new Float64Array(MAX_BUCKETS);
    const bytes = new Float64Array(MAX_BUCKETS);
    for (let i = 0; i < MAX_BUCKETS; i++) {
      packets[i >> 1] += this.bucketPackets[i];
      bytes[i >> 1] += this.bucketBytes[i];
    }
    this.bucketPackets = packets;
    this.bucketBytes = bytes;
    this.bucketSec *= 2;
  }

  finish(): TrafficMix {
    const protocolCounts = Object.fromEntries(LAYER_NAMES.map((name, bit) => [name, this.layerCounts[bit]])) as Record<LayerName, number>;
    const quotedOnlyCounts = Object.fromEntries(LAYER_NAMES.flatMap((name, bit) => (this.quotedOnly[bit] > 0 ? [[name, this.quotedOnly[bit]]] : []))) as Partial<Record<LayerName, number>>;
    const share = (n: number) => (this.packets === 0 ? 0 : Math.round((n / this.packets) * 10000) / 100);
    const durationNs = this.packets === 0 ? 0 : nsBetween(this.firstSec, this.firstNs, this.lastSec, this.lastNs);
    const used = this.packets === 0 ? 0 : Math.floor(Math.floor(durationNs / 1e9) / this.bucketSec) + 1;
    const timeline = Array.from({ length: used }, (_, i) => ({ startSec: i * this.bucketSec, packets: this.bucketPackets[i], bytes: this.bucketBytes[i] }));
    return {
      packets: this.packets,
      bytes: this.bytes,
      firstTime: this.packets === 0 ? '' : formatEpoch(this.firstSec, this.firstNs),
      lastTime: this.packets === 0 ? '' : formatEpoch(this.lastSec, this.lastNs),
      durationNs,
      durationSec: durationNs / 1e9,
      protocolCounts,
      quotedOnlyCounts,
      snapCutPackets: this.snapCut,
      shortPackets: this.short,
      malformedPackets: this.malformed,
      broadcastPackets: this.broadcast,
      multicastPackets: this.multicast,
      broadcastPercent: share(this.broadcast),
      multicastPercent: share(this.multicast),
      timeline,
      timelineBucketSec: this.bucketSec,
    };
  }
}

export { Layer };
