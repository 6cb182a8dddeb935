import type { Command } from 'commander';
import { EXIT_CHECK_FAILED } from '../../common/errors.ts';
import { labStatus, type LabStatus } from '../../lab/status.ts';
import { assertDockerSocketAccess } from '../docker-access.ts';
import { knownLabs, LAB_OPTION, selectedLabName, TOPOLOGY_OPTION } from '../lab-select.ts';
import { printDocument } from '../output.ts';
import { describeImpairment } from '../../topology/impairment.ts';
import { painter, stateHue } from '../terminal/colour.ts';
import { renderPlainTable, stdoutTableOptions } from '../terminal/table.ts';

function byState(text: string): string {
  const hue = stateHue(text);
  return hue ? painter()(hue, text) : text;
}

function printLab(status: LabStatus): void {
  const bridge = status.bridge.name ? ` — bridge ${status.bridge.name} ${status.bridge.subnet}${status.bridge.present ? '' : ' (missing)'}` : '';
  process.stdout.write(`lab "${status.lab}": ${byState(status.status)}${bridge}\n`);
  if (status.problem) process.stdout.write(`  ${status.problem}\n`);
  if (status.nodes.length === 0) return;
  // One segment on a bridge says all in the header; several, or other modes, get a line each.
  if (status.networks.length > 1 || status.networks.some((network) => network.mode !== 'bridged')) {
    const networks = status.networks.map((network) => [network.name, network.mode, network.parent ? `${network.interface} (shim on ${network.parent})` : network.interface, network.subnet, network.present ? 'present' : 'missing']);
    process.stdout.write(renderPlainTable(['network', 'mode', 'host interface', 'subnet', 'state'], networks, stdoutTableOptions([, , , , byState])));
  }
  const rows = status.nodes.map((node) => [node.name, node.kind, node.ip, node.dnsName, node.state, [node.detail, impairmentText(node.impairment)].filter(Boolean).join('; ')]);
  process.stdout.write(renderPlainTable(['node', 'kind', 'ip', 'dns name', 'state', 'detail'], rows, stdoutTableOptions([, , , , byState])));
  if (status.leases) printLeases(status.leases);
  if (status.forwards.length === 0) return;
  const forwards = status.forwards.map((forward) => [`${forward.host}/${forward.protocol}`, forward.node, forward.target, forward.state]);
  process.stdout.write(renderPlainTable(['port forward', 'node', 'to', 'state'], forwards, stdoutTableOptions()));
}

function printLeases(leases: NonNullable<LabStatus['leases']>): void {
  if (leases.length === 0) return void process.stdout.write('DHCP leases: none yet\n');
  process.stdout.write('DHCP leases:\n');
  const rows = leases.map((lease) => [lease.network ?? '', lease.mac, lease.ip, lease.name ?? '', lease.expiresAt ?? 'never']);
  process.stdout.write(renderPlainTable(['network', 'mac', 'ip', 'name', 'expires'], rows, stdoutTableOptions([])));
}

/** "impaired: rate 20 Mbit/s (veth1234)", or "not applied" when the qdiscs are not in place. */
function impairmentText(impairment: LabStatus['nodes'][number]['impairment']): string {
  if (!impairment) return '';
  const where = [impairment.hostInterface && `${impairment.hostInterface} and its ifb`, impairment.inGuest && 'netem inside the guest'].filter(Boolean).join(', ');
  return `impaired: ${describeImpairment(impairment)}${impairment.applied ? ` (${where})` : ' (not applied)'}`;
}

function unhealthy(status: LabStatus): boolean {
  return status.status === 'invalid' || (status.status === 'up' && (status.nodes.some((node) => node.state !== 'running' || node.impairment?.applied === false) || status.forwards.some((forward) => forward.state === 'missing')));
}

async function printAllLabs(json: boolean): Promise<void> {
  const statuses = await Promise.all((await knownLabs()).map((lab) => labStatus(lab)));
  if (statuses.some(unhealthy)) process.exitCode = EXIT_CHECK_FAILED; // the same with or without --json
  if (json) return printDocument('status-all', { labs: statuses });
  if (statuses.length === 0) process.stdout.write('no lab on this host\n');
  else {
    const rows = statuses.map((s) => [s.lab, s.status, s.bridge.name, s.bridge.subnet, String(s.nodes.length), String(s.nodes.filter((n) => n.state === 'running').length)]);
    process.stdout.write(renderPlainTable(['lab', 'status', 'bridge', 'subnet', 'nodes', 'running'], rows, stdoutTableOptions([, byState])));
  }
  if (statuses.some(unhealthy)) process.exitCode = EXIT_CHECK_FAILED;
}

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('nodes, kinds, IPs, DNS names and their live state')
    .option(...TOPOLOGY_OPTION)
    .option(...LAB_OPTION)
    .option('--all', 'every lab on this host, one line each')
    .option('--json', 'print as JSON')
    .addHelpText(
      'after',
      '\nExit code 1 when the lab is up but a node is not running (or its impairment is not in place).\n\nExamples:\n  npx hybrid-lab status\n  npx hybrid-lab status --all\n  npx hybrid-lab status --json | jq .nodes',
    )
    .action(async (options: { topology?: string; lab?: string; all?: boolean; json?: boolean }) => {
      await assertDockerSocketAccess();
      if (options.all) return printAllLabs(options.json === true);
      const status = await labStatus(await selectedLabName(options));
      if (options.json) printDocument('status', status);
      else printLab(status);
      if (unhealthy(status)) process.exitCode = EXIT_CHECK_FAILED;
    });
}
