import type { Command } from 'commander';
import { HybridLabError } from '../../common/errors.ts';
import { monitorTraffic, type MonitoredNode } from '../../capture/monitor.ts';
import { isIpv4 } from '../../topology/ipv4.ts';
import { renderMonitorSample } from '../../report/debug/render-monitor.ts';
import { printJson } from '../output.ts';

interface MonitorCliOptions {
  interface: string;
  node: string[];
  interval: string;
  once?: boolean;
  json?: boolean;
}

/** Where the monitor learns the lab's nodes when none are given with --node; the lab code sets it. */
export let monitorNodes: (bridge: string) => Promise<MonitoredNode[]> = async () => [];

export function setMonitorNodes(provider: typeof monitorNodes): void {
  monitorNodes = provider;
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
    .option('-i, --interface <name>', 'interface to watch (the lab bridge)', 'hybr0')
    .option('--node <name=ip>', 'a node to show (repeatable); default: the lab\'s nodes', parseNode, [])
    .option('--interval <seconds>', 'refresh interval', '1')
    .option('--once', 'print one sample and exit')
    .option('--json', 'print samples as JSON (one document with --once, else one line per sample)')
    .addHelpText('after', '\nExamples:\n  npx hybrid-lab monitor\n  npx hybrid-lab monitor --once --json\n  npx hybrid-lab monitor -i hldbg0 --node a=10.66.0.10 --node b=10.66.0.11')
    .action(async (options: MonitorCliOptions) => {
      const intervalSec = Number(options.interval);
      if (!Number.isFinite(intervalSec) || intervalSec <= 0) throw new HybridLabError(`--interval ${options.interval} is not a positive number of seconds`);
      const nodes = options.node.length > 0 ? options.node.map(toNode) : await monitorNodes(options.interface);
      const abort = new AbortController();
      const onSigint = () => abort.abort();
      process.once('SIGINT', onSigint);
      const tty = process.stdout.isTTY === true && !options.json;
      try {
        await monitorTraffic({
          interface: options.interface,
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
