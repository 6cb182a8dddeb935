import { splitRuleLine } from './iptables.ts';
import type { IptablesRuleCounted, IptablesSnapshot } from '../debug/snapshot/host-snapshot.ts';

/** Reads the interface matches and target out of a rule's arguments. */
function describeRule(args: string[]): Pick<IptablesRuleCounted, 'target' | 'inInterface' | 'inNegated' | 'outInterface' | 'outNegated'> {
  const rule: ReturnType<typeof describeRule> = {};
  for (let i = 0; i < args.length; i++) {
    const negated = args[i] === '!';
    const flag = negated ? args[i + 1] : args[i];
    const value = negated ? args[i + 2] : args[i + 1];
    if (flag === '-i' || flag === '--in-interface') {
      rule.inInterface = value;
      rule.inNegated = negated;
    } else if (flag === '-o' || flag === '--out-interface') {
      rule.outInterface = value;
      rule.outNegated = negated;
    } else if (flag === '-j' || flag === '--jump' || flag === '-g' || flag === '--goto') {
      rule.target = value;
    }
    // Skip the flag (and its value) that a '!' negated, so it is not read again un-negated.
    if (negated) i += 1;
  }
  return rule;
}

/**
 * Parses `iptables-save -c`: chain policies with counters (`:FORWARD DROP [12:720]`) and rules
 * with counters (`[5:300] -A FORWARD -i hybr0 -o hybr0 -j ACCEPT`).
 */
export function parseIptablesSave(text: string): IptablesSnapshot {
  const snapshot: IptablesSnapshot = { chains: {}, rules: [] };
  let table = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('*')) {
      table = line.slice(1);
      snapshot.chains[table] ??= {};
      continue;
    }
    const chainMatch = /^:(\S+)\s+(\S+)\s+\[(\d+):(\d+)\]/.exec(line);
    if (chainMatch) {
      snapshot.chains[table][chainMatch[1]] = { policy: chainMatch[2], packets: Number(chainMatch[3]), bytes: Number(chainMatch[4]) };
      continue;
    }
    const ruleMatch = /^(?:\[(\d+):(\d+)\]\s+)?-A\s+(\S+)\s*(.*)$/.exec(line);
    if (!ruleMatch) continue;
    const text = ruleMatch[4];
    snapshot.rules.push({
      table,
      chain: ruleMatch[3],
      text,
      ...describeRule(splitRuleLine(text)),
      packets: Number(ruleMatch[1] ?? 0),
      bytes: Number(ruleMatch[2] ?? 0),
    });
  }
  return snapshot;
}

/** Chains reachable from `start` through jumps, in the given table (start included). */
export function reachableChains(snapshot: IptablesSnapshot, table: string, start: string): Set<string> {
  const seen = new Set<string>([start]);
  const queue = [start];
  while (queue.length > 0) {
    const chain = queue.shift()!;
    for (const rule of snapshot.rules) {
      if (rule.table !== table || rule.chain !== chain || !rule.target) continue;
      if (snapshot.chains[table]?.[rule.target] && !seen.has(rule.target)) {
        seen.add(rule.target);
        queue.push(rule.target);
      }
    }
  }
  return seen;
}
