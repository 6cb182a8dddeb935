import { labRuleComment, type IptablesRule } from './iptables.ts';
import { formatHostEndpoint, isLoopbackAddress, isWildcardAddress } from '../topology/port-publish.ts';

/** What the rules of one forward need: the host side, the target, and the interface the target is reached on. */
export interface ForwardRuleSpec {
  protocol: 'tcp' | 'udp';
  host: { address: string; port: number };
  target: { address: string; port: number };
  /** The host interface (the network's bridge) behind which the target lives. */
  via: string;
  /** Who the forward is for (the node's name), in each rule's purpose. */
  node: string;
}

/**
 * The rules of a lab's port forwards, Docker's way without its userland proxy:
 * - nat PREROUTING: DNAT of packets arriving for the host address from anywhere but the target's
 *   own network (nodes reach each other directly; a hairpin through the host would need SNAT);
 * - nat OUTPUT: DNAT of the host's own connections, loopback included;
 * - nat POSTROUTING: MASQUERADE of loopback-sourced packets leaving to the network (with
 *   route_localnet on that interface, see forwardSysctls), so the node answers to a real address;
 * - filter FORWARD: accept DNATed connections into the network (Docker's FORWARD policy is DROP).
 * Every rule carries the lab's comment; the purposes are unique, they are the state's ids.
 */
export function portForwardRules(labName: string, forwards: readonly ForwardRuleSpec[]): IptablesRule[] {
  const tag = ['-m', 'comment', '--comment', labRuleComment(labName)];
  const rules: IptablesRule[] = [];
  const add = (rule: IptablesRule) => {
    if (!rules.some((known) => known.purpose === rule.purpose)) rules.push(rule);
  };
  for (const forward of forwards) {
    const { protocol, host, target, via } = forward;
    const what = `port forward ${formatHostEndpoint(host)}/${protocol} -> ${forward.node} ${target.address}:${target.port}`;
    const match = ['-p', protocol, '-m', protocol, '--dport', String(host.port)];
    const dnat = [...tag, '-j', 'DNAT', '--to-destination', `${target.address}:${target.port}`];
    const wildcard = isWildcardAddress(host.address);
    const destination = wildcard ? [] : ['-d', `${host.address}/32`];
    const local = wildcard ? ['-m', 'addrtype', '--dst-type', 'LOCAL'] : [];
    if (!isLoopbackAddress(host.address)) {
      add({ table: 'nat', chain: 'PREROUTING', spec: [...destination, '!', '-i', via, ...match, ...local, ...dnat], purpose: `${what} (arriving)` });
      add({
        chain: 'FORWARD',
        spec: ['-d', `${target.address}/32`, '-o', via, '-p', protocol, '-m', protocol, '--dport', String(target.port), '-m', 'conntrack', '--ctstate', 'DNAT', ...tag, '-j', 'ACCEPT'],
        purpose: `port forward: accept DNATed ${protocol} to ${forward.node} ${target.address}:${target.port} into ${via}`,
      });
    }
    add({ table: 'nat', chain: 'OUTPUT', spec: [...destination, ...match, ...local, ...dnat], purpose: `${what} (from the host)` });
    if (reachesLoopback(host.address)) {
      add({ table: 'nat', chain: 'POSTROUTING', spec: ['-s', '127.0.0.0/8', '-o', via, ...tag, '-j', 'MASQUERADE'], purpose: `port forward: masquerade loopback-sourced packets into ${via}` });
    }
  }
  return rules;
}

/** Whether the host's own loopback connections take this forward (127.0.0.0/8, or every address). */
function reachesLoopback(address: string): boolean {
  return isLoopbackAddress(address) || isWildcardAddress(address);
}

/**
 * The interfaces that need net.ipv4.conf.IF.route_localnet=1: without it the kernel drops a
 * packet DNATed from 127.0.0.1 as a martian before POSTROUTING can masquerade it.
 */
export function routeLocalnetInterfaces(forwards: readonly Pick<ForwardRuleSpec, 'host' | 'via'>[]): string[] {
  return [...new Set(forwards.filter((forward) => reachesLoopback(forward.host.address)).map((forward) => forward.via))];
}
