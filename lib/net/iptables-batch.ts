import { run } from '../common/run.ts';
import { chainExists, labRuleComment, splitRuleLine, type IptablesRule } from './iptables.ts';

type Family = NonNullable<IptablesRule['family']>;
const familyOf = (rule: IptablesRule): Family => rule.family ?? 'ipv4';
const saveCommand = (family: Family) => (family === 'ipv6' ? 'ip6tables-save' : 'iptables-save');
const restoreCommand = (family: Family) => (family === 'ipv6' ? 'ip6tables-restore' : 'iptables-restore');

/** The filter table's rules as argument lists per chain (one iptables-save per family). */
async function filterRules(family: Family): Promise<Array<{ chain: string; args: string[] }>> {
  const saved = await run(saveCommand(family), ['-t', 'filter'], { allowFailure: true });
  return saved.stdout.split('\n').filter((line) => line.startsWith('-A ')).map((line) => {
    const [chain, ...args] = splitRuleLine(line.slice(3));
    return { chain, args };
  });
}

const sameRule = (rule: IptablesRule, chain: string, args: readonly string[]) =>
  rule.chain === chain && rule.spec.length === args.length && rule.spec.every((arg, i) => arg === args[i]);

/** Which of `rules` are present, found with one iptables-save per family instead of one `-C` per rule. */
export async function presentRules(rules: readonly IptablesRule[]): Promise<Set<IptablesRule>> {
  const present = new Set<IptablesRule>();
  for (const family of new Set(rules.map(familyOf))) {
    const saved = await filterRules(family);
    for (const rule of rules.filter((r) => familyOf(r) === family)) if (saved.some((entry) => sameRule(rule, entry.chain, entry.args))) present.add(rule);
  }
  return present;
}

function quote(arg: string): string {
  return /^[A-Za-z0-9_.,:/!+-]+$/.test(arg) && !arg.includes('"') ? arg : `"${arg.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

/** Runs iptables-restore --noflush with the given rule lines: one transaction, all or nothing. */
async function restore(family: Family, lines: string[]): Promise<void> {
  if (lines.length === 0) return;
  await run(restoreCommand(family), ['-w', '--noflush'], { input: `*filter\n${lines.join('\n')}\nCOMMIT\n` });
}

const ruleLine = (verb: string, rule: IptablesRule) => `${verb} ${rule.spec.map(quote).join(' ')}`;

/**
 * Adds rules in one transaction per family, in the order given: DOCKER-USER rules first in
 * their chain (Docker appends a RETURN), FORWARD appended after Docker's chains, INPUT rules at
 * `positions` (1-based, from the top). A rule already present is not added twice.
 */
export async function addRules(rules: ReadonlyArray<{ rule: IptablesRule; position: number }>): Promise<void> {
  for (const family of new Set(rules.map(({ rule }) => familyOf(rule)))) {
    const mine = rules.filter(({ rule }) => familyOf(rule) === family);
    // Chains the rules go into must exist before the transaction (the lab chain is made by its own step).
    if (mine.some(({ rule }) => rule.chain === 'DOCKER-USER') && !(await chainExists('DOCKER-USER', family))) {
      await run(family === 'ipv6' ? 'ip6tables' : 'iptables', ['-w', '-N', 'DOCKER-USER']);
    }
    const inputLength = (await filterRules(family)).filter((entry) => entry.chain === 'INPUT').length;
    let inputAdded = 0;
    const lines = mine.map(({ rule, position }) => {
      if (rule.chain === 'DOCKER-USER' || rule.top) return ruleLine(`-I ${rule.chain} 1`, rule);
      if (rule.chain === 'INPUT') return ruleLine(`-I INPUT ${Math.min(position, inputLength + ++inputAdded)}`, rule);
      return ruleLine(`-A ${rule.chain}`, rule);
    });
    await restore(family, lines);
  }
}

/** Deletes every copy of each rule that is present, in one transaction per family. */
export async function deleteRules(rules: readonly IptablesRule[]): Promise<void> {
  for (const family of new Set(rules.map(familyOf))) {
    const saved = await filterRules(family);
    const lines = saved.filter((entry) => rules.some((rule) => familyOf(rule) === family && sameRule(rule, entry.chain, entry.args))).map((entry) => `-D ${entry.chain} ${entry.args.map(quote).join(' ')}`);
    await restore(family, lines);
  }
}

/** Deletes every filter rule (IPv4 and IPv6) carrying the lab's comment: the leftover sweep, one transaction per family. */
export async function deleteTaggedRules(labName: string): Promise<number> {
  const comment = labRuleComment(labName);
  let removed = 0;
  for (const family of ['ipv4', 'ipv6'] as const) {
    const tagged = (await filterRules(family)).filter(({ args }) => args[args.indexOf('--comment') + 1] === comment && args.includes('--comment'));
    await restore(family, tagged.map((entry) => `-D ${entry.chain} ${entry.args.map(quote).join(' ')}`));
    removed += tagged.length;
  }
  return removed;
}

/** A chain's rules as iptables-save prints them (argument lists, in order). */
export async function chainRules(chain: string, family: Family): Promise<string[][]> {
  return (await filterRules(family)).filter((entry) => entry.chain === chain).map((entry) => entry.args);
}

/**
 * Makes a chain hold exactly `rules`, in order, in one transaction per family (flush and refill):
 * a lab chain's order is its meaning, so a changed set is written whole rather than patched.
 * Chains whose rules already match are left untouched.
 */
export async function replaceChainRules(chain: string, rules: readonly IptablesRule[]): Promise<boolean> {
  let changed = false;
  for (const family of ['ipv4', 'ipv6'] as const) {
    const wanted = rules.filter((rule) => familyOf(rule) === family);
    const present = await chainRules(chain, family);
    if (present.length === wanted.length && wanted.every((rule, i) => sameRule(rule, chain, present[i]))) continue;
    await restore(family, [`-F ${chain}`, ...wanted.map((rule) => ruleLine(`-A ${chain}`, rule))]);
    changed = true;
  }
  return changed;
}
