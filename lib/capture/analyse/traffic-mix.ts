import { LAYER_NAMES, Layer, type LayerName, type DecodedPacket } from '../decode/packet.ts';
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
  firstSec: number;
  lastSec: number;
  durationSec: number;
  protocolCounts: Record<LayerName, number>;
  snapCutPackets: number;
  malformedPackets: number;
  broadcastPackets: number;
  /** Multicast frames excluding broadcast. */
  multicastPackets: number;
  broadcastPercent: number;
  multicastPercent: number;
  timeline: TimelineBucket[];
  timelineBucketSec: number;
}

/** Counts per protocol, sizes, broadcast/multicast share and packets over time. */
export class TrafficMixAnalyser implements PacketAnalyser<TrafficMix> {
  private packets = 0;
  private bytes = 0;
  private firstSec = Number.NaN;
  private lastSec = Number.NaN;
  private readonly layerCounts = new Float64Array(LAYER_NAMES.length);
  private snapCut = 0;
  private malformed = 0;
  private broadcast = 0;
  private multicast = 0;
  // Per-second counts keyed by whole seconds since the first packet.
  private readonly secondPackets = new Map<number, number>();
  private readonly secondBytes = new Map<number, number>();

  onPacket(packet: DecodedPacket): void {
    if (this.packets === 0) this.firstSec = packet.timeSec;
    this.packets++;
    this.bytes += packet.originalLength;
    if (!(packet.timeSec < this.lastSec)) this.lastSec = packet.timeSec;
    const layers = packet.layers;
    for (let bit = 0; bit < LAYER_NAMES.length; bit++) if (layers & (1 << bit)) this.layerCounts[bit]++;
    if (packet.snapCut) this.snapCut++;
    if (packet.malformed || packet.dnsError) this.malformed++;
    if (packet.dstBroadcast) this.broadcast++;
    else if (packet.dstMulticast) this.multicast++;
    const second = Math.max(0, Math.floor(packet.timeSec - this.firstSec));
    this.secondPackets.set(second, (this.secondPackets.get(second) ?? 0) + 1);
    this.secondBytes.set(second, (this.secondBytes.get(second) ?? 0) + packet.originalLength);
  }

  finish(): TrafficMix {
    const protocolCounts = Object.fromEntries(LAYER_NAMES.map((name, bit) => [name, this.layerCounts[bit]])) as Record<LayerName, number>;
    const share = (n: number) => (this.packets === 0 ? 0 : Math.round((n / this.packets) * 10000) / 100);
    const durationSec = this.packets === 0 ? 0 : Math.max(0, this.lastSec - this.firstSec);
    const { timeline, bucketSec } = this.buildTimeline(durationSec);
    return {
      packets: this.packets,
      bytes: this.bytes,
      firstSec: this.packets === 0 ? 0 : this.firstSec,
      lastSec: this.packets === 0 ? 0 : this.lastSec,
      durationSec,
      protocolCounts,
      snapCutPackets: this.snapCut,
      malformedPackets: this.malformed,
      broadcastPackets: this.broadcast,
      multicastPackets: this.multicast,
      broadcastPercent: share(this.broadcast),
      multicastPercent: share(this.multicast),
      timeline,
      timelineBucketSec: bucketSec,
    };
  }

  /** At most ~120 buckets so a long capture still draws as a readable chart. */
  private buildTimeline(durationSec: number): { timeline: TimelineBucket[]; bucketSec: number } {
    if (this.packets === 0) return { timeline: [], bucketSec: 1 };
    const bucketSec = Math.max(1, Math.ceil((Math.floor(durationSec) + 1) / 120));
    const bucketCount = Math.floor(durationSec / bucketSec) + 1;
    const timeline: TimelineBucket[] = Array.from({ length: bucketCount }, (_, i) => ({ startSec: i * bucketSec, packets: 0, bytes: 0 }));
    for (const [second, packets] of this.secondPackets) {
      const bucket = timeline[Math.min(bucketCount - 1, Math.floor(second / bucketSec))];
      bucket.packets += packets;
      bucket.bytes += this.secondBytes.get(second) ?? 0;
    }
    return { timeline, bucketSec };
  }
}

export { Layer };
