import type { DecodedPacket } from '../../capture/decode/packet.ts';
import type { PacketAnalyser } from './analyser.ts';
import { pruneLightest } from './bounded.ts';

export interface Talker {
  address: string;
  packetsSent: number;
  bytesSent: number;
  packetsReceived: number;
  bytesReceived: number;
}

/** Per-address totals, sorted by bytes sent + received. */
export class TalkerAnalyser implements PacketAnalyser<Talker[]> {
  private readonly talkers = new Map<string, Talker>();

  constructor(private readonly keep = 50) {}

  private talker(address: string): Talker {
    let talker = this.talkers.get(address);
    if (!talker) {
      talker = { address, packetsSent: 0, bytesSent: 0, packetsReceived: 0, bytesReceived: 0 };
      this.talkers.set(address, talker);
      // Bounded: past 2 x 10,000 addresses the lightest half is dropped (a scan, not a lab).
      pruneLightest(this.talkers, 10_000, (t) => t.bytesSent + t.bytesReceived, () => {});
    }
    return talker;
  }

  onPacket(packet: DecodedPacket): void {
    if (packet.ipVersion === 0) return;
    const sender = this.talker(packet.src);
    sender.packetsSent++;
    sender.bytesSent += packet.originalLength;
    const receiver = this.talker(packet.dst);
    receiver.packetsReceived++;
    receiver.bytesReceived += packet.originalLength;
  }

  finish(): Talker[] {
    const total = (t: Talker) => t.bytesSent + t.bytesReceived;
    return [...this.talkers.values()].sort((a, b) => total(b) - total(a)).slice(0, this.keep);
  }
}
