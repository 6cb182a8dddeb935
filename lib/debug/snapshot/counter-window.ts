import { run } from '../../common/run.ts';
import type { CounterWindow, IptablesSnapshot, RuleCounterDelta } from './host-snapshot.ts';
import { parseIptablesSave } from '../../net/iptables-save.ts';

/** iptables and ip6tables rules with counters, every table (filter, nat, mangle, raw; Docker's chains too). */
export async function readRuleCounters(): Promise<{ snapshot: IptablesSnapshot; errors: string[] }> {
  const snapshot: IptablesSnapshot = { chains: {}, rules: [] };
  const errors: string[] = [];
  for (const [program, family] of [['iptables-save', 'ipv4'], ['ip6tables-save', 'ipv6']] as const) {
    try {
      const parsed = parseIptablesSave((await run(program, ['-c'], { timeoutMs: 15_000 })).stdout);
      for (const rule of parsed.rules) snapshot.rules.push({ ...rule, family });
      // Chains are kept per family under "table" (IPv4) and "table6" (IPv6).
      for (const [table, chains] of Object.entries(parsed.chains)) snapshot.chains[family === 'ipv4' ? table : `${table}6`] = chains;
    } catch (error) {
      errors.push(`${program}: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  return { snapshot, errors };
}

/** Rules keyed by family, table, chain, position and text: a rule inserted meanwhile shifts positions but keeps its text. */
function positioned(snapshot: IptablesSnapshot): Map<string, RuleCounterDelta> {
  const positions = new Map<string, number>();
  const rules = new Map<string, RuleCounterDelta>();
  for (const rule of snapshot.rules) {
    const family = rule.family ?? 'ipv4';
    const chainKey = `${family}|${rule.table}|${rule.chain}`;
    const position = (positions.get(chainKey) ?? 0) + 1;
    positions.set(chainKey, position);
    let key = `${chainKey}|${rule.text}`;
    while (rules.has(key)) key += '|again';
    rules.set(key, { family, table: rule.table, chain: rule.chain, position, text: rule.text, target: rule.target, packets: rule.packets, bytes: rule.bytes });
  }
  return rules;
}

/** What moved between two counter readings: rules whose packets grew (new rules count from 0) and policies. */
export function counterWindow(before: IptablesSnapshot, after: IptablesSnapshot, fromIso: string, toIso: string): CounterWindow {
  const earlier = positioned(before);
  const rules: RuleCounterDelta[] = [];
  for (const [key, rule] of positioned(after)) {
    const old = earlier.get(key);
    const packets = rule.packets - (old?.packets ?? 0);
    if (packets > 0) rules.push({ ...rule, packets, bytes: rule.bytes - (old?.bytes ?? 0) });
  }
  const policies: CounterWindow['policies'] = [];
  for (const [tableKey, chains] of Object.entries(after.chains)) {
    for (const [chain, counters] of Object.entries(chains)) {
      if (counters.policy === '-') continue;
      const old = before.chains[tableKey]?.[chain];
      const packets = counters.packets - (old?.packets ?? 0);
      const family = tableKey.endsWith('6') ? 'ipv6' : 'ipv4';
      if (packets > 0) policies.push({ family, table: tableKey.replace(/6$/, ''), chain, policy: counters.policy, packets, bytes: counters.bytes - (old?.bytes ?? 0) });
    }
  }
  return { fromIso, toIso, rules, policies };
}
