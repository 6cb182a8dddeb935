import { ProvisionError } from '../common/errors.ts';
import type { ProgressReporter } from '../common/progress.ts';
import { containerRuntime } from '../runtimes/registry.ts';
import { readSysctl, writeSysctl } from '../host/sysctl.ts';
import type { Topology } from '../topology/topology.ts';
import { forwardSysctls } from './port-forwards.ts';
import { listLabNames, readStateOrUndefined, type LabState, type StateStore } from './state.ts';

/** The host-wide switches a topology sets, with the value it wants (and the lab interfaces' own, for port forwards). */
function wantedSysctls(topology: Pick<Topology, 'host' | 'nodes' | 'bridge'>): Array<{ key: string; value: string; field: string }> {
  return [
    { key: 'net.ipv4.ip_forward', value: topology.host.ipForward ? '1' : '0', field: 'host.ipForward' },
    { key: 'net.bridge.bridge-nf-call-iptables', value: topology.host.bridgeNfCallIptables ? '1' : '0', field: 'host.bridgeNfCallIptables' },
    ...forwardSysctls(topology),
  ];
}

/**
 * Who else on this host relies on `key` being `value`: other labs that are up, and Docker for
 * forwarding (its published ports and networks stop working without ip_forward).
 */
async function otherUsers(key: string, value: string, exceptLab: string): Promise<string[]> {
  const users: string[] = [];
  for (const name of await listLabNames()) {
    if (name === exceptLab) continue;
    const state = await readStateOrUndefined(name);
    if (state?.status === 'up' && wantedSysctls(state.topology).some((wanted) => wanted.key === key && wanted.value === value)) users.push(`lab "${name}"`);
  }
  if (key === 'net.ipv4.ip_forward' && value === '1' && (await (await containerRuntime('docker')).probe()).reachable) users.push('the Docker engine');
  return users;
}

/**
 * Sets the sysctls the topology asks for. Each change is recorded (with the value before) before
 * it is made, so `down` can put it back. Switching off what others rely on is refused.
 */
export async function applySysctls(topology: Topology, store: StateStore, reporter: ProgressReporter): Promise<void> {
  for (const { key, value, field } of wantedSysctls(topology)) {
    const current = await readSysctl(key);
    if (current === undefined) {
      if (value === '1') reporter.note(key.startsWith('net.bridge.') ? `${key} is not available (br_netfilter not loaded); Docker loads it when it starts` : `${key} is not available (interface missing) for ${field}`);
      continue;
    }
    if (current === value) continue;
    if (value === '0') {
      const users = await otherUsers(key, '1', topology.name);
      if (users.length > 0) {
        throw new ProvisionError(`${topology.source}: ${field}: false would set ${key}=0 for the whole host, which ${users.join(' and ')} rely on. Fix: remove ${field} (or set it to true)`);
      }
    }
    await store.recordSysctl({ key, before: current, after: value });
    await writeSysctl(key, value);
    reporter.note(`${key} set to ${value} (was ${current}; restored by down)`);
  }
}

/** Puts back what the lab changed, unless another lab (or Docker) needs the lab's value; says what it did. */
export async function restoreSysctls(state: LabState): Promise<string[]> {
  const notes: string[] = [];
  for (const change of state.sysctls) {
    const current = await readSysctl(change.key);
    if (current !== change.after) continue; // someone changed it since: not ours to touch
    const users = await otherUsers(change.key, change.after, state.lab);
    if (users.length > 0) {
      notes.push(`kept ${change.key}=${change.after}: ${users.join(' and ')} need${users.length === 1 ? 's' : ''} it`);
      continue;
    }
    await writeSysctl(change.key, change.before);
    notes.push(`restored ${change.key}=${change.before}`);
  }
  return notes;
}
