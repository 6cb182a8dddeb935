import { analyseCapture, type CaptureAnalysis } from '../../debug/analyse/analyse-capture.ts';
import { decodePcap } from '../decode-pcap.ts';
import { LAYER_NAMES, type LayerName } from '../decode/packet.ts';
import { ednsOptionName } from '../decode/dns-types.ts';
import { formatEpoch } from '../read/timestamp-scale.ts';
import type { ReferenceFrame } from './tshark-fields.ts';

/** Our protocol names as tshark's frame.protocols spells them. */
export const TSHARK_PROTOCOL: Partial<Record<LayerName, string>> = {
  ethernet: 'eth', linuxCooked: 'sll', rawIp: 'raw', vlan: 'vlan', ieee8021ad: 'ieee8021ad', arp: 'arp', ipv4: 'ip', ipv6: 'ipv6', icmp: 'icmp', icmpv6: 'icmpv6', tcp: 'tcp', udp: 'udp', dns: 'dns',
};

/** One frame as our decoder saw it, in the reference's terms. */
export interface OurFrame {
  epoch: string;
  length: number;
  captured: number;
  interfaceId: number;
  protocols: string[];
  malformed: boolean;
  short: boolean;
  /** Every record of the DNS message (answers, authority, additional) as "TYPE data". */
  records: string[];
}

export async function ourFrames(path: string): Promise<OurFrame[]> {
  const frames: OurFrame[] = [];
  await decodePcap(path, (p) => {
    const layers = p.layers | p.quotedLayers;
    const protocols = LAYER_NAMES.flatMap((name, bit) => (layers & (1 << bit) && TSHARK_PROTOCOL[name] ? [TSHARK_PROTOCOL[name]!] : [])).sort();
    const dns = p.dns;
    const records = dns ? [...dns.answers, ...dns.authorities, ...dns.additionals].map((r) => `${r.type} ${r.data}`) : [];
    frames.push({ epoch: p.hasTime ? formatEpoch(p.tsSec, p.tsNs) : '', length: p.originalLength, captured: p.capturedLength, interfaceId: p.interfaceId, protocols, malformed: p.malformed, short: p.short && !p.malformed, records });
  });
  return frames;
}

/** tshark's frame in the same shape; DNS records rebuilt in presentation format from its per-field values. */
export function theirFrame(ref: ReferenceFrame): OurFrame {
  const known = new Set(Object.values(TSHARK_PROTOCOL));
  const protocols = [...new Set(ref['frame.protocols'].split(':').filter((p) => known.has(p)))].sort();
  return {
    epoch: ref['frame.time_epoch'],
    length: Number(ref['frame.len']),
    captured: Number(ref['frame.cap_len']),
    interfaceId: Number(ref['frame.interface_id'] || 0),
    protocols,
    malformed: ref['_ws.malformed'] !== '',
    short: ref['_ws.short'] !== '',
    records: ref['frame.protocols'].includes('icmp:') ? [] : dnsRecords(ref),
  };
}

function quote(text: string): string {
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** Walks dns.resp.type in order, taking each type's values from its own field queue. */
function dnsRecords(ref: ReferenceFrame): string[] {
  const queue = (field: keyof ReferenceFrame) => (ref[field] === '' ? [] : ref[field].split('|'));
  const q = Object.fromEntries(Object.keys(ref).map((k) => [k, queue(k as keyof ReferenceFrame)])) as Record<keyof ReferenceFrame, string[]>;
  const take = (field: keyof ReferenceFrame) => q[field].shift() ?? '';
  const types = queue('dns.resp.type').map(Number);
  // dns.resp.type also lists the query's type for queries; only responses carry records here.
  if (ref['dns.flags.response'] !== '1' && !types.includes(41)) return [];
  return types.map((type) => {
    switch (type) {
      case 1: return `A ${take('dns.a')}`;
      case 28: return `AAAA ${take('dns.aaaa')}`;
      case 5: return `CNAME ${take('dns.cname')}`;
      case 16: return `TXT ${q['dns.txt'].splice(0).map(quote).join(' ')}`;
      case 15: return `MX ${take('dns.mx.preference')} ${take('dns.mx.mail_exchange')}`;
      case 33: return `SRV ${take('dns.srv.priority')} ${take('dns.srv.weight')} ${take('dns.srv.port')} ${take('dns.srv.target')}`;
      case 6: return `SOA ${['mname', 'rname', 'serial_number', 'refresh_interval', 'retry_interval', 'expire_limit', 'minimum_ttl'].map((f) => take(`dns.soa.${f}` as keyof ReferenceFrame)).join(' ')}`;
      case 257: return `CAA ${Number(take('dns.caa.flags'))} ${take('dns.caa.tag')} ${quote(take('dns.caa.value'))}`;
      case 35: return `NAPTR ${take('dns.naptr.order')} ${take('dns.naptr.preference')} ${quote(take('dns.naptr.flags'))} ${quote(take('dns.naptr.service'))} ${quote(take('dns.naptr.regex'))} ${take('dns.naptr.replacement')}`;
      case 41: {
        const options = q['dns.opt.code'].splice(0).map((code, i) => `${ednsOptionName(Number(code))}(${code})=${q['dns.opt.data'][i] ?? '-'}`);
        return ['OPT', `udp=${take('dns.rr.udp_payload_size')}`, `version=${take('dns.resp.edns0_version')}`, `do=${take('dns.resp.z.do') === '1' || take('dns.resp.z.do') === 'True' ? 1 : 0}`, `rcode-high=${Number(take('dns.resp.ext_rcode'))}`, ...options].join(' ');
      }
      default: {
        const hex = take('dns.data');
        return `TYPE${type} \\# ${hex.length / 2} ${hex}`;
      }
    }
  });
}

/** Answered DNS queries and echo pairs as tshark links them: "query->response" with the time. */
export function theirPairs(refs: ReferenceFrame[]): { dns: Map<string, string>; icmp: Map<string, number> } {
  const dns = new Map<string, string>();
  const icmp = new Map<string, number>();
  for (const r of refs) {
    if (r['dns.response_to'] && !r['frame.protocols'].includes('icmp:')) dns.set(`${r['dns.response_to']}->${r['frame.number']}`, r['dns.time']);
    if (r['dns.response_in'] && !r['frame.protocols'].includes('icmp:')) for (const reply of r['dns.response_in'].split('|')) if (!dns.has(`${r['frame.number']}->${reply}`)) dns.set(`${r['frame.number']}->${reply}`, '');
    const resp = r['icmp.resp_to'] || r['icmpv6.resp_to'];
    if (resp) icmp.set(`${resp}->${r['frame.number']}`, Math.round(Number(r['icmp.resptime'] || r['icmpv6.resptime']) * 1e6));
  }
  return { dns, icmp };
}

export function ourPairs(analysis: CaptureAnalysis): { dns: Map<string, string>; icmp: Map<string, number> } {
  const seconds = (ns: number) => `${Math.floor(ns / 1e9)}.${String(ns % 1e9).padStart(9, '0')}`;
  const dns = new Map(analysis.dns.transactions.filter((t) => t.responseFrame !== undefined).map((t) => [`${t.queryFrame}->${t.responseFrame}`, seconds(t.responseTimeNs!)]));
  const icmp = new Map(analysis.icmp.pairs.map((p) => [`${p.requestFrame}->${p.replyFrame}`, p.rttNs]));
  return { dns, icmp };
}

export { analyseCapture };
