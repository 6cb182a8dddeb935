import dnsPacket from 'dns-packet';

/**
 * DNS responses carrying one record of each type the report must print in presentation format
 * (TXT, MX, SRV, SOA, CAA, NAPTR, OPT with options, an unknown type), built with dns-packet.
 */
export function dnsResponseWith(id: number, name: string, qtype: string, answers: dnsPacket.Answer[], additionals: dnsPacket.Answer[] = []): Buffer {
  return dnsPacket.encode({
    type: 'response',
    id,
    flags: dnsPacket.RECURSION_DESIRED | dnsPacket.AUTHORITATIVE_ANSWER,
    questions: [{ type: qtype as dnsPacket.RecordType, name }],
    answers,
    additionals,
  });
}

export const RECORD_SAMPLES: Array<{ qtype: string; answers: dnsPacket.Answer[]; additionals?: dnsPacket.Answer[] }> = [
  { qtype: 'TXT', answers: [{ type: 'TXT', name: 'txt.hybrid.local', ttl: 60, data: ['v=spf1 -all', 'say "hi"\\'] }] },
  { qtype: 'MX', answers: [{ type: 'MX', name: 'hybrid.local', ttl: 60, data: { preference: 10, exchange: 'mail.hybrid.local' } }] },
  { qtype: 'SRV', answers: [{ type: 'SRV', name: '_http._tcp.hybrid.local', ttl: 60, data: { priority: 1, weight: 5, port: 8080, target: 'web.hybrid.local' } }] },
  { qtype: 'SOA', answers: [{ type: 'SOA', name: 'hybrid.local', ttl: 60, data: { mname: 'dns.hybrid.local', rname: 'admin.hybrid.local', serial: 2026120101, refresh: 3600, retry: 600, expire: 86400, minimum: 60 } }] },
  { qtype: 'CAA', answers: [{ type: 'CAA', name: 'hybrid.local', ttl: 60, data: { flags: 0, tag: 'issue', value: 'letsencrypt.org' } }] },
  { qtype: 'NAPTR', answers: [{ type: 'NAPTR', name: 'hybrid.local', ttl: 60, data: { order: 100, preference: 10, flags: 'S', services: 'SIP+D2U', regexp: '', replacement: '_sip._udp.hybrid.local' } }] },
  { qtype: 'AAAA', answers: [{ type: 'AAAA', name: 'web.hybrid.local', ttl: 60, data: 'fd00::5' }, { type: 'CNAME', name: 'www.hybrid.local', ttl: 60, data: 'web.hybrid.local' }] },
  { qtype: 'A', answers: [{ type: 'A', name: 'web.hybrid.local', ttl: 60, data: '10.66.0.5' }], additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 1232, flags: dnsPacket.DNSSEC_OK, options: [{ code: 10, data: Buffer.from('0123456789abcdef', 'hex') }] } as unknown as dnsPacket.Answer] },
  { qtype: 'A', answers: [{ type: 'UNKNOWN_65280' as 'A', name: 'odd.hybrid.local', ttl: 60, data: Buffer.from('c0ffee', 'hex') as unknown as string }] },
];
