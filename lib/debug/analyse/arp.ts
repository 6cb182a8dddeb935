import { Layer, type DecodedPacket } from '../../capture/decode/packet.ts';
import { formatEpoch } from '../../capture/read/timestamp-scale.ts';
import type { PacketAnalyser } from './analyser.ts';

export interface UnansweredArp {
  targetIp: string;
  requesters: string[];
  requests: number;
  firstTime: string;
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

const ARP_LIMIT = 100_000;

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
    // Bounded by the addresses in use: a /16 sweep is 65,536 entries; beyond ARP_LIMIT new ones are not tracked.
    if (sender !== '0.0.0.0' && (this.macsByIp.has(sender) || this.macsByIp.size < ARP_LIMIT)) {
      const macs = this.macsByIp.get(sender) ?? new Set<string>();
      if (macs.size < 8) macs.add(packet.arpSenderMac);
      this.macsByIp.set(sender, macs);
    }
    if (packet.arpOp === 2) {
      this.replies++;
      if (this.answered.size < ARP_LIMIT) this.answered.add(sender);
      return;
    }
    if (packet.arpOp !== 1) return;
    this.requests++;
    // Gratuitous ARP announces the sender's own address; nobody is expected to answer.
    if (packet.arpTargetIp === sender) return;
    const entry = this.asked.get(packet.arpTargetIp);
    if (entry) {
      entry.requests++;
      if (!entry.requesters.includes(sender) && entry.requesters.length < 16) entry.requesters.push(sender);
      return;
    }
    if (this.asked.size >= ARP_LIMIT) return;
    this.asked.set(packet.arpTargetIp, { targetIp: packet.arpTargetIp, requesters: [sender], requests: 1, firstTime: formatEpoch(packet.tsSec, packet.tsNs), firstFrame: packet.index });
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
