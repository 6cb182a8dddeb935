import { run } from '../common/run.ts';
import { chainExists, labRuleComment, splitRuleLine, tableOf, type IptablesRule } from './iptables.ts';

type Family = NonNullable<IptablesRule['family']>;
type Table = 'filter' | 'nat';
const TABLES: readonly Table[] = ['filter', 'nat'];
const familyOf = (rule: IptablesRule): Family => rule.family ?? 'ipv4';
const saveCommand = (family: Family) => (family === 'ipv6' ? 'ip6tables-save' : 'iptables-save');
const restoreCommand = (family: Family) => (family === 'ipv6' ? 'ip6tables-restore' : 'iptables-restore');

/** One table's rules as argument lists per chain (one iptables-save per family and table). */
async function savedRules(family: Family, table: Table): Promise<Array<{ chain: string; args: string[] }>> {
  const saved = await run(saveCommand(family), ['-t', table], { allowFailure: true });
  return saved.stdout.split('\n').filter((line) => line.startsWith('-A ')).map((line) => {
    const [chain, ...args] = splitRuleLine(line.slice(3));
    return { chain, args };
  });
}

const sameRule = (rule: IptablesRule, chain: string, args: readonly string[]) =>
  rule.chain === chain && rule.spec.length === args.length && rule.spec.every((arg, i) => arg === args[i]);

/** The (family, table) groups the rules fall in, each once. */
function groups(rules: readonly IptablesRule[]): Array<{ family: Family; table: Table; rules: IptablesRule[] }> {
  const found: Array<{ family: Family; table: Table; rules: IptablesRule[] }> = [];
  for (const rule of rules) {
    const group = found.find((g) => g.family === familyOf(rule) && g.table === tableOf(rule));
    if (group) group.rules.push(rule);
    else found.push({ family: familyOf(rule), table: tableOf(rule), rules: [rule] });
  }
  return found;
}

/** Which of `rules` are present, found with one iptables-save per family and table instead of one `-C` per rule. */
export async function presentRules(rules: readonly IptablesRule[]): Promise<Set<IptablesRule>> {
  const present = new Set<IptablesRule>();
  for (const group of groups(rules)) {
    const saved = await savedRules(group.family, group.table);
    for (const rule of group.rules) if (saved.some((entry) => sameRule(rule, entry.chain, entry.args))) present.add(rule);
  }
  return present;
}

function quote(arg: string): string {
  return /^[A-Za-z0-9_.,:/!+-]+$/.test(arg) && !arg.includes('"') ? arg : `"${arg.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

/**
 * Runs iptables-restore --noflush with each table's rule lines: one process per family; each
 * table's block is committed all or nothing.
 */
async function restore(family: Family, lines: Partial<Record<Table, string[]>>): Promise<void> {
  const blocks = TABLES.filter((table) => (lines[table] ?? []).length > 0).map((table) => `*${table}\n${lines[table]!.join('\n')}\nCOMMIT\n`);
  if (blocks.length === 0) return;
  await run(restoreCommand(family), ['-w', '--noflush'], { input: blocks.join('') });
}

const ruleLine = (verb: string, rule: IptablesRule) => `${verb} ${rule.spec.map(quote).join(' ')}`;
const deleteLine = (entry: { chain: string; args: string[] }) => `-D ${entry.chain} ${entry.args.map(quote).join(' ')}`;

/**
 * Adds rules in one iptables-restore per family, in the order given: DOCKER-USER rules first in
 * their chain (Docker appends a RETURN), FORWARD and nat rules appended after Docker's chains,
 * INPUT rules at `positions` (1-based, from the top). A rule already present is not added twice.
 */
export async function addRules(rules: ReadonlyArray<{ rule: IptablesRule; position: number }>): Promise<void> {
  for (const family of new Set(rules.map(({ rule }) => familyOf(rule)))) {
    const mine = rules.filter(({ rule }) => familyOf(rule) === family);
    // Chains the rules go into must exist before the transaction (the lab chain is made by its own step).
    if (mine.some(({ rule }) => rule.chain === 'DOCKER-USER') && !(await chainExists('DOCKER-USER', family))) {
      await run(family === 'ipv6' ? 'ip6tables' : 'iptables', ['-w', '-N', 'DOCKER-USER']);
    }
    const filter = mine.filter(({ rule }) => tableOf(rule) === 'filter');
    const inputLength = filter.some(({ rule }) => rule.chain === 'INPUT') ? (await savedRules(family, 'filter')).filter((entry) => entry.chain === 'INPUT').length : 0;
    let inputAdded = 0;
    const filterLines = filter.map(({ rule, position }) => {
      if (rule.chain === 'DOCKER-USER' || rule.top) return ruleLine(`-I ${rule.chain} 1`, rule);
      if (rule.chain === 'INPUT') return ruleLine(`-I INPUT ${Math.min(position, inputLength + ++inputAdded)}`, rule);
      return ruleLine(`-A ${rule.chain}`, rule);
    });
    const natLines = mine.filter(({ rule }) => tableOf(rule) === 'nat').map(({ rule }) => ruleLine(`-A ${rule.chain}`, rule));
    await restore(family, { filter: filterLines, nat: natLines });
  }
}

/** Deletes every copy of each rule that is present, in one iptables-restore per family. */
export async function deleteRules(rules: readonly IptablesRule[]): Promise<void> {
  for (const family of new Set(rules.map(familyOf))) {
    const lines: Partial<Record<Table, string[]>> = {};
    for (const group of groups(rules).filter((g) => g.family === family)) {
      const saved = await savedRules(family, group.table);
      lines[group.table] = saved.filter((entry) => group.rules.some((rule) => sameRule(rule, entry.chain, entry.args))).map(deleteLine);
    }
    await restore(family, lines);
  }
}

/** Deletes every filter and nat rule (IPv4 and IPv6) carrying the lab's comment: the leftover sweep, one iptables-restore per family. */
export async function deleteTaggedRules(labName: string): Promise<number> {
  const comment = labRuleComment(labName);
  let removed = 0;
  for (const family of ['ipv4', 'ipv6'] as const) {
    const lines: Partial<Record<Table, string[]>> = {};
    for (const table of TABLES) {
      const tagged = (await savedRules(family, table)).filter(({ args }) => args.includes('--comment') && args[args.indexOf('--comment') + 1] === comment);
      lines[table] = tagged.map(deleteLine);
      removed += tagged.length;
    }
    await restore(family, lines);
  }
  return removed;
}

/** A chain's rules as iptables-save prints them (argument lists, in order). */
export async function chainRules(chain: string, family: Family): Promise<string[][]> {
  return (await savedRules(family, 'filter')).filter((entry) => entry.chain === chain).map((entry) => entry.args);
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
    await restore(family, { filter: [`-F ${chain}`, ...wanted.map((rule) => ruleLine(`-A ${chain}`, rule))] });
    changed = true;
  }
  return changed;
}
