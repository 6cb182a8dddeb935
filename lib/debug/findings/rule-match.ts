import { splitRuleLine } from '../../net/iptables.ts';
import { parseIpv4 } from '../../capture/decode/addresses.ts';

/** The address and interface matches of an iptables rule, enough to ask "could it take this packet?". */
interface RuleMatch {
  source?: string;
  destination?: string;
  inInterface?: string;
  outInterface?: string;
  /** A negated or unknown match we cannot judge: the rule is then not claimed as the cause. */
  unsure: boolean;
}

function parseMatch(text: string): RuleMatch {
  const args = splitRuleLine(text);
  const match: RuleMatch = { unsure: false };
  for (let i = 0; i < args.length; i++) {
    const negated = args[i] === '!';
    const flag = negated ? args[i + 1] : args[i];
    const value = negated ? args[i + 2] : args[i + 1];
    const known = { '-s': 'source', '--source': 'source', '-d': 'destination', '--destination': 'destination', '-i': 'inInterface', '--in-interface': 'inInterface', '-o': 'outInterface', '--out-interface': 'outInterface' } as const;
    const field = known[flag as keyof typeof known];
    if (field) {
      if (negated) match.unsure = true;
      else match[field] = value;
    }
    if (negated) i++;
  }
  return match;
}

/** An address inside "10.0.1.0/24" or equal to "10.0.1.5" / "10.0.1.5/32". */
function addressMatches(pattern: string | undefined, address: string): boolean {
  if (pattern === undefined) return true;
  const [base, bitsText] = pattern.split('/');
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  const want = parseIpv4(base);
  const have = parseIpv4(address);
  if (want === undefined || have === undefined) return pattern === address || base === address;
  if (bits === 0) return true;
  const mask = bits >= 32 ? 0xffffffff : (0xffffffff << (32 - bits)) >>> 0;
  return ((want & mask) >>> 0) === ((have & mask) >>> 0);
}

/**
 * Whether a rule names this direction of a pair: its -s/-d cover the addresses and it names at
 * least one of them (a rule matching everything is not evidence about one pair).
 */
export function ruleNamesPair(text: string, from: string, to: string, bridge: string): boolean {
  const match = parseMatch(text);
  if (match.unsure) return false;
  if (match.source === undefined && match.destination === undefined) return false;
  const interfaceOk = (name: string | undefined) => name === undefined || name === bridge || name.endsWith('+');
  return addressMatches(match.source, from) && addressMatches(match.destination, to) && interfaceOk(match.inInterface) && interfaceOk(match.outInterface);
}
