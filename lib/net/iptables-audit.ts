import { parseIptablesSave } from './iptables-save.ts';
import { run } from '../common/run.ts';
import { splitRuleLine, type IptablesRule } from './iptables.ts';

export interface RuleAudit {
  rule: IptablesRule;
  present: boolean;
  /** Packets the rule has matched (iptables-save -c), when present. */
  packets: number;
}

/** Reads `iptables-save -c` (or `ip6tables-save -c`) for the filter table. */
export async function readFilterTable(family: IptablesRule['family'] = 'ipv4'): Promise<string> {
  return (await run(family === 'ipv6' ? 'ip6tables-save' : 'iptables-save', ['-c', '-t', 'filter'])).stdout;
}

/**
 * Finds each promised rule in parsed iptables-save output: same chain and the same arguments in
 * the same order (iptables-save prints rules in the canonical order the lab writes them).
 */
export function auditRules(saveText: string, promised: readonly IptablesRule[]): RuleAudit[] {
  const parsed = parseIptablesSave(saveText).rules.filter((rule) => rule.table === 'filter');
  return promised.map((rule) => {
    const match = parsed.find((candidate) => candidate.chain === rule.chain && sameArgs(splitRuleLine(candidate.text), rule.spec));
    return { rule, present: match !== undefined, packets: match?.packets ?? 0 };
  });
}

function sameArgs(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((arg, i) => arg === b[i]);
}

/** How the rule reads on an iptables command line, for messages. */
export function formatRule(rule: IptablesRule): string {
  return `${rule.family === 'ipv6' ? '[ip6tables] ' : ''}${rule.table === 'nat' ? '-t nat ' : ''}-A ${rule.chain} ${rule.spec.map((arg) => (/\s|:/.test(arg) ? `"${arg}"` : arg)).join(' ')}`;
}
