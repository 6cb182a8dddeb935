import { parseCidr, networkAddress, broadcastAddress } from '../../topology/ipv4.ts';
import { cidr6Contains, parseCidr6, parseIpv6, type Cidr6 } from '../../topology/ipv6.ts';
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

function isLinkPlumbingV6(text: string): boolean {
  return text === '::' || text.startsWith('fe80:') || text.startsWith('ff');
}

/**
 * Packets to or from addresses outside the lab subnet (IPv4) and, for IPv6, outside the lab's
 * prefixes when it has any (another ULA, such as the host's uplink's, is not the lab's), else
 * anything but link-local, multicast and unique-local.
 */
export class OutsideLabAnalyser implements PacketAnalyser<OutsideLabSummary> {
  private readonly low: number;
  private readonly high: number;
  private readonly addresses = new Map<string, OutsideAddress>();
  private packets = 0;
  private readonly prefixes6: Cidr6[];

  constructor(
    private readonly subnet: string,
    ipv6Prefixes?: readonly string[],
  ) {
    const cidr = parseCidr(subnet);
    if (!cidr) throw new Error(`not an IPv4 CIDR: ${subnet}`);
    this.low = networkAddress(cidr);
    this.high = broadcastAddress(cidr);
    this.prefixes6 = (ipv6Prefixes ?? []).map((prefix) => {
      const parsed = parseCidr6(prefix);
      if (!parsed) throw new Error(`not an IPv6 prefix: ${prefix}`);
      return parsed;
    });
  }

  private isOutside(v4: number, text: string): boolean {
    if (v4 >= 0) return !isPlumbingV4(v4) && (v4 < this.low || v4 > this.high);
    if (isLinkPlumbingV6(text)) return false;
    if (this.prefixes6.length === 0) return !/^f[cd]/.test(text); // unique-local (fc00::/7) cannot leave the site
    const address = parseIpv6(text);
    return address === undefined || !this.prefixes6.some((prefix) => cidr6Contains(prefix, address));
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
