import { decodePcap } from '../decode-pcap.ts';
import type { PcapFileHeader } from '../pcap-reader.ts';
import { ArpAnalyser, type ArpSummary } from './arp.ts';
import { DnsTransactionAnalyser, type DnsSummary } from './dns-transactions.ts';
import { FlowAnalyser, type FlowSummary } from './flows.ts';
import { IcmpPairAnalyser, type IcmpSummary } from './icmp-pairs.ts';
import { OutsideLabAnalyser, type OutsideLabSummary } from './outside-lab.ts';
import { TalkerAnalyser, type Talker } from './talkers.ts';
import { TcpAnomalyAnalyser, type TcpSummary } from './tcp-anomalies.ts';
import { TrafficMixAnalyser, type TrafficMix } from './traffic-mix.ts';

export interface CaptureFileInfo {
  path: string;
  linkLayerType: number;
  snapshotLength: number;
  /** The file was cut short or damaged; everything below covers the packets before that point. */
  truncated: boolean;
  truncationReason?: string;
}

/** Everything the analysers found in one capture: typed, rendered by report/debug. */
export interface CaptureAnalysis {
  file: CaptureFileInfo;
  mix: TrafficMix;
  flows: FlowSummary;
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
}

/** Decodes a pcap once and runs every analysis over it in the same pass. */
export async function analyseCapture(path: string, options: AnalyseOptions): Promise<CaptureAnalysis> {
  const mix = new TrafficMixAnalyser();
  const flows = new FlowAnalyser();
  const talkers = new TalkerAnalyser();
  const icmp = new IcmpPairAnalyser();
  const dns = new DnsTransactionAnalyser();
  const arp = new ArpAnalyser();
  const tcp = new TcpAnomalyAnalyser();
  const outside = new OutsideLabAnalyser(options.subnet);
  const result = await decodePcap(path, (packet) => {
    mix.onPacket(packet);
    flows.onPacket(packet);
    talkers.onPacket(packet);
    icmp.onPacket(packet);
    dns.onPacket(packet);
    arp.onPacket(packet);
    tcp.onPacket(packet);
    outside.onPacket(packet);
  });
  const header: PcapFileHeader = result.header;
  return {
    file: { path, linkLayerType: header.linkLayerType, snapshotLength: header.snapshotLength, truncated: result.truncated, truncationReason: result.truncationReason },
    mix: mix.finish(),
    flows: flows.finish(),
    talkers: talkers.finish(),
    icmp: icmp.finish(),
    dns: dns.finish(),
    arp: arp.finish(),
    tcp: tcp.finish(),
    outsideLab: outside.finish(),
  };
}
