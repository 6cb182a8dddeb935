import { run } from '../../common/run.ts';

/** The per-frame fields the committed reference holds, in this order (tshark -T fields). */
export const REFERENCE_FIELDS = [
  'frame.number', 'frame.time_epoch', 'frame.len', 'frame.cap_len', 'frame.protocols', 'frame.interface_id', '_ws.malformed', '_ws.short',
  'icmp.resp_to', 'icmp.resptime', 'icmpv6.resp_to', 'icmpv6.resptime',
  'dns.id', 'dns.flags.response', 'dns.response_to', 'dns.response_in', 'dns.time', 'dns.flags.rcode', 'dns.qry.name',
  'dns.resp.type', 'dns.a', 'dns.aaaa', 'dns.cname', 'dns.txt', 'dns.mx.preference', 'dns.mx.mail_exchange',
  'dns.srv.priority', 'dns.srv.weight', 'dns.srv.port', 'dns.srv.target',
  'dns.soa.mname', 'dns.soa.rname', 'dns.soa.serial_number', 'dns.soa.refresh_interval', 'dns.soa.retry_interval', 'dns.soa.expire_limit', 'dns.soa.minimum_ttl',
  'dns.caa.flags', 'dns.caa.tag', 'dns.caa.value',
  'dns.naptr.order', 'dns.naptr.preference', 'dns.naptr.flags', 'dns.naptr.service', 'dns.naptr.regex', 'dns.naptr.replacement',
  'dns.rr.udp_payload_size', 'dns.resp.ext_rcode', 'dns.resp.edns0_version', 'dns.resp.z.do', 'dns.opt.code', 'dns.opt.data', 'dns.data',
] as const;

export type ReferenceField = (typeof REFERENCE_FIELDS)[number];
/** One frame as tshark dissected it; multi-valued fields are joined with '|'. */
export type ReferenceFrame = Record<ReferenceField, string>;

/** tshark -2 (two passes, so response_in is known) over a capture: the reference text committed beside it. */
export async function tsharkReferenceText(path: string): Promise<string> {
  const args = ['-r', path, '-2', '-n', '-T', 'fields', '-E', 'header=y', '-E', 'separator=\t', '-E', 'occurrence=a', '-E', 'aggregator=|', ...REFERENCE_FIELDS.flatMap((f) => ['-e', f])];
  const { stdout, stderr, exitCode } = await run('tshark', args, { timeoutMs: 120_000, allowFailure: true });
  if (exitCode !== 0 && !/cut short/.test(stderr)) throw new Error(`tshark failed (exit ${exitCode}): ${stderr.trim()}`);
  return stdout;
}

/** tshark's conversation tables (Statistics > Conversations) for IPv4, IPv6, TCP and UDP. */
export async function tsharkConversationText(path: string): Promise<string> {
  const { stdout } = await run('tshark', ['-r', path, '-n', '-q', '-z', 'conv,ip', '-z', 'conv,ipv6', '-z', 'conv,tcp', '-z', 'conv,udp'], { timeoutMs: 120_000, allowFailure: true });
  return stdout;
}

export function parseReference(text: string): ReferenceFrame[] {
  const [header, ...lines] = text.split('\n').filter((line) => line.length > 0);
  const names = header.split('\t');
  return lines.map((line) => {
    const cells = line.split('\t');
    return Object.fromEntries(names.map((name, i) => [name, cells[i] ?? ''])) as ReferenceFrame;
  });
}

export interface ReferenceConversation {
  kind: string;
  a: string;
  b: string;
  framesBtoA: number;
  bytesBtoA: string;
  framesAtoB: number;
  bytesAtoB: string;
  relativeStart: string;
  duration: string;
}

/** Rows of tshark's "-z conv,..." text: "A <-> B  fr bytes  fr bytes  fr bytes  start  duration". */
export function parseConversations(text: string): ReferenceConversation[] {
  const rows: ReferenceConversation[] = [];
  let kind = '';
  for (const line of text.split('\n')) {
    const title = /^(IPv4|IPv6|TCP|UDP) Conversations/.exec(line);
    if (title) kind = { IPv4: 'ipv4', IPv6: 'ipv6', TCP: 'tcp', UDP: 'udp' }[title[1]]!;
    const row = /^(\S+)\s+<->\s+(\S+)\s+(\d+)\s+(\d+ \S+)\s+(\d+)\s+(\d+ \S+)\s+\d+\s+\d+ \S+\s+([\d.]+)\s+([\d.]+)\s*$/.exec(line);
    if (row) rows.push({ kind, a: row[1], b: row[2], framesBtoA: Number(row[3]), bytesBtoA: row[4], framesAtoB: Number(row[5]), bytesAtoB: row[6], relativeStart: row[7], duration: row[8] });
  }
  return rows;
}

/** Byte counts as Wireshark's conversation table prints them: "7776 bytes", "216 kB". */
export function wiresharkSize(bytes: number): string {
  if (bytes < 10_000) return `${bytes} bytes`;
  if (bytes < 10_000_000) return `${Math.floor(bytes / 1000)} kB`;
  return `${Math.floor(bytes / 1_000_000)} MB`;
}
