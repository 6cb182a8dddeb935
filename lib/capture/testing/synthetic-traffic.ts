import * as frame from './frames.ts';
import type { FrameRecord } from './pcap-writer.ts';

const MACS = Array.from({ length: 8 }, (_, i) => `02:42:0a:42:00:${(10 + i).toString(16).padStart(2, '0')}`);
const IPS = Array.from({ length: 8 }, (_, i) => `10.66.0.${10 + i}`);

/**
 * A deterministic lab-like mix for the benchmark: per round, a ping pair, a DNS query and answer,
 * a TCP data segment and its ACK, an ARP request and reply, a UDP datagram... `count` frames in all.
 */
export function* syntheticTraffic(count: number, startSec = 1_700_000_000): Generator<FrameRecord> {
  const dnsServer = IPS[0];
  const dnsMac = MACS[0];
  const templates = (round: number): Buffer[] => {
    const a = 1 + (round % 7);
    const b = 1 + ((round + 3) % 7);
    const macA = MACS[a];
    const macB = MACS[b];
    const seq = (round * 1448) >>> 0;
    const id = round & 0xffff;
    return [
      frame.ethernet(macB, macA, 0x0800, frame.ipv4(IPS[a], IPS[b], 1, frame.icmpEcho(8, 0x1234, id, Buffer.alloc(56)))),
      frame.ethernet(macA, macB, 0x0800, frame.ipv4(IPS[b], IPS[a], 1, frame.icmpEcho(0, 0x1234, id, Buffer.alloc(56)))),
      frame.ethernet(dnsMac, macA, 0x0800, frame.ipv4(IPS[a], dnsServer, 17, frame.udp(30000 + (round % 20000), 53, frame.dnsQuery(id, `node${b}.hybrid.local`)))),
      frame.ethernet(macA, dnsMac, 0x0800, frame.ipv4(dnsServer, IPS[a], 17, frame.udp(53, 30000 + (round % 20000), frame.dnsResponse(id, `node${b}.hybrid.local`, IPS[b])))),
      frame.ethernet(macB, macA, 0x0800, frame.ipv4(IPS[a], IPS[b], 6, frame.tcp(45000 + a, 8080, seq, 1, 0x18, Buffer.alloc(1448)))),
      frame.ethernet(macA, macB, 0x0800, frame.ipv4(IPS[b], IPS[a], 6, frame.tcp(8080, 45000 + a, 1, (seq + 1448) >>> 0, 0x10))),
      frame.ethernet(macB, macA, 0x0800, frame.ipv4(IPS[a], IPS[b], 6, frame.tcp(45000 + a, 8080, (seq + 1448) >>> 0, 1, 0x18, Buffer.alloc(1448)))),
      frame.ethernet(macA, macB, 0x0800, frame.ipv4(IPS[b], IPS[a], 6, frame.tcp(8080, 45000 + a, 1, (seq + 2896) >>> 0, 0x10))),
      frame.ethernet('ff:ff:ff:ff:ff:ff', macA, 0x0806, frame.arp(1, macA, IPS[a], '00:00:00:00:00:00', IPS[b])),
      frame.ethernet(macA, macB, 0x0806, frame.arp(2, macB, IPS[b], macA, IPS[a])),
      frame.ethernet(macB, macA, 0x0800, frame.ipv4(IPS[a], IPS[b], 17, frame.udp(5201, 5201, Buffer.alloc(1200)))),
      frame.ethernet('33:33:00:00:00:01', macA, 0x86dd, frame.ipv6('fe80::42:aff:fe42:a', 'ff02::1', 58, frame.icmpEcho(128, 1, id))),
    ];
  };
  let produced = 0;
  for (let round = 0; produced < count; round++) {
    const frames = templates(round);
    for (let i = 0; i < frames.length && produced < count; i++) {
      // 20 rounds per second: a busy but plausible lab bridge.
      yield { timeSec: startSec + round * 0.05 + i * 0.0001, frame: frames[i] };
      produced++;
    }
  }
}
