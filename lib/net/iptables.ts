import { run, succeeds } from '../common/run.ts';

/** One rule the lab owns; `comment` tags it so it can be found and removed later. */
export interface IptablesRule {
  /** ipv4 (iptables, the default) or ipv6 (ip6tables). */
  family?: 'ipv4' | 'ipv6';
  /** filter (the default; older state files have no table) or nat (port forwards). */
  table?: 'filter' | 'nat';
  chain: string;
  /** Match and target arguments, without -A/-I and chain. */
  spec: string[];
  /** What the rule is for, shown in status and in isolation failures. */
  purpose: string;
  /** Inserted at the top of its chain (the jump into the lab chain), not appended. */
  top?: boolean;
}

export function labRuleComment(labName: string): string {
  return `hybrid-lab:${labName}`;
}

/** The rules a lab promises: return traffic into the bridge, bridge<->bridge, bridge->outside, and DOCKER-USER bridge<->bridge. */
export function labRules(labName: string, bridge: string): IptablesRule[] {
  const tag = ['-m', 'comment', '--comment', labRuleComment(labName)];
  return [
    {
      chain: 'FORWARD',
      spec: ['-o', bridge, '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED', ...tag, '-j', 'ACCEPT'],
      purpose: `accept return traffic into ${bridge}`,
    },
    { chain: 'FORWARD', spec: ['-i', bridge, '-o', bridge, ...tag, '-j', 'ACCEPT'], purpose: `accept ${bridge} -> ${bridge}` },
    { chain: 'FORWARD', spec: ['-i', bridge, '!', '-o', bridge, ...tag, '-j', 'ACCEPT'], purpose: `accept ${bridge} -> outside` },
    {
      chain: 'DOCKER-USER',
      spec: ['-i', bridge, '-o', bridge, ...tag, '-j', 'ACCEPT'],
      purpose: `DOCKER-USER accept ${bridge} -> ${bridge} (bridged VM traffic survives FORWARD policy DROP)`,
    },
  ];
}

/**
 * Drops forwarding between the lab bridge and another network (a VM management network the lab
 * made, another container network no engine keeps apart from it), both ways, so reachability on
 * the lab can never pass through the other side.
 */
export function isolationRules(labName: string, bridge: string, otherBridge: string, what = 'VM management network'): IptablesRule[] {
  const tag = ['-m', 'comment', '--comment', labRuleComment(labName)];
  return [
    { chain: 'DOCKER-USER', spec: ['-i', bridge, '-o', otherBridge, ...tag, '-j', 'DROP'], purpose: `isolate ${bridge} -> ${otherBridge} (${what})` },
    { chain: 'DOCKER-USER', spec: ['-i', otherBridge, '-o', bridge, ...tag, '-j', 'DROP'], purpose: `isolate ${otherBridge} -> ${bridge} (${what})` },
  ];
}

/**
 * What the host accepts from the lab on INPUT: replies, ICMP (and ICMPv6, which neighbour
 * discovery needs), the ports the topology opens, and nothing else. Without these, every node
 * reaches every service the host runs on 0.0.0.0 (INPUT policy ACCEPT on most machines).
 * Inserted at the top of INPUT in this order, so no broader accept above them can open the host.
 */
export function hostInputRules(labName: string, bridge: string, open: ReadonlyArray<{ port: number; protocol: 'tcp' | 'udp' }>): IptablesRule[] {
  const tag = ['-m', 'comment', '--comment', labRuleComment(labName)];
  const rules: IptablesRule[] = [];
  for (const family of ['ipv4', 'ipv6'] as const) {
    const icmp = family === 'ipv4' ? 'icmp' : 'ipv6-icmp';
    rules.push(
      { family, chain: 'INPUT', spec: ['-i', bridge, '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED', ...tag, '-j', 'ACCEPT'], purpose: `[${family}] host accepts replies from ${bridge}` },
      { family, chain: 'INPUT', spec: ['-i', bridge, '-p', icmp, ...tag, '-j', 'ACCEPT'], purpose: `[${family}] host accepts ${icmp} from ${bridge}` },
      ...open.map(({ port, protocol }) => ({
        family, chain: 'INPUT', spec: ['-i', bridge, '-p', protocol, '-m', protocol, '--dport', String(port), ...tag, '-j', 'ACCEPT'],
        purpose: `[${family}] host accepts ${protocol}/${port} from ${bridge} (host.acceptFromLab)`,
      })),
      { family, chain: 'INPUT', spec: ['-i', bridge, ...tag, '-j', 'DROP'], purpose: `[${family}] host drops everything else from ${bridge}` },
    );
  }
  return rules;
}

function iptablesCommand(rule: Pick<IptablesRule, 'family'>): string {
  return rule.family === 'ipv6' ? 'ip6tables' : 'iptables';
}

/** The rule's table: filter when unset (rules recorded before nat rules existed). */
export function tableOf(rule: Pick<IptablesRule, 'table'>): 'filter' | 'nat' {
  return rule.table ?? 'filter';
}

export async function chainExists(chain: string, family: IptablesRule['family'] = 'ipv4'): Promise<boolean> {
  return succeeds(iptablesCommand({ family }), ['-w', '-n', '-L', chain]);
}

export async function ruleExists(rule: IptablesRule): Promise<boolean> {
  return succeeds(iptablesCommand(rule), ['-w', '-t', tableOf(rule), '-C', rule.chain, ...rule.spec]);
}

/**
 * Adds a rule unless present. DOCKER-USER rules are inserted first (Docker appends a RETURN);
 * FORWARD rules are appended after Docker's isolation chains so those keep isolating networks;
 * INPUT rules go in at `position` (1-based), i.e. at the top in the order the lab lists them.
 */
export async function ensureRule(rule: IptablesRule, position = 1): Promise<boolean> {
  if (await ruleExists(rule)) return false;
  const command = iptablesCommand(rule);
  if (rule.chain === 'DOCKER-USER' && !(await chainExists('DOCKER-USER', rule.family))) await run(command, ['-w', '-N', 'DOCKER-USER']);
  let verb = ['-A', rule.chain];
  if (rule.chain === 'DOCKER-USER') verb = ['-I', rule.chain, '1'];
  if (rule.chain === 'INPUT') verb = ['-I', rule.chain, String(Math.min(position, (await chainLength(command, 'INPUT')) + 1))];
  await run(command, ['-w', '-t', tableOf(rule), ...verb, ...rule.spec]);
  return true;
}

async function chainLength(command: string, chain: string): Promise<number> {
  const listing = (await run(command, ['-w', '-S', chain])).stdout;
  return listing.split('\n').filter((line) => line.startsWith('-A ')).length;
}

/** Deletes every copy of a rule. */
export async function removeRule(rule: IptablesRule): Promise<void> {
  while (await ruleExists(rule)) await run(iptablesCommand(rule), ['-w', '-t', tableOf(rule), '-D', rule.chain, ...rule.spec]);
}

/** Whether a rule carries this lab's comment: the only rules `down` may delete. */
export function ruleIsTagged(rule: IptablesRule, labName: string): boolean {
  const at = rule.spec.indexOf('--comment');
  return at >= 0 && rule.spec[at + 1] === labRuleComment(labName);
}

/** Splits an iptables-save rule line into arguments, honouring double quotes. */
export function splitRuleLine(line: string): string[] {
  const args: string[] = [];
  for (const match of line.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)) args.push(match[1] ?? match[2]);
  return args;
}
