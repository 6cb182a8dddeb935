import type { Command } from 'commander';
import { HybridLabError } from '../../common/errors.ts';
import { debugPcapFile, runDebug, type DebugResult } from '../../debug/run-debug.ts';
import { offlineContext } from '../../debug/offline-context.ts';
import { labDebugContext, type LabDebugContext } from '../../lab/debug-context.ts';
import { readState } from '../../lab/state.ts';
import { loadTopology } from '../../topology/load.ts';
import { parseCidr } from '../../topology/ipv4.ts';
import { renderDebugTables } from '../../report/debug/render-table.ts';
import { renderDebugJson } from '../../report/debug/render-json.ts';
import { EXIT_CHECK_FAILED } from '../output.ts';

interface DebugOptions {
  pcap?: string;
  json?: boolean;
  out?: string;
  subnet?: string;
  bridge?: string;
  topology?: string;
  lab?: string;
  interface?: string;
  duration?: string;
  filter?: string;
  probe?: boolean;
  node: string[];
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** `--pcap FILE`: the lab named by --lab/-t (or --bridge/--subnet/--node) gives names and ranges. */
async function offline(options: DebugOptions & { pcap: string }): Promise<DebugResult> {
  const context = await offlineContext({ topologyFile: options.topology, labName: options.lab, bridge: options.bridge, subnet: options.subnet, nodeFlags: options.node });
  return debugPcapFile({ pcapPath: options.pcap, subnet: context.subnet, bridge: context.bridge, domain: context.domain, nodes: context.nodes, dnsRecords: context.dnsRecords, outDir: options.out });
}

/**
 * What a live debug knows: the lab's bridge, subnet, nodes, records and pair probe when the lab
 * is up; otherwise just the interface (findings then speak in addresses).
 */
async function liveDebugContext(options: DebugOptions): Promise<LabDebugContext | { bridge: string; subnet: string; nodes: []; dnsRecords?: undefined; probe?: undefined }> {
  // An explicit --bridge/--subnet/-i means "this network", not the lab's (unless the lab is named too).
  const explicitNetwork = (options.bridge ?? options.subnet ?? options.interface) !== undefined && !options.lab && !options.topology;
  const labName = options.lab ?? (await loadTopology(options.topology)).name;
  if (!explicitNetwork && (await readState(labName))?.status === 'up') return labDebugContext(labName);
  if (options.probe) throw new HybridLabError(`--probe needs the lab "${labName}" up to know which nodes to probe; run \`hybrid-lab up\` first`);
  return { bridge: options.bridge ?? 'hybr0', subnet: options.subnet ?? '10.0.1.0/24', nodes: [] };
}

function checkSubnet(subnet: string): void {
  if (!parseCidr(subnet)) throw new HybridLabError(`--subnet ${subnet} is not an IPv4 CIDR (e.g. 10.0.1.0/24)`);
}

const DEFAULT_DURATION_SEC = 10;
const PROBE_GRACE_SEC = 2;

async function live(options: DebugOptions): Promise<DebugResult> {
  const durationSec = Number(options.duration ?? DEFAULT_DURATION_SEC);
  if (!Number.isFinite(durationSec) || durationSec <= 0) throw new HybridLabError(`--duration ${options.duration} is not a positive number of seconds`);
  const context = await liveDebugContext(options);
  const abort = new AbortController();
  const onSigint = () => abort.abort();
  process.once('SIGINT', onSigint);
  const tty = process.stderr.isTTY === true;
  try {
    return await runDebug({
      interface: options.interface ?? context.bridge,
      bridge: context.bridge,
      subnet: context.subnet,
      durationSec,
      filter: options.filter,
      nodes: context.nodes,
      dnsRecords: context.dnsRecords,
      probe: options.probe ? context.probe : undefined,
      // A probe without --duration: the capture ends once the probe is done (its late answers in).
      ...(options.probe && options.duration === undefined ? { probeGraceSec: PROBE_GRACE_SEC } : {}),
      outDir: options.out,
      signal: abort.signal,
      onProgress: (p) => {
        const line = `capturing on ${options.interface ?? context.bridge}: ${p.secondsLeft ?? '?'} s left, ${p.packets} packets (Ctrl-C to stop early)`;
        process.stderr.write(tty ? `\x1b[2K${line}\r` : `${line}\n`);
      },
    });
  } finally {
    process.off('SIGINT', onSigint);
    if (tty) process.stderr.write('\x1b[2K');
  }
}

export function registerDebug(program: Command): void {
  program
    .command('debug')
    .description('capture on the lab bridge (or read a pcap), decode, explain what is wrong, and write a report')
    .option('--pcap <file>', 'analyse an existing capture offline (pcap or pcapng); with -t/--lab its nodes are named')
    .option('--node <name=ip>', 'name an address in the report (repeatable), e.g. --node web=10.0.1.20', collect, [])
    .option('--subnet <cidr>', 'the lab subnet: traffic outside it is reported (default: the lab\'s, else 10.0.1.0/24)')
    .option('--bridge <name>', 'the lab bridge, for host checks (default: the lab\'s, else hybr0)')
    .option('-t, --topology <file>', 'topology of the lab to debug (default: ./hybrid-lab.yaml, else lab/default.yaml)')
    .option('--lab <name>', 'lab name (default: from the topology file)')
    .option('-i, --interface <name>', 'capture interface for a live capture (default: the bridge)')
    .option('-d, --duration <seconds>', `live capture length (default ${DEFAULT_DURATION_SEC}; with --probe, until the probe is done + ${PROBE_GRACE_SEC} s); Ctrl-C stops early`)
    .option('-f, --filter <bpf>', 'tcpdump filter for the live capture, e.g. "icmp or port 53"')
    .option('--probe', 'ping and look up between every pair of nodes while capturing (needs a running lab)')
    .option('-o, --out <dir>', 'report directory (default: reports/debug-<timestamp>)')
    .option('--json', 'print the report as JSON instead of tables')
    .addHelpText(
      'after',
      `
Writes report.html, report.json and a copy of the capture into the report directory.
Exit code 1 when a critical finding is reported, 2 when nothing could be read from the capture.

Examples:
  npx hybrid-lab debug --pcap capture.pcap                 explain a capture, no lab needed
  npx hybrid-lab debug --pcap capture.pcapng -t lab/default.yaml   name the lab's nodes offline
  npx hybrid-lab debug --pcap capture.pcap --subnet 10.66.0.0/24 --node web=10.66.0.2 --json
  npx hybrid-lab debug --duration 15 --probe               capture on hybr0 while probing every pair
  npx hybrid-lab debug -f "port 53" -d 30 -o /tmp/dns-report`,
    )
    .action(async (options: DebugOptions) => {
      if (options.subnet) checkSubnet(options.subnet);
      const result = options.pcap
        ? await offline({ ...options, pcap: options.pcap })
        : await live(options);
      if (options.json) process.stdout.write(renderDebugJson(result.report, { extra: { files: result.written } }));
      else {
        process.stdout.write(renderDebugTables(result.report));
        process.stdout.write(`\nreport: ${result.written.htmlPath}\njson:   ${result.written.jsonPath}\npcap:   ${result.written.pcapPath}\n`);
      }
      if (result.report.findings.some((finding) => finding.severity === 'critical')) process.exitCode = EXIT_CHECK_FAILED;
    });
}
