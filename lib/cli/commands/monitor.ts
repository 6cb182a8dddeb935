import type { Command } from 'commander';
import { HybridLabError } from '../../common/errors.ts';
import { monitorTraffic, type MonitoredNode } from '../../capture/monitor.ts';
import { isIpv4 } from '../../topology/ipv4.ts';
import { renderMonitorSample } from '../../report/debug/render-monitor.ts';
import { printJson } from '../output.ts';
import { labDebugContext } from '../../lab/debug-context.ts';
import { readState } from '../../lab/state.ts';
import { loadTopology } from '../../topology/load.ts';

interface MonitorCliOptions {
  interface?: string;
  topology?: string;
  lab?: string;
  node: string[];
  interval: string;
  once?: boolean;
  json?: boolean;
}

/** The lab's bridge and nodes (VMs with their taps) when it is up; nothing otherwise. */
async function labMonitorTargets(options: MonitorCliOptions): Promise<{ bridge?: string; nodes: MonitoredNode[] }> {
  const labName = options.lab ?? (await loadTopology(options.topology)).name;
  if ((await readState(labName))?.status !== 'up') return { nodes: [] };
  const context = await labDebugContext(labName);
  return { bridge: context.bridge, nodes: context.nodes.map(({ name, ip, hostInterface }) => ({ name, ip, ...(hostInterface ? { hostInterface } : {}) })) };
}

function parseNode(text: string, previous: string[]): string[] {
  return [...previous, text];
}

function toNode(text: string): MonitoredNode {
  const match = /^([^=]+)=([\d.]+)$/.exec(text);
  if (!match || !isIpv4(match[2])) throw new HybridLabError(`--node ${text}: expected NAME=IPv4, e.g. web=10.0.1.20`);
  return { name: match[1], ip: match[2] };
}

export function registerMonitor(program: Command): void {
  program
    .command('monitor')
    .description('live view of bridge traffic: per node packets/s and bytes/s in and out, top flows, drops')
    .option('-i, --interface <name>', 'interface to watch (default: the lab bridge, else hybr0)')
    .option('-t, --topology <file>', 'topology of the lab to watch (default: ./hybrid-lab.yaml, else lab/default.yaml)')
    .option('--lab <name>', 'lab name (default: from the topology file)')
    .option('--node <name=ip>', 'a node to show (repeatable); default: the lab\'s nodes', parseNode, [])
    .option('--interval <seconds>', 'refresh interval', '1')
    .option('--once', 'print one sample and exit')
    .option('--json', 'print samples as JSON (one document with --once, else one line per sample)')
    .addHelpText('after', '\nExamples:\n  npx hybrid-lab monitor\n  npx hybrid-lab monitor --once --json\n  npx hybrid-lab monitor -i hldbg0 --node a=10.66.0.10 --node b=10.66.0.11')
    .action(async (options: MonitorCliOptions) => {
      const intervalSec = Number(options.interval);
      if (!Number.isFinite(intervalSec) || intervalSec <= 0) throw new HybridLabError(`--interval ${options.interval} is not a positive number of seconds`);
      const lab = await labMonitorTargets(options);
      const nodes = options.node.length > 0 ? options.node.map(toNode) : lab.nodes;
      const watched = options.interface ?? lab.bridge ?? 'hybr0';
      const abort = new AbortController();
      const onSigint = () => abort.abort();
      process.once('SIGINT', onSigint);
      const tty = process.stdout.isTTY === true && !options.json;
      try {
        await monitorTraffic({
          interface: watched,
          nodes,
          intervalSec,
          samples: options.once ? 1 : undefined,
          signal: abort.signal,
          onSample: (sample) => {
            if (options.json) {
              if (options.once) printJson(sample);
              else process.stdout.write(`${JSON.stringify(sample)}\n`);
              return;
            }
            // Redraw in place on a terminal; append otherwise (logs, pipes).
            process.stdout.write(`${tty && !options.once ? '\x1b[H\x1b[2J' : ''}${renderMonitorSample(sample)}`);
          },
        });
      } finally {
        process.off('SIGINT', onSigint);
      }
    });
}
