/** The capture library's public face: what the lab code, the CLI and the suites use. */
export { analyseCapture, type CaptureAnalysis } from './analyse/analyse-capture.ts';
export { computeFindings, type Finding, type FindingInput, type Severity } from './findings/compute-findings.ts';
export { monitorTraffic, type MonitorOptions, type MonitorSample, type MonitoredNode } from './monitor.ts';
export { PcapFormatError } from './errors.ts';
export { probeAllPairs, type PairProbeOutcome } from './probe-pairs.ts';
export { debugPcapFile, runDebug, DEFAULT_LAB_DOMAIN, type DebugResult, type LiveDebugOptions, type OfflineDebugOptions } from './run-debug.ts';
export { collectSnapshot, type SnapshotRequest } from './snapshot/collect-snapshot.ts';
export type { DnsRecordServed, HostSnapshot, NodeDescription, NodeSnapshot } from './snapshot/host-snapshot.ts';
export { capturePackets, startCapture, CaptureError, type CaptureOptions, type CaptureResult } from './tcpdump-capture.ts';
