import { shortHash } from '../common/hash.ts';
import { run, succeeds } from '../common/run.ts';
import type { ResolvedNetwork } from '../topology/topology.ts';
import { labRuleComment, type IptablesRule } from './iptables.ts';

type Family = 'ipv4' | 'ipv6';
const FAMILIES: readonly Family[] = ['ipv4', 'ipv6'];
const command = (family: Family) => (family === 'ipv6' ? 'ip6tables' : 'iptables');

/**
 * The lab's own filter chain: every forwarding decision between its networks (modes, the deny
 * between segments, policies) lives here, in order, jumped to from the top of FORWARD. A chain of
 * its own keeps the order of the lab's rules independent of where Docker, podman or another lab
 * put theirs, and lets `down` find them all at once. iptables chain names stop at 28 characters.
 */
export function labChainName(labName: string): string {
  const name = `HL-${labName}`;
  return name.length <= 28 ? name : `HL-${labName.slice(0, 16)}-${shortHash([labName]).slice(0, 8)}`;
}

/** A chain name only `labChainName` makes (what the state file may record as a lab chain). */
export const LAB_CHAIN_PATTERN = /^HL-[a-z0-9-]{1,25}$/;

export async function chainPresent(chain: string, family: Family): Promise<boolean> {
  return succeeds(command(family), ['-w', '-n', '-L', chain]);
}

export async function createChain(chain: string, family: Family): Promise<void> {
  if (!(await chainPresent(chain, family))) await run(command(family), ['-w', '-N', chain]);
}

/**
 * Deletes the lab chain once nothing is in it and nothing jumps to it (the lab's rules went
 * first). A chain that still holds rules is not the lab's to empty: the caller refuses it.
 */
export async function deleteChainIfEmpty(chain: string, family: Family): Promise<'deleted' | 'absent' | 'not-empty'> {
  if (!(await chainPresent(chain, family))) return 'absent';
  const listing = (await run(command(family), ['-w', '-S', chain])).stdout.split('\n').filter((line) => line.startsWith('-A '));
  if (listing.length > 0) return 'not-empty';
  await run(command(family), ['-w', '-X', chain]);
  return 'deleted';
}

/** Lab chains of this lab left on the host (both families), for the leftover sweep. */
export async function leftoverChains(labName: string): Promise<Array<{ chain: string; family: Family }>> {
  const chain = labChainName(labName);
  const found: Array<{ chain: string; family: Family }> = [];
  for (const family of FAMILIES) if (await chainPresent(chain, family)) found.push({ chain, family });
  return found;
}

/**
 * What the lab chain holds, both families, in order:
 * 1. replies to connections the lab allowed (into any lab bridge);
 * 2. `policies` (caller-supplied, already in their order);
 * 3. traffic within each segment;
 * 4. between two segments: accepted when both are routed, dropped otherwise;
 * 5. each segment's mode: isolated drops everything leaving or entering it, and so does macvlan
 *    (its shim; the segment's own traffic never passes the host's netfilter); the others drop
 *    traffic to and from the host's other bridges (`foreignBridges`: other engines' and labs'
 *    networks); nat drops new connections from outside; routed accepts them.
 * Everything else returns to FORWARD, where the engines' own rules, their isolation between
 * networks and the lab's engine-isolation rules decide as for a lab of one bridge: traffic
 * leaving a bridged, nat or routed segment goes out as the lab bridge always did.
 */
export function labChainRules(labName: string, networks: readonly ResolvedNetwork[], policies: readonly IptablesRule[] = [], foreignBridges: readonly string[] = []): IptablesRule[] {
  const chain = labChainName(labName);
  const tag = ['-m', 'comment', '--comment', labRuleComment(labName)];
  const rules: IptablesRule[] = [];
  for (const family of FAMILIES) {
    const add = ([matches, target]: Verdict, purpose: string) => rules.push({ family, chain, spec: [...matches, ...tag, '-j', target], purpose: `[${family}] ${purpose}` });
    for (const { bridge } of networks) add([['-o', bridge, '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED'], 'ACCEPT'], `accept replies into ${bridge}`);
    for (const policy of policies.filter((rule) => (rule.family ?? 'ipv4') === family)) rules.push({ ...policy, family, chain });
    for (const { bridge, name } of networks) add([['-i', bridge, '-o', bridge], 'ACCEPT'], `accept within network ${name} (${bridge})`);
    for (const from of networks) {
      for (const to of networks) {
        if (from === to) continue;
        const routed = from.mode === 'routed' && to.mode === 'routed';
        add([['-i', from.bridge, '-o', to.bridge], routed ? 'ACCEPT' : 'DROP'], `${routed ? 'route' : 'deny'} network ${from.name} -> network ${to.name}${routed ? ' (both routed)' : ' (networks are apart unless both are routed)'}`);
      }
    }
    for (const network of networks) for (const [verdict, purpose] of modeRules(network, foreignBridges)) add(verdict, purpose);
  }
  return rules;
}

/** Match arguments and the target. */
type Verdict = [string[], 'ACCEPT' | 'DROP'];

function modeRules(network: ResolvedNetwork, foreignBridges: readonly string[]): Array<[Verdict, string]> {
  const { bridge, name, mode } = network;
  if (mode === 'macvlan') {
    // `bridge` is the host's shim on the parent: the host talks to the segment through it but forwards nothing to or from it.
    return [
      [[['-i', bridge], 'DROP'], `macvlan network ${name}: the host forwards nothing from its shim ${bridge}`],
      [[['-o', bridge], 'DROP'], `macvlan network ${name}: the host forwards nothing into its shim ${bridge}`],
    ];
  }
  if (mode === 'isolated') {
    return [
      [[['-i', bridge], 'DROP'], `isolated network ${name}: nothing leaves ${bridge}`],
      [[['-o', bridge], 'DROP'], `isolated network ${name}: nothing enters ${bridge}`],
    ];
  }
  // Other engines' and labs' networks never talk to a lab segment, whatever those engines' own rules say.
  const apart = foreignBridges.flatMap((other): Array<[Verdict, string]> => [
    [[['-i', bridge, '-o', other], 'DROP'], `${mode} network ${name}: nothing out to ${other} (not this lab's)`],
    [[['-i', other, '-o', bridge], 'DROP'], `${mode} network ${name}: nothing in from ${other} (not this lab's)`],
  ]);
  switch (mode) {
    case 'nat':
      return [...apart, [[['-o', bridge], 'DROP'], `nat network ${name}: no new connection from outside`]];
    case 'routed':
      return [...apart, [[['-o', bridge], 'ACCEPT'], `routed network ${name}: in from outside, unchanged addresses`]];
    case 'bridged':
      return apart;
  }
}

/**
 * Jumps into the lab chain, per family: first in DOCKER-USER (Docker re-inserts its own rules at
 * the top of FORWARD whenever it makes a network, but always jumps to DOCKER-USER before them) and
 * at the top of FORWARD (hosts without Docker: podman's rules come after).
 */
export function labChainJumps(labName: string): IptablesRule[] {
  const chain = labChainName(labName);
  return FAMILIES.flatMap((family) => (['DOCKER-USER', 'FORWARD'] as const).map((from) => ({
    family,
    chain: from,
    top: true,
    spec: ['-m', 'comment', '--comment', labRuleComment(labName), '-j', chain],
    purpose: `[${family}] ${from} jumps to the lab chain ${chain}`,
  })));
}
