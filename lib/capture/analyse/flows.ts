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
  // src -> dst -> (protocol, ports) -> flow. Addresses are interned strings and the last key is
  // a number, so finding a packet's flow builds no key string (the hot path of every capture).
  private readonly flows = new Map<string, Map<string, Map<number, Flow>>>();
  private count = 0;

  constructor(private readonly keep = 200) {}

  onPacket(packet: DecodedPacket): void {
    if (packet.ipVersion === 0) return;
    let bySrc = this.flows.get(packet.src);
    if (!bySrc) {
      bySrc = new Map();
      this.flows.set(packet.src, bySrc);
    }
    let byDst = bySrc.get(packet.dst);
    if (!byDst) {
      byDst = new Map();
      bySrc.set(packet.dst, byDst);
    }
    // Ports are -1 when absent: shift by one so the key stays a non-negative integer below 2^53.
    const key = packet.ipProto * 2 ** 34 + (packet.srcPort + 1) * 2 ** 17 + (packet.dstPort + 1);
    const flow = byDst.get(key);
    if (flow) {
      flow.packets++;
      flow.bytes += packet.originalLength;
      if (packet.timeSec > flow.lastSec) flow.lastSec = packet.timeSec;
      return;
    }
    this.count++;
    byDst.set(key, {
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
    const all: Flow[] = [];
    for (const bySrc of this.flows.values()) for (const byDst of bySrc.values()) for (const flow of byDst.values()) all.push(flow);
    const flows = all.sort((a, b) => b.bytes - a.bytes || b.packets - a.packets).slice(0, this.keep);
    return { flowCount: this.count, flows };
  }
}
