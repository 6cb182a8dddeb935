import { join } from 'node:path';
import { sleep } from '../common/time.ts';
import type { DebugReport, DebugSource } from './debug-report.ts';
import { debugReportDirName, placePcap, writeDebugReport, type WrittenDebugReport } from '../report/debug/write-report.ts';
import { analyseCapture } from './analyse/analyse-capture.ts';
import { PcapFormatError } from '../capture/errors.ts';
import { computeFindings } from './findings/compute-findings.ts';
import { collectSnapshot } from './snapshot/collect-snapshot.ts';
import { readRuleCounters } from './snapshot/counter-window.ts';
import type { DnsRecordServed, HostSnapshot, NodeDescription } from './snapshot/host-snapshot.ts';
import { startCapture, type CaptureProgress } from '../capture/tcpdump-capture.ts';

export const DEFAULT_LAB_DOMAIN = 'hybrid.local';

export interface DebugResult {
  report: DebugReport;
  written: WrittenDebugReport;
}

interface ReportTarget {
  /** Directory for report.html, report.json and the pcap; default reports/debug-<timestamp>. */
  outDir?: string;
}

function defaultOutDir(): string {
  return join(process.cwd(), 'reports', debugReportDirName());
}

export interface OfflineDebugOptions extends ReportTarget {
  pcapPath: string;
  subnet: string;
  bridge?: string;
  domain?: string;
  nodes?: NodeDescription[];
  /** What the lab DNS serves (from the topology), to check answers against. */
  dnsRecords?: DnsRecordServed[];
  snapshot?: HostSnapshot;
}

/** `hybrid-lab debug --pcap FILE`: decode, analyse, explain and render a capture; needs no lab. */
export async function debugPcapFile(options: OfflineDebugOptions): Promise<DebugResult> {
  const source: DebugSource = { kind: 'pcap-file', pcapPath: options.pcapPath };
  const outDir = options.outDir ?? defaultOutDir();
  // The copy runs on the thread pool while the analysis reads the same file.
  const copying = placePcap(options.pcapPath, outDir, false);
  copying.catch(() => {});
  const report = await buildReport(source, options.pcapPath, { ...options, bridge: options.bridge ?? 'hybr0', nodes: options.nodes ?? [] });
  const written = await writeDebugReport(report, outDir, { pcapPlaced: await copying });
  return { report, written };
}

async function buildReport(
  source: DebugSource,
  pcapPath: string,
  context: { subnet: string; bridge: string; domain?: string; nodes: NodeDescription[]; dnsRecords?: DnsRecordServed[]; snapshot?: HostSnapshot },
): Promise<DebugReport> {
  const analysis = await analyseCapture(pcapPath, { subnet: context.subnet });
  if (analysis.mix.packets === 0 && analysis.file.truncated) {
    throw new PcapFormatError(`nothing could be read from ${pcapPath}: ${analysis.file.truncationReason}. Fix: the file is damaged after its header; capture again (tcpdump -w FILE, stopped with Ctrl-C)`);
  }
  const domain = context.domain ?? DEFAULT_LAB_DOMAIN;
  const findings = computeFindings({ bridge: context.bridge, subnet: context.subnet, domain, nodes: context.nodes, dnsRecords: context.dnsRecords, analysis, snapshot: context.snapshot });
  return { generatedAtIso: new Date().toISOString(), source, bridge: context.bridge, subnet: context.subnet, domain, nodes: context.nodes, analysis, snapshot: context.snapshot, findings };
}

export interface LiveDebugOptions extends ReportTarget {
  /** Interface to capture on: the lab bridge. */
  interface: string;
  /** The lab bridge (defaults to `interface`); findings check ports and rules for it. */
  bridge?: string;
  subnet: string;
  domain?: string;
  durationSec: number;
  filter?: string;
  nodes: NodeDescription[];
  dnsRecords?: DnsRecordServed[];
  /** Generates evidence while capturing (pings and lookups between nodes); runs once tcpdump listens. */
  probe?: () => Promise<void>;
  /**
   * With a probe: end the capture this many seconds after the probe has finished (so its late
   * answers still land) rather than at durationSec, whichever comes first.
   */
  probeGraceSec?: number;
  signal?: AbortSignal;
  onProgress?: (progress: CaptureProgress) => void;
}

/**
 * `hybrid-lab debug` on a live lab: capture on the bridge (probing meanwhile if asked), then
 * snapshot the host (so iptables counters include the probe traffic), analyse, find, render.
 */
export async function runDebug(options: LiveDebugOptions): Promise<DebugResult> {
  const outDir = options.outDir ?? defaultOutDir();
  const pcapPath = join(outDir, 'capture.pcap');
  // Counters before the capture: afterwards the findings can say which rule took which packets meanwhile.
  const countersBefore = { snapshot: (await readRuleCounters()).snapshot, takenAtIso: new Date().toISOString() };
  const capture = startCapture({ interface: options.interface, outputPath: pcapPath, durationSec: options.durationSec, filter: options.filter, signal: options.signal, onProgress: options.onProgress });
  try {
    await capture.ready;
  } catch (error) {
    await capture.done.catch(() => {});
    throw error;
  }
  let probeError: unknown;
  const probing = options.probe?.().catch((error: unknown) => {
    probeError = error;
  }).then(async () => {
    if (options.probeGraceSec === undefined) return;
    await Promise.race([sleep(options.probeGraceSec * 1000), capture.done.catch(() => undefined)]);
    capture.stop();
  });
  const captured = await capture.done;
  await probing;
  const bridge = options.bridge ?? options.interface;
  const snapshot = await collectSnapshot({ bridge, subnet: options.subnet, nodes: options.nodes, dnsRecords: options.dnsRecords, countersBefore });
  if (probeError) snapshot.errors.push({ source: 'probe', message: probeError instanceof Error ? probeError.message : String(probeError) });
  const source: DebugSource = { kind: 'live-capture', pcapPath: captured.path, interface: options.interface, filter: options.filter, durationSec: captured.durationSec, droppedByKernel: captured.droppedByKernel };
  const report = await buildReport(source, captured.path, { subnet: options.subnet, bridge, domain: options.domain, nodes: options.nodes, snapshot });
  const written = await writeDebugReport(report, outDir, { movePcap: true });
  return { report, written };
}
