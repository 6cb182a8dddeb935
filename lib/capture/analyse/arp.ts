import { Layer, type DecodedPacket } from '../decode/packet.ts';
import type { PacketAnalyser } from './analyser.ts';

export interface UnansweredArp {
  targetIp: string;
  requesters: string[];
  requests: number;
  firstSec: number;
  firstFrame: number;
}

export interface ArpSummary {
  requests: number;
  replies: number;
  unanswered: UnansweredArp[];
  /** IP -> MAC as the capture showed them (from replies and requests' sender fields). */
  ipToMac: Record<string, string>;
  /** One IP claimed by more than one MAC: an address conflict. */
  conflicts: Array<{ ip: string; macs: string[] }>;
}

/** Finds ARP requests nobody answered, and addresses claimed by two MACs. */
export class ArpAnalyser implements PacketAnalyser<ArpSummary> {
  private readonly asked = new Map<string, UnansweredArp>();
  private readonly answered = new Set<string>();
  private readonly macsByIp = new Map<string, Set<string>>();
  private requests = 0;
  private replies = 0;

  onPacket(packet: DecodedPacket): void {
    if ((packet.layers & Layer.arp) === 0 || !packet.arpSenderIp) return;
    const sender = packet.arpSenderIp;
    if (sender !== '0.0.0.0') {
      const macs = this.macsByIp.get(sender) ?? new Set<string>();
      macs.add(packet.arpSenderMac);
      this.macsByIp.set(sender, macs);
    }
    if (packet.arpOp === 2) {
      this.replies++;
      this.answered.add(sender);
      return;
    }
    if (packet.arpOp !== 1) return;
    this.requests++;
    // Gratuitous ARP announces the sender's own address; nobody is expected to answer.
    if (packet.arpTargetIp === sender) return;
    const entry = this.asked.get(packet.arpTargetIp);
    if (entry) {
      entry.requests++;
      if (!entry.requesters.includes(sender)) entry.requesters.push(sender);
      return;
    }
    this.asked.set(packet.arpTargetIp, { targetIp: packet.arpTargetIp, requesters: [sender], requests: 1, firstSec: packet.timeSec, firstFrame: packet.index });
  }

  finish(): ArpSummary {
    const unanswered = [...this.asked.values()].filter((entry) => !this.answered.has(entry.targetIp));
    const ipToMac: Record<string, string> = {};
    const conflicts: Array<{ ip: string; macs: string[] }> = [];
    for (const [ip, macs] of this.macsByIp) {
      ipToMac[ip] = [...macs][0];
      if (macs.size > 1) conflicts.push({ ip, macs: [...macs] });
    }
    return { requests: this.requests, replies: this.replies, unanswered, ipToMac, conflicts };
  }
}
