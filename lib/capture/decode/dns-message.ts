import { DnsBoundsError, DnsCursor, readName, type DnsProblemKind } from './dns-cursor.ts';
import { rdataText } from './dns-rdata.ts';
import { DnsType, dnsRcodeName, dnsTypeName } from './dns-types.ts';

export interface DnsQuestion {
  name: string;
  type: string;
}

/** One resource record, its data in presentation format ("10 mail.lab", "\"v=spf1 -all\""). */
export interface DnsRecord {
  name: string;
  type: string;
  ttl: number;
  data: string;
}

/** A DNS message as far as it could be read. `problem` says why it stops early, if it does. */
export interface DnsMessage {
  id: number;
  isResponse: boolean;
  opcode: number;
  /** Header rcode plus the EDNS high bits when an OPT record carries them. */
  rcode: string;
  /** Header counts, as sent (the sections may hold fewer when the message is cut). */
  counts: { questions: number; answers: number; authorities: number; additionals: number };
  questions: DnsQuestion[];
  answers: DnsRecord[];
  authorities: DnsRecord[];
  additionals: DnsRecord[];
  problem?: { kind: DnsProblemKind; detail: string };
}

/** The bytes that make a header readable enough to match a query with its response (ID + flags). */
export const DNS_MATCHABLE_BYTES = 4;

function readRecord(cursor: DnsCursor, at: number, section: string, list: DnsRecord[]): { next: number; rcodeHigh?: number } {
  const owner = readName(cursor, at, `${section} record name`);
  const type = cursor.u16(owner.next, `${section} record type`);
  const rrClass = cursor.u16(owner.next + 2, `${section} record class`);
  const ttl = cursor.u32(owner.next + 4, `${section} record TTL`);
  const length = cursor.u16(owner.next + 8, `${section} record data length`);
  const dataAt = owner.next + 10;
  // tshark checks the whole record (name to the end of RDATA) before it shows any of it.
  cursor.need(at, dataAt + length - at, `${section} ${dnsTypeName(type)} record (RDLENGTH ${length})`);
  let data: string;
  try {
    data = rdataText(cursor, type, dataAt, length, ttl, rrClass);
  } catch (error) {
    if (error instanceof DnsBoundsError && error.partial !== undefined) list.push({ name: owner.name, type: dnsTypeName(type), ttl, data: error.partial });
    throw error;
  }
  list.push({ name: owner.name, type: dnsTypeName(type), ttl, data });
  return { next: dataAt + length, ...(type === DnsType.OPT ? { rcodeHigh: ttl >>> 24 } : {}) };
}

/**
 * Decodes the DNS message at [start, reportedEnd) of which [start, capturedEnd) was captured.
 * Never throws: a message that ends early keeps what was read and says why in `problem`.
 * Returns undefined when not even the ID and flags were captured.
 */
export function decodeDnsMessage(data: Buffer, start: number, capturedEnd: number, reportedEnd: number): DnsMessage | undefined {
  const cursor = new DnsCursor(data, start, capturedEnd, reportedEnd);
  if (Math.min(capturedEnd, reportedEnd) - start < DNS_MATCHABLE_BYTES) return undefined;
  const flags = data.readUInt16BE(start + 2);
  const message: DnsMessage = {
    id: data.readUInt16BE(start),
    isResponse: (flags & 0x8000) !== 0,
    opcode: (flags >> 11) & 0xf,
    rcode: dnsRcodeName(flags & 0xf),
    counts: { questions: 0, answers: 0, authorities: 0, additionals: 0 },
    questions: [],
    answers: [],
    authorities: [],
    additionals: [],
  };
  try {
    const counts = message.counts;
    counts.questions = cursor.u16(start + 4, 'question count');
    counts.answers = cursor.u16(start + 6, 'answer count');
    counts.authorities = cursor.u16(start + 8, 'authority count');
    counts.additionals = cursor.u16(start + 10, 'additional count');
    let at = start + 12;
    for (let i = 0; i < counts.questions; i++) {
      const question = readName(cursor, at, 'question name');
      message.questions.push({ name: question.name, type: dnsTypeName(cursor.u16(question.next, 'question type')) });
      cursor.u16(question.next + 2, 'question class');
      at = question.next + 4;
    }
    const sections: Array<[DnsRecord[], number, string]> = [
      [message.answers, counts.answers, 'answer'],
      [message.authorities, counts.authorities, 'authority'],
      [message.additionals, counts.additionals, 'additional'],
    ];
    for (const [list, count, section] of sections) {
      for (let i = 0; i < count; i++) {
        const read = readRecord(cursor, at, section, list);
        if (read.rcodeHigh) message.rcode = dnsRcodeName((read.rcodeHigh << 4) | (flags & 0xf));
        at = read.next;
      }
    }
  } catch (error) {
    if (!(error instanceof DnsBoundsError)) throw error;
    message.problem = { kind: error.kind, detail: error.message };
  }
  return message;
}
