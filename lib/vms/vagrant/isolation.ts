import type { ExecResult } from '../../nodes/node.ts';
import type { VagrantVmNode } from './vm-node.ts';

/** What the management-isolation check saw. */
export interface ManagementIsolation {
  /** True when lab traffic cannot use the management NIC: the route is on the hybrid NIC and a forced path fails. */
  isolated: boolean;
  /** Interface the guest routes `target` through (must be the hybrid NIC). */
  routeDevice: string;
  /** Whether a ping forced through the management network's gateway got an answer (must be false). */
  reachableViaManagement: boolean;
  detail: string;
}

/**
 * Checks that a Vagrant VM's management NIC cannot carry lab traffic, so reachability tests pass
 * only through the hybrid NIC: (1) the guest routes `target` (a lab address) via the hybrid NIC;
 * (2) with a temporary host route in the guest sending `target` via the management gateway, a
 * ping must fail, because the management network is isolated (libvirt rejects forwarding from
 * it). Suites must also target and bind to `node.ip` (e.g. `ping -I <node.ip>`), never the
 * management address.
 */
export async function checkManagementIsolation(node: VagrantVmNode, target: string, managementGateway: string): Promise<ManagementIsolation> {
  const route = await node.exec(['ip', '-o', 'route', 'get', target]);
  const routeDevice = /\bdev\s+(\S+)/.exec(route.stdout)?.[1] ?? '';
  const hybridDevice = await deviceWithAddress(node, node.ip);
  const managementDevice = await deviceWithAddress(node, node.managementIp);
  const forced = await node.exec([
    'sh', '-c',
    'ip route add "$1/32" via "$2" dev "$3" && { ping -c 2 -W 1 -I "$3" "$1"; rc=$?; ip route del "$1/32"; exit $rc; }',
    'sh', target, managementGateway, managementDevice,
  ], { timeoutMs: 20_000 });
  const reachableViaManagement = forced.exitCode === 0;
  const routeOk = routeDevice !== '' && routeDevice === hybridDevice;
  return {
    isolated: routeOk && !reachableViaManagement && managementDevice !== '',
    routeDevice,
    reachableViaManagement,
    detail: `route to ${target} via ${routeDevice || '?'} (hybrid NIC ${hybridDevice || '?'}); forced via ${managementGateway} on ${managementDevice || '?'}: ${describe(forced)}`,
  };
}

async function deviceWithAddress(node: VagrantVmNode, address: string): Promise<string> {
  const result = await node.exec(['ip', '-o', '-4', 'addr', 'show']);
  const line = result.stdout.split('\n').find((text) => text.includes(` ${address}/`));
  return line?.split(/\s+/)[1] ?? '';
}

function describe(result: ExecResult): string {
  const last = (result.stdout + result.stderr).trim().split('\n').pop() ?? '';
  return `exit ${result.exitCode}${last ? ` (${last})` : ''}`;
}
