import { readFile } from 'node:fs/promises';
import { execa } from 'execa';
import { decodePcapStream } from '../capture/decode-pcap.ts';
import { Layer, type DecodedPacket } from '../capture/decode/packet.ts';
import { CaptureError } from '../capture/tcpdump-capture.ts';

export interface MonitoredNode {
  name: string;
  ip: string;
  /** Host side of the node's NIC (veth/tap), for its drop counters. */
  hostInterface?: string;
}

export interface NodeRates {
  name: string;
  ip: string;
  packetsInPerSec: number;
  packetsOutPerSec: number;
  bytesInPerSec: number;
  bytesOutPerSec: number;
  /** Kernel drop counters of the node's host interface during the interval (rx + tx). */
  dropped?: number;
}

export interface FlowRate {
  src: string;
  dst: string;
  protocol: string;
  packetsPerSec: number;
  bytesPerSec: number;
}

/** One refresh of `hybrid-lab monitor`: rates over the last interval. */
export interface MonitorSample {
  atIso: string;
  intervalSec: number;
  interface: string;
  nodes: NodeRates[];
  /** Traffic from or to addresses that are no node. */
  otherPacketsPerSec: number;
  topFlows: FlowRate[];
  /** Drops on the capture interface during the interval (rx + tx). */
  interfaceDropped: number;
  /** Total packets decoded since the monitor started. */
  packetsSeen: number;
}

export interface MonitorOptions {
  interface: string;
  nodes: MonitoredNode[];
  intervalSec?: number;
  /** Stop after this many samples (1 for `--once`); default: until the signal aborts. */
  samples?: number;
  signal?: AbortSignal;
  onSample?: (sample: MonitorSample) => void;
}

async function dropCounter(ifName: string): Promise<number> {
  const read = async (name: string) => Number((await readFile(`/sys/class/net/${ifName}/statistics/${name}`, 'utf8').catch(() => '0')).trim());
  return (await read('rx_dropped')) + (await read('tx_dropped'));
}

const FLOW_NAMES: Record<number, string> = { 1: 'icmp', 6: 'tcp', 17: 'udp', 58: 'icmpv6' };

/** Counters for one interval; swapped out at each tick. */
class IntervalCounters {
  readonly nodes = new Map<string, { pIn: number; pOut: number; bIn: number; bOut: number }>();
  readonly flows = new Map<string, { src: string; dst: string; protocol: string; packets: number; bytes: number }>();
  other = 0;

  constructor(nodeIps: string[]) {
    for (const ip of nodeIps) this.nodes.set(ip, { pIn: 0, pOut: 0, bIn: 0, bOut: 0 });
  }

  count(packet: DecodedPacket): void {
    const src = packet.ipVersion !== 0 ? packet.src : (packet.layers & Layer.arp) !== 0 ? packet.arpSenderIp : '';
    const dst = packet.ipVersion !== 0 ? packet.dst : '';
    const from = this.nodes.get(src);
    const to = this.nodes.get(dst);
    if (from) {
      from.pOut++;
      from.bOut += packet.originalLength;
    }
    if (to) {
      to.pIn++;
      to.bIn += packet.originalLength;
    }
    if (!from && !to) this.other++;
    if (packet.ipVersion === 0) return;
    const key = `${src}|${dst}|${packet.ipProto}`;
    const flow = this.flows.get(key) ?? { src, dst, protocol: FLOW_NAMES[packet.ipProto] ?? String(packet.ipProto), packets: 0, bytes: 0 };
    flow.packets++;
    flow.bytes += packet.originalLength;
    this.flows.set(key, flow);
  }
}

/** Turns one interval's counters into rates. `drops` lists the capture interface first, then each node's. */
function toSample(options: MonitorOptions, done: IntervalCounters, tick: { elapsedSec: number; drops: number[]; lastDrops: number[]; packetsSeen: number }): MonitorSample {
  const { elapsedSec, drops, lastDrops } = tick;
  const rate = (n: number) => Math.round((n / elapsedSec) * 10) / 10;
  return {
    atIso: new Date().toISOString(),
    intervalSec: Math.round(elapsedSec * 1000) / 1000,
    interface: options.interface,
    nodes: options.nodes.map((node, i) => {
      const c = done.nodes.get(node.ip)!;
      return { name: node.name, ip: node.ip, packetsInPerSec: rate(c.pIn), packetsOutPerSec: rate(c.pOut), bytesInPerSec: rate(c.bIn), bytesOutPerSec: rate(c.bOut), dropped: node.hostInterface ? drops[i + 1] - lastDrops[i + 1] : undefined };
    }),
    otherPacketsPerSec: rate(done.other),
    topFlows: [...done.flows.values()].sort((a, b) => b.bytes - a.bytes).slice(0, 5).map((f) => ({ src: f.src, dst: f.dst, protocol: f.protocol, packetsPerSec: rate(f.packets), bytesPerSec: rate(f.bytes) })),
    interfaceDropped: drops[0] - lastDrops[0],
    packetsSeen: tick.packetsSeen,
  };
}

/**
 * Live per-node traffic on the bridge: tcpdump streams pcap into the same decoder the debug
 * report uses; every interval the counters become a MonitorSample.
 */
export async function monitorTraffic(options: MonitorOptions): Promise<MonitorSample[]> {
  const intervalSec = options.intervalSec ?? 1;
  const nodeIps = options.nodes.map((node) => node.ip);
  const child = execa('tcpdump', ['-i', options.interface, '-n', '-s', '256', '--immediate-mode', '-U', '-w', '-'], { reject: false, buffer: { stdout: false, stderr: true }, encoding: 'buffer' });
  // The decoder is attached before anything is awaited: execa does not hold stdout for late readers.
  let counters = new IntervalCounters(nodeIps);
  let packetsSeen = 0;
  const decoding = decodePcapStream(child.stdout!, `tcpdump -i ${options.interface}`, (packet) => {
    packetsSeen++;
    counters.count(packet);
  }).catch(() => undefined);

  let stderrText = '';
  // Counting starts once tcpdump listens; a bad interface fails here, not after a zero sample.
  await new Promise<void>((resolve, reject) => {
    child.stderr?.on('data', (chunk: Buffer) => {
      stderrText += chunk.toString();
      if (stderrText.includes('listening on')) resolve();
    });
    child.then(
      () => reject(new CaptureError(`tcpdump -i ${options.interface} did not start: ${stderrText.trim().replace(/\s*\n\s*/g, ' ') || 'it exited'}`)),
      (error: Error) => reject(new CaptureError(`tcpdump could not run: ${error.message}`)),
    );
  });
  const samples: MonitorSample[] = [];
  const dropsOf = async () => Promise.all([options.interface, ...options.nodes.map((n) => n.hostInterface ?? '')].map((name) => (name ? dropCounter(name) : Promise.resolve(0))));
  let lastDrops = await dropsOf();
  let lastTick = performance.now();
  await new Promise<void>((resolve) => {
    const timer = setInterval(async () => {
      const now = performance.now();
      const elapsed = (now - lastTick) / 1000;
      lastTick = now;
      const done = counters;
      counters = new IntervalCounters(nodeIps);
      const drops = await dropsOf();
      const sample = toSample(options, done, { elapsedSec: elapsed, drops, lastDrops, packetsSeen });
      lastDrops = drops;
      samples.push(sample);
      options.onSample?.(sample);
      if ((options.samples !== undefined && samples.length >= options.samples) || options.signal?.aborted) {
        clearInterval(timer);
        resolve();
      }
    }, intervalSec * 1000);
    options.signal?.addEventListener('abort', () => {
      clearInterval(timer);
      resolve();
    }, { once: true });
  });
  child.kill('SIGINT');
  await child;
  await decoding;
  return samples;
}
