/**
 * hybrid-lab's public API (`import ... from 'hybrid-lab'`): topologies, bringing a lab up and
 * down, live labs and their nodes, probes run from a node, and measurements. The CLI and the
 * built-in suites use exactly this. Vitest helpers: `hybrid-lab/vitest`.
 */

// Topologies: YAML file -> validated, addresses allocated.
export { loadTopology, parseTopology, findTopologyFile, DEFAULT_TOPOLOGY_FILE } from './topology/load.ts';
export type { Topology, ResolvedNode } from './topology/topology.ts';

// A lab's life: up (idempotent, rolls back on failure), down (also leftovers), status, live handles.
export { upLab, type UpOptions, type UpResult } from './lab/up.ts';
export { downLab, type DownResult } from './lab/down.ts';
export { labStatus, type LabStatus, type NodeStatus } from './lab/status.ts';
export type { ForwardStatus } from './lab/port-forwards.ts';
export { portForwards, type PortForward } from './topology/port-forwards.ts';
export { openLab, findNode, type LiveLab } from './lab/lab-nodes.ts';
export { readState } from './lab/state.ts';
export { pauseNode, resumeNode } from './lab/node-pause.ts';

// Nodes: one interface for host, containers and VMs.
export type { LabNode, NodeKind, ExecOptions, ExecResult } from './nodes/node.ts';

// Probes, run from a node.
export { ping, type PingResult } from './probe/ping.ts';
export { echo, type EchoResult } from './probe/echo.ts';
export { httpGet, type HttpResult } from './probe/http.ts';
export { lookup, type LookupResult } from './probe/dns-lookup.ts';
export { iperf, type ThroughputResult } from './probe/iperf.ts';
export { queryDns, timeDnsQueries, type DnsAnswer, type QueryType } from './dns/client.ts';

// Measurements: typed samples, summaries, budgets, history and regression reports.
export { summarize, type Measurement, type SampleSummary, type MetricName, type AccelMode } from './report/measurement.ts';
export { recordRun, readHistory } from './report/history/index.ts';
export { buildLatencyReport, renderMarkdown, type LatencyReport } from './report/regression/index.ts';

// Progress and errors.
export { silentReporter, terminalReporter, type ProgressReporter } from './common/progress.ts';
export { HybridLabError, TopologyError, SetupError, ProvisionError, CheckFailedError, CommandError, EXIT_OK, EXIT_CHECK_FAILED, EXIT_BAD_INPUT } from './common/errors.ts';
