/** DNS type, class and rcode mnemonics (RFC 1035, 3596, 2782, 6891, 8659...) as dig and tshark print them. */
const TYPE_NAMES: Record<number, string> = {
  1: 'A', 2: 'NS', 5: 'CNAME', 6: 'SOA', 12: 'PTR', 13: 'HINFO', 15: 'MX', 16: 'TXT', 28: 'AAAA', 33: 'SRV', 35: 'NAPTR',
  39: 'DNAME', 41: 'OPT', 43: 'DS', 46: 'RRSIG', 47: 'NSEC', 48: 'DNSKEY', 64: 'SVCB', 65: 'HTTPS', 99: 'SPF', 252: 'AXFR', 255: 'ANY', 257: 'CAA',
};

export const DnsType = { A: 1, NS: 2, CNAME: 5, SOA: 6, PTR: 12, HINFO: 13, MX: 15, TXT: 16, AAAA: 28, SRV: 33, NAPTR: 35, DNAME: 39, OPT: 41, SPF: 99, CAA: 257 } as const;

/** "A", "MX", or "TYPE65280" for types without a mnemonic (RFC 3597). */
export function dnsTypeName(type: number): string {
  return TYPE_NAMES[type] ?? `TYPE${type}`;
}

const RCODE_NAMES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED', 'YXDOMAIN', 'YXRRSET', 'NXRRSET', 'NOTAUTH', 'NOTZONE'];

export function dnsRcodeName(rcode: number): string {
  return RCODE_NAMES[rcode] ?? `RCODE${rcode}`;
}

const EDNS_OPTION_NAMES: Record<number, string> = { 3: 'NSID', 8: 'CLIENT-SUBNET', 10: 'COOKIE', 11: 'TCP-KEEPALIVE', 12: 'PADDING', 15: 'EDE' };

export function ednsOptionName(code: number): string {
  return EDNS_OPTION_NAMES[code] ?? `OPT${code}`;
}
