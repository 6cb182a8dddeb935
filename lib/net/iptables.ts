import { run, succeeds } from '../common/run.ts';

/** One filter-table rule the lab owns; `comment` tags it so it can be found and removed later. */
export interface IptablesRule {
  chain: string;
  /** Match and target arguments, without -A/-I and chain. */
  spec: string[];
  /** What the rule is for, shown in status and in isolation failures. */
  purpose: string;
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
 * Drops forwarding between the lab bridge and another network the lab made (a VM management
 * network), both ways, so reachability on the lab can never pass through the management side.
 */
export function isolationRules(labName: string, bridge: string, otherBridge: string): IptablesRule[] {
  const tag = ['-m', 'comment', '--comment', labRuleComment(labName)];
  return [
    { chain: 'DOCKER-USER', spec: ['-i', bridge, '-o', otherBridge, ...tag, '-j', 'DROP'], purpose: `isolate ${bridge} -> ${otherBridge} (VM management network)` },
    { chain: 'DOCKER-USER', spec: ['-i', otherBridge, '-o', bridge, ...tag, '-j', 'DROP'], purpose: `isolate ${otherBridge} -> ${bridge} (VM management network)` },
  ];
}

export async function chainExists(chain: string): Promise<boolean> {
  return succeeds('iptables', ['-w', '-n', '-L', chain]);
}

export async function ruleExists(rule: IptablesRule): Promise<boolean> {
  return succeeds('iptables', ['-w', '-C', rule.chain, ...rule.spec]);
}

/**
 * Adds a rule unless present. DOCKER-USER rules are inserted first (Docker appends a RETURN);
 * FORWARD rules are appended after Docker's isolation chains so those keep isolating networks.
 */
export async function ensureRule(rule: IptablesRule): Promise<boolean> {
  if (await ruleExists(rule)) return false;
  if (rule.chain === 'DOCKER-USER' && !(await chainExists('DOCKER-USER'))) await run('iptables', ['-w', '-N', 'DOCKER-USER']);
  const verb = rule.chain === 'DOCKER-USER' ? ['-I', rule.chain, '1'] : ['-A', rule.chain];
  await run('iptables', ['-w', ...verb, ...rule.spec]);
  return true;
}

/** Deletes every copy of a rule. */
export async function removeRule(rule: IptablesRule): Promise<void> {
  while (await ruleExists(rule)) await run('iptables', ['-w', '-D', rule.chain, ...rule.spec]);
}

/** Removes every filter rule tagged with the lab's comment, whatever it is (finds leftovers). */
export async function removeTaggedRules(labName: string): Promise<number> {
  const saved = (await run('iptables-save', ['-t', 'filter'])).stdout;
  const comment = labRuleComment(labName);
  let removed = 0;
  for (const line of saved.split('\n')) {
    if (!line.startsWith('-A ')) continue;
    const args = splitRuleLine(line.slice(3));
    const at = args.indexOf('--comment');
    if (at < 0 || args[at + 1] !== comment) continue;
    await run('iptables', ['-w', '-D', ...args], { allowFailure: true });
    removed++;
  }
  return removed;
}

/** Splits an iptables-save rule line into arguments, honouring double quotes. */
export function splitRuleLine(line: string): string[] {
  const args: string[] = [];
  for (const match of line.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)) args.push(match[1] ?? match[2]);
  return args;
}
