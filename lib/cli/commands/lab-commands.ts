import type { Command } from 'commander';
import Table from 'cli-table3';
import { EXIT_CHECK_FAILED, SetupError } from '../../common/errors.ts';
import { formatQueryLogEntry } from '../../dns/query-log.ts';
import { streamDnsLog } from '../../lab/dns-logs.ts';
import { terminalReporter } from '../../common/progress.ts';
import { formatDuration } from '../../common/time.ts';
import { downLab } from '../../lab/down.ts';
import { findNode, openLab } from '../../lab/lab-nodes.ts';
import { labStatus } from '../../lab/status.ts';
import { upLab } from '../../lab/up.ts';
import { loadTopology } from '../../topology/load.ts';
import { printJson } from '../output.ts';

const topologyOption = ['-t, --topology <file>', 'topology file (default: ./hybrid-lab.yaml, else lab/default.yaml)'] as const;

/** Lab name from --lab, else from the topology file. */
async function labNameFrom(options: { lab?: string; topology?: string }): Promise<string> {
  return options.lab ?? (await loadTopology(options.topology)).name;
}

export function registerUp(program: Command): void {
  program
    .command('up')
    .description('bring a lab up (installs missing host packages, builds images, creates bridge, DNS, containers, VMs)')
    .option(...topologyOption)
    .option('--no-setup', 'do not install packages or start dockerd')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExamples:\n  npx hybrid-lab up\n  npx hybrid-lab up -t lab/examples/vagrant.yaml')
    .action(async (options: { topology?: string; setup: boolean; json?: boolean }) => {
      const topology = await loadTopology(options.topology);
      const result = await upLab(topology, { reporter: terminalReporter(), setup: options.setup });
      if (options.json) return printJson(result);
      const what = result.created.length + result.removed.length === 0 ? 'already up, nothing changed' : `${result.created.length} created, ${result.removed.length} removed`;
      process.stdout.write(`lab "${result.lab}" is up: ${what} (${formatDuration(result.elapsedMs)})\n`);
    });
}

export function registerDown(program: Command): void {
  program
    .command('down')
    .description('remove everything a lab made (also leftovers of a crashed up)')
    .option(...topologyOption)
    .option('--lab <name>', 'lab name (default: from the topology file)')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExamples:\n  npx hybrid-lab down\n  npx hybrid-lab down --lab vagrantlab')
    .action(async (options: { topology?: string; lab?: string; json?: boolean }) => {
      const name = await labNameFrom(options);
      const fallback = options.lab ? undefined : await loadTopology(options.topology);
      const result = await downLab(name, fallback, terminalReporter());
      if (result.failures.length > 0) process.exitCode = EXIT_CHECK_FAILED;
      if (options.json) return printJson(result);
      for (const note of [...result.notes, ...result.refused]) process.stderr.write(`  ${note}\n`);
      const extra = result.leftovers.length > 0 ? `, ${result.leftovers.length} leftover(s) found and removed` : '';
      if (result.failures.length > 0) {
        process.stdout.write(`lab "${name}" is NOT fully down: ${result.failures.length} resource(s) could not be removed (${formatDuration(result.elapsedMs)}):\n`);
        for (const failure of result.failures) process.stdout.write(`  ✘ ${failure}\n`);
        process.stdout.write(`Fix: see the reasons above, then run \`hybrid-lab down --lab ${name}\` again\n`);
      } else process.stdout.write(`lab "${name}" is down: ${result.removed.length} resource(s) removed${extra} (${formatDuration(result.elapsedMs)})\n`);
    });
}

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('nodes, kinds, IPs, DNS names and their live state')
    .option(...topologyOption)
    .option('--lab <name>', 'lab name (default: from the topology file)')
    .option('--json', 'print as JSON')
    .addHelpText('after', '\nExamples:\n  npx hybrid-lab status\n  npx hybrid-lab status --json | jq .nodes')
    .action(async (options: { topology?: string; lab?: string; json?: boolean }) => {
      const status = await labStatus(await labNameFrom(options));
      if (options.json) return printJson(status);
      process.stdout.write(`lab "${status.lab}": ${status.status}${status.bridge.name ? ` — bridge ${status.bridge.name} ${status.bridge.subnet}${status.bridge.present ? '' : ' (missing)'}` : ''}\n`);
      if (status.nodes.length === 0) return;
      const table = new Table({ head: ['node', 'kind', 'ip', 'dns name', 'state', 'detail'] });
      for (const node of status.nodes) table.push([node.name, node.kind, node.ip, node.dnsName, node.state, node.detail ?? '']);
      process.stdout.write(`${table.toString()}\n`);
      if (status.status === 'up' && status.nodes.some((node) => node.state !== 'running')) process.exitCode = EXIT_CHECK_FAILED;
    });
}

export function registerExec(program: Command): void {
  program
    .command('exec')
    .description('run a command inside a node (host, dns, container or VM), like docker exec')
    .argument('<node>', 'node name (host, dns, or a topology node)')
    .argument('<command...>', 'command and arguments (put -- before them)')
    .option(...topologyOption)
    .option('--lab <name>', 'lab name (default: from the topology file)')
    .option('--timeout <ms>', 'kill the command after this many milliseconds', (v) => Number.parseInt(v, 10))
    .option('--json', 'print exit code, stdout and stderr as JSON')
    .addHelpText('after', '\nExamples:\n  npx hybrid-lab exec test-container -- ping -c 2 web-server.hybrid.local\n  npx hybrid-lab exec base-vm -- nslookup test-container')
    .action(async (nodeName: string, argv: string[], options: { topology?: string; lab?: string; timeout?: number; json?: boolean }) => {
      const lab = await openLab(await labNameFrom(options));
      const result = await findNode(lab, nodeName).exec(argv, { timeoutMs: options.timeout });
      if (options.json) printJson(result);
      else {
        process.stdout.write(result.stdout);
        process.stderr.write(result.stderr);
      }
      process.exitCode = result.exitCode;
    });
}

export function registerLogs(program: Command): void {
  program
    .command('logs')
    .description("a lab service's log; `dns`: every query with the asking node, the name, the answer and the time")
    .argument('<service>', 'dns')
    .option('-f, --follow', 'keep printing new queries')
    .option('--since <when>', 'only queries since then: a duration (10m, 1h) or a timestamp')
    .option(...topologyOption)
    .option('--lab <name>', 'lab name (default: from the topology file)')
    .option('--json', 'print one JSON object per query (JSON lines)')
    .addHelpText('after', '\nExamples:\n  npx hybrid-lab logs dns\n  npx hybrid-lab logs dns --follow --since 5m')
    .action(async (service: string, options: { follow?: boolean; since?: string; topology?: string; lab?: string; json?: boolean }) => {
      if (service !== 'dns') throw new SetupError(`unknown service "${service}". Fix: use \`hybrid-lab logs dns\``);
      const lab = await openLab(await labNameFrom(options));
      const abort = new AbortController();
      process.once('SIGINT', () => abort.abort());
      await streamDnsLog(lab.state, { follow: options.follow, since: options.since, signal: abort.signal }, (entry) => {
        process.stdout.write(options.json ? `${JSON.stringify(entry)}\n` : `${formatQueryLogEntry(entry)}\n`);
      });
    });
}
