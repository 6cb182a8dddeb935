import { decodePcap } from '../../capture/decode-pcap.ts';
import type { CaptureInterface } from '../../capture/read/capture-record.ts';
import { ArpAnalyser, type ArpSummary } from './arp.ts';
import { DnsTransactionAnalyser, type DnsSummary } from './dns-transactions.ts';
import { ConversationAnalyser, type ConversationSummary } from './conversations.ts';
import { IcmpPairAnalyser, type IcmpSummary } from './icmp-pairs.ts';
import { OutsideLabAnalyser, type OutsideLabSummary } from './outside-lab.ts';
import { TalkerAnalyser, type Talker } from './talkers.ts';
import { TcpAnomalyAnalyser, type TcpSummary } from './tcp-anomalies.ts';
import { TrafficMixAnalyser, type TrafficMix } from './traffic-mix.ts';

export interface CaptureFileInfo {
  path: string;
  format: 'pcap' | 'pcapng';
  /** Link type and snap length of the first interface (pcap: the only one). */
  linkLayerType: number;
  snapshotLength: number;
  /** Every interface of a pcapng file (one for pcap), with its link type, snap length and time resolution. */
  interfaces: CaptureInterface[];
  /** The file was cut short or damaged; everything below covers the packets before that point. */
  truncated: boolean;
  truncationReason?: string;
}

/** Everything the analysers found in one capture: typed, rendered by report/debug. */
export interface CaptureAnalysis {
  file: CaptureFileInfo;
  mix: TrafficMix;
  conversations: ConversationSummary;
  talkers: Talker[];
  icmp: IcmpSummary;
  dns: DnsSummary;
  arp: ArpSummary;
  tcp: TcpSummary;
  outsideLab: OutsideLabSummary;
}

export interface AnalyseOptions {
  /** The lab subnet; traffic outside it is reported. */
  subnet: string;
  /** The lab's IPv6 prefixes: IPv6 traffic outside them (link-local and multicast aside) is reported. */
  ipv6Prefixes?: readonly string[];
}

/** Decodes a pcap once and runs every analysis over it in the same pass. */
export async function analyseCapture(path: string, options: AnalyseOptions): Promise<CaptureAnalysis> {
  const mix = new TrafficMixAnalyser();
  const conversations = new ConversationAnalyser();
  const talkers = new TalkerAnalyser();
  const icmp = new IcmpPairAnalyser();
  const dns = new DnsTransactionAnalyser();
  const arp = new ArpAnalyser();
  const tcp = new TcpAnomalyAnalyser();
  const outside = new OutsideLabAnalyser(options.subnet, options.ipv6Prefixes);
  const result = await decodePcap(path, (packet) => {
    mix.onPacket(packet);
    conversations.onPacket(packet);
    talkers.onPacket(packet);
    icmp.onPacket(packet);
    dns.onPacket(packet);
    arp.onPacket(packet);
    tcp.onPacket(packet);
    outside.onPacket(packet);
  });
  const header = result.header;
  return {
    file: { path, format: header.format, linkLayerType: header.linkLayerType, snapshotLength: header.snapshotLength, interfaces: header.interfaces, truncated: result.truncated, truncationReason: result.truncationReason },
    mix: mix.finish(),
    conversations: conversations.finish(),
    talkers: talkers.finish(),
    icmp: icmp.finish(),
    dns: dns.finish(),
    arp: arp.finish(),
    tcp: tcp.finish(),
    outsideLab: outside.finish(),
  };
}
