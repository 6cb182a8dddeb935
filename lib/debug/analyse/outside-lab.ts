import { parseCidr, networkAddress, broadcastAddress } from '../../topology/ipv4.ts';
import type { DecodedPacket } from '../../capture/decode/packet.ts';
import type { PacketAnalyser } from './analyser.ts';

export interface OutsideAddress {
  address: string;
  packetsFrom: number;
  packetsTo: number;
}

export interface OutsideLabSummary {
  subnet: string;
  packets: number;
  addresses: OutsideAddress[];
}

/** Addresses that are not lab traffic and not link plumbing (broadcast, multicast, unspecified). */
function isPlumbingV4(ip: number): boolean {
  return ip === 0 || ip === 0xffffffff || ip >>> 28 === 0xe;
}

function isPlumbingV6(text: string): boolean {
  // Link-local, multicast and unique-local (fc00::/7, cannot leave the site) are not "outside".
  return text === '::' || text.startsWith('fe80:') || text.startsWith('ff') || /^f[cd]/.test(text);
}

/** Packets to or from addresses outside the lab subnet (IPv4), or non-link-local IPv6. */
export class OutsideLabAnalyser implements PacketAnalyser<OutsideLabSummary> {
  private readonly low: number;
  private readonly high: number;
  private readonly addresses = new Map<string, OutsideAddress>();
  private packets = 0;

  constructor(private readonly subnet: string) {
    const cidr = parseCidr(subnet);
    if (!cidr) throw new Error(`not an IPv4 CIDR: ${subnet}`);
    this.low = networkAddress(cidr);
    this.high = broadcastAddress(cidr);
  }

  private isOutside(v4: number, text: string): boolean {
    if (v4 >= 0) return !isPlumbingV4(v4) && (v4 < this.low || v4 > this.high);
    return !isPlumbingV6(text);
  }

  private note(address: string, direction: 'packetsFrom' | 'packetsTo'): void {
    const entry = this.addresses.get(address) ?? { address, packetsFrom: 0, packetsTo: 0 };
    if (!this.addresses.has(address) && this.addresses.size >= 10_000) return; // counted in `packets`, not listed
    entry[direction]++;
    this.addresses.set(address, entry);
  }

  onPacket(packet: DecodedPacket): void {
    if (packet.ipVersion === 0) return;
    const srcOut = this.isOutside(packet.srcV4, packet.src);
    const dstOut = this.isOutside(packet.dstV4, packet.dst);
    if (!srcOut && !dstOut) return;
    this.packets++;
    if (srcOut) this.note(packet.src, 'packetsFrom');
    if (dstOut) this.note(packet.dst, 'packetsTo');
  }

  finish(): OutsideLabSummary {
    const addresses = [...this.addresses.values()].sort((a, b) => b.packetsFrom + b.packetsTo - (a.packetsFrom + a.packetsTo));
    return { subnet: this.subnet, packets: this.packets, addresses };
  }
}
