import type { Command } from 'commander';
import { HybridLabError } from '../../common/errors.ts';
import { monitorTraffic, type MonitoredNode } from '../../debug/monitor.ts';
import { isIpv4 } from '../../topology/ipv4.ts';
import { renderMonitorSample } from '../../report/debug/render-monitor.ts';
import { printDocument, schemaId } from '../output.ts';
import { labDebugContext } from '../../lab/debug-context.ts';
import { readState } from '../../lab/state.ts';
import { positiveNumber } from '../flag-values.ts';
import { LAB_OPTION, selectedLabName, TOPOLOGY_OPTION } from '../lab-select.ts';

interface MonitorCliOptions {
  interface?: string;
  topology?: string;
  lab?: string;
  node: string[];
  interval: number;
  once?: boolean;
  json?: boolean;
}

/** The lab's bridge and nodes (VMs with their taps) when it is up; nothing otherwise. */
async function labMonitorTargets(options: MonitorCliOptions): Promise<{ bridge?: string; nodes: MonitoredNode[] }> {
  const labName = await selectedLabName(options);
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
    .option('--interface <name>', 'interface to watch (default: the lab bridge, else hybr0)')
    .option(...TOPOLOGY_OPTION)
    .option(...LAB_OPTION)
    .option('--node <name=ip>', 'a node to show (repeatable); default: the lab\'s nodes', parseNode, [])
    .option('--interval <seconds>', 'refresh interval', positiveNumber('--interval', 'seconds'), 1)
    .option('--once', 'print one sample and exit')
    .option('--json', 'print samples as JSON (one document with --once, else one line per sample)')
    .addHelpText('after', '\nExamples:\n  npx hybrid-lab monitor\n  npx hybrid-lab monitor --once --json\n  npx hybrid-lab monitor --interface hldbg0 --node a=10.66.0.10 --node b=10.66.0.11')
    .action(async (options: MonitorCliOptions) => {
      const intervalSec = options.interval;
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
              if (options.once) printDocument('monitor-sample', sample);
              else process.stdout.write(`${JSON.stringify({ schema: schemaId('monitor-sample'), ...sample })}\n`);
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
