import type { Impairment } from '../topology/impairment.ts';
import { needsNetem } from '../topology/impairment.ts';

/**
 * The tc commands (argument arrays, without the leading `tc`) that impair one link. Pure: the
 * caller runs them (link-impairment.ts). Traffic leaving an interface is shaped by its root
 * qdisc: tbf for the rate, netem for delay/jitter/loss — netem as tbf's child when both are
 * asked for, so the delayed packets still leave at the capped rate.
 */

/** Handles of the qdiscs we add; `show` finds ours by them. */
export const TBF_HANDLE = '1:';
export const NETEM_HANDLE = '10:';
export const INGRESS_HANDLE = 'ffff:';

/** tbf's bucket: at least 10 ms of the rate, and never below 10 full-size frames (GSO bursts on a veth are large). */
export function tbfBurstBytes(rateBitsPerSec: number): number {
  return Math.max(Math.ceil(rateBitsPerSec / 8 / 100), 10 * 1514);
}

/** tbf's queue: 100 ms of the rate (a TCP flow needs room to probe), and at least three buckets. */
export function tbfLimitBytes(rateBitsPerSec: number): number {
  return Math.max(Math.ceil(rateBitsPerSec / 8 / 10), 3 * tbfBurstBytes(rateBitsPerSec));
}

/** netem's arguments for an impairment's delay, jitter and loss. */
export function netemArgs(impairment: Impairment): string[] {
  const args: string[] = [];
  if (impairment.delayMs !== undefined) {
    args.push('delay', `${impairment.delayMs}ms`);
    if (impairment.jitterMs) args.push(`${impairment.jitterMs}ms`);
  }
  if (impairment.lossPercent !== undefined) args.push('loss', `${impairment.lossPercent}%`);
  return args;
}

/** The commands that shape traffic leaving `device` as the impairment says (after clearing it). */
export function egressCommands(device: string, impairment: Impairment): string[][] {
  const commands: string[][] = [];
  const rate = impairment.rateBitsPerSec;
  if (rate !== undefined) {
    commands.push(['qdisc', 'add', 'dev', device, 'root', 'handle', TBF_HANDLE, 'tbf', 'rate', `${rate}bit`, 'burst', String(tbfBurstBytes(rate)), 'limit', String(tbfLimitBytes(rate))]);
  }
  if (needsNetem(impairment)) {
    const parent = rate !== undefined ? ['parent', '1:1'] : ['root'];
    commands.push(['qdisc', 'add', 'dev', device, ...parent, 'handle', NETEM_HANDLE, 'netem', ...netemArgs(impairment)]);
  }
  return commands;
}

/**
 * The commands that send everything arriving on `device` (the node's outgoing traffic, as the
 * host sees it) through `ifb`, whose egress then carries the same shaping: the only way to
 * shape, not just police, traffic the host receives.
 */
export function redirectCommands(device: string, ifb: string): string[][] {
  return [
    ['qdisc', 'add', 'dev', device, 'handle', INGRESS_HANDLE, 'ingress'],
    ['filter', 'add', 'dev', device, 'parent', INGRESS_HANDLE, 'protocol', 'all', 'prio', '1', 'u32', 'match', 'u32', '0', '0', 'action', 'mirred', 'egress', 'redirect', 'dev', ifb],
  ];
}

/** What removes our qdiscs from a device (each may fail with "nothing to delete", which is fine). */
export function clearCommands(device: string): string[][] {
  return [
    ['qdisc', 'del', 'dev', device, 'root'],
    ['qdisc', 'del', 'dev', device, 'ingress'],
  ];
}

/** Every command for one link: traffic towards the node on the host interface, from it on the ifb. */
export function linkCommands(hostInterface: string, ifb: string, impairment: Impairment): string[][] {
  return [...egressCommands(hostInterface, impairment), ...egressCommands(ifb, impairment), ...redirectCommands(hostInterface, ifb)];
}
