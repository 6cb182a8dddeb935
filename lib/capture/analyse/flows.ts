import { IpProto, type DecodedPacket } from '../decode/packet.ts';
import type { PacketAnalyser } from './analyser.ts';

export type FlowProtocol = 'tcp' | 'udp' | 'icmp' | 'icmpv6' | 'other';

/** One direction of traffic between two endpoints (5-tuple). Ports are -1 for ICMP and others. */
export interface Flow {
  protocol: FlowProtocol;
  src: string;
  srcPort: number;
  dst: string;
  dstPort: number;
  packets: number;
  bytes: number;
  firstSec: number;
  lastSec: number;
}

export interface FlowSummary {
  flowCount: number;
  /** The largest flows by bytes (all of them when there are few). */
  flows: Flow[];
}

function protocolName(ipProto: number): FlowProtocol {
  switch (ipProto) {
    case IpProto.tcp:
      return 'tcp';
    case IpProto.udp:
      return 'udp';
    case IpProto.icmp:
      return 'icmp';
    case IpProto.icmpv6:
      return 'icmpv6';
    default:
      return 'other';
  }
}

/** Groups IP packets into directional 5-tuple flows. */
export class FlowAnalyser implements PacketAnalyser<FlowSummary> {
  private readonly flows = new Map<string, Flow>();

  constructor(private readonly keep = 200) {}

  onPacket(packet: DecodedPacket): void {
    if (packet.ipVersion === 0) return;
    const key = `${packet.ipProto}|${packet.src}|${packet.srcPort}|${packet.dst}|${packet.dstPort}`;
    const flow = this.flows.get(key);
    if (flow) {
      flow.packets++;
      flow.bytes += packet.originalLength;
      if (packet.timeSec > flow.lastSec) flow.lastSec = packet.timeSec;
      return;
    }
    this.flows.set(key, {
      protocol: protocolName(packet.ipProto),
      src: packet.src,
      srcPort: packet.srcPort,
      dst: packet.dst,
      dstPort: packet.dstPort,
      packets: 1,
      bytes: packet.originalLength,
      firstSec: packet.timeSec,
      lastSec: packet.timeSec,
    });
  }

  finish(): FlowSummary {
    const flows = [...this.flows.values()].sort((a, b) => b.bytes - a.bytes || b.packets - a.packets).slice(0, this.keep);
    return { flowCount: this.flows.size, flows };
  }
}
