import { IpProto, type DecodedPacket } from '../../capture/decode/packet.ts';
import { formatEpoch } from '../../capture/read/timestamp-scale.ts';

/** An ICMP error with what it says and about which datagram (the quoted 5-tuple). */
export interface IcmpError {
  ipVersion: 4 | 6;
  type: number;
  code: number;
  /** "destination unreachable: port unreachable". */
  kind: string;
  /** Who sent the error, and to whom (the sender of the offending datagram). */
  from: string;
  to: string;
  quoted?: { protocol: string; src: string; srcPort: number; dst: string; dstPort: number; dnsId?: number };
  count: number;
  firstFrame: number;
  firstTime: string;
}

const V4_UNREACHABLE = ['network unreachable', 'host unreachable', 'protocol unreachable', 'port unreachable', 'fragmentation needed', 'source route failed', 'destination network unknown', 'destination host unknown', 'source host isolated', 'network administratively prohibited', 'host administratively prohibited', 'network unreachable for TOS', 'host unreachable for TOS', 'communication administratively prohibited', 'host precedence violation', 'precedence cutoff in effect'];
const V6_UNREACHABLE = ['no route to destination', 'communication administratively prohibited', 'beyond scope of source address', 'address unreachable', 'port unreachable', 'source address failed ingress/egress policy', 'reject route to destination'];

/** Words for an ICMP error type/code, or undefined when the type is not an error. */
export function icmpErrorKind(version: 4 | 6, type: number, code: number): string | undefined {
  if (version === 4) {
    if (type === 3) return `destination unreachable: ${V4_UNREACHABLE[code] ?? `code ${code}`}`;
    if (type === 11) return code === 0 ? 'time exceeded: TTL expired in transit' : 'time exceeded: fragment reassembly';
    if (type === 5) return 'redirect';
    if (type === 12) return 'parameter problem';
    if (type === 4) return 'source quench';
    return undefined;
  }
  if (type === 1) return `destination unreachable: ${V6_UNREACHABLE[code] ?? `code ${code}`}`;
  if (type === 2) return 'packet too big';
  if (type === 3) return code === 0 ? 'time exceeded: hop limit exceeded' : 'time exceeded: fragment reassembly';
  if (type === 4) return 'parameter problem';
  return undefined;
}

function protocolName(proto: number): string {
  return proto === IpProto.udp ? 'udp' : proto === IpProto.tcp ? 'tcp' : proto === IpProto.icmp ? 'icmp' : proto === IpProto.icmpv6 ? 'icmpv6' : `ip-proto-${proto}`;
}

/** Groups ICMP errors by type, code, sender, receiver and quoted datagram. */
export class IcmpErrorTally {
  private readonly errors = new Map<string, IcmpError>();

  constructor(private readonly limit: number) {}

  add(packet: DecodedPacket, version: 4 | 6): void {
    const kind = icmpErrorKind(version, packet.icmpType, packet.icmpCode);
    if (!kind) return;
    const quoted = packet.quotedProto >= 0 ? { protocol: protocolName(packet.quotedProto), src: packet.quotedSrc, srcPort: packet.quotedSrcPort, dst: packet.quotedDst, dstPort: packet.quotedDstPort, ...(packet.quotedDnsId >= 0 ? { dnsId: packet.quotedDnsId } : {}) } : undefined;
    const key = `${version}|${packet.icmpType}|${packet.icmpCode}|${packet.src}|${packet.dst}|${quoted ? `${quoted.protocol}|${quoted.src}|${quoted.dst}|${quoted.dstPort}` : ''}`;
    const entry = this.errors.get(key);
    if (entry) {
      entry.count++;
      return;
    }
    if (this.errors.size >= this.limit) return;
    this.errors.set(key, { ipVersion: version, type: packet.icmpType, code: packet.icmpCode, kind, from: packet.src, to: packet.dst, ...(quoted ? { quoted } : {}), count: 1, firstFrame: packet.index, firstTime: formatEpoch(packet.tsSec, packet.tsNs) });
  }

  list(): IcmpError[] {
    return [...this.errors.values()];
  }
}
