import { formatIpv4, formatIpv6 } from './addresses.ts';
import { DnsBoundsError, readName, type DnsCursor } from './dns-cursor.ts';
import { DnsType, ednsOptionName } from './dns-types.ts';

/** A character-string (length byte + bytes) in quotes, with `"` and `\` escaped and non-printables as \DDD. */
function quoted(bytes: Buffer): string {
  let text = '"';
  for (const byte of bytes) {
    if (byte === 0x22 || byte === 0x5c) text += `\\${String.fromCharCode(byte)}`;
    else if (byte >= 0x20 && byte < 0x7f) text += String.fromCharCode(byte);
    else text += `\\${String(byte).padStart(3, '0')}`;
  }
  return `${text}"`;
}

function characterString(cursor: DnsCursor, at: number, what: string): { text: string; next: number } {
  const length = cursor.u8(at, what);
  return { text: quoted(cursor.bytes(at + 1, length, what)), next: at + 1 + length };
}

/** RFC 3597 generic form for data we do not (or cannot) present: `\# 4 0a000001`. */
export function genericRdata(bytes: Buffer): string {
  return bytes.length === 0 ? '\\# 0' : `\\# ${bytes.length} ${bytes.toString('hex')}`;
}

/** The EDNS pseudo-record: `udp=1232 version=0 do=1 rcode-high=0` then each option as `NAME(code)=hex`. */
function optText(cursor: DnsCursor, at: number, length: number, ttl: number, udpSize: number): string {
  const parts = [`udp=${udpSize}`, `version=${(ttl >>> 16) & 0xff}`, `do=${(ttl >>> 15) & 1}`, `rcode-high=${ttl >>> 24}`];
  // Like tshark, an option's length is trusted past the RDLENGTH; only the message end is a hard limit.
  for (let offset = at; offset < at + length; ) {
    const code = cursor.u16(offset, 'EDNS option code');
    const size = cursor.u16(offset + 2, 'EDNS option length');
    try {
      const value = cursor.bytes(offset + 4, size, `EDNS option ${ednsOptionName(code)} data`);
      parts.push(`${ednsOptionName(code)}(${code})=${value.toString('hex') || '-'}`);
    } catch (error) {
      if (error instanceof DnsBoundsError) error.partial = [...parts, `${ednsOptionName(code)}(${code})=-`].join(' ');
      throw error;
    }
    offset += 4 + size;
  }
  return parts.join(' ');
}

/**
 * Presentation format of one record's data as dig prints it (names without the trailing dot, as
 * tshark prints them). Reads are bounds-checked by the cursor (short/malformed errors).
 */
export function rdataText(cursor: DnsCursor, type: number, at: number, length: number, ttl: number, rrClass: number): string {
  const name = (offset: number, what: string) => readName(cursor, offset, what);
  switch (type) {
    case DnsType.A:
      return length === 4 ? formatIpv4(cursor.u32(at, 'A address')) : genericRdata(cursor.bytes(at, length, 'A data'));
    case DnsType.AAAA:
      return length === 16 ? (cursor.need(at, 16, 'AAAA address'), formatIpv6(cursor.data, at)) : genericRdata(cursor.bytes(at, length, 'AAAA data'));
    case DnsType.NS:
    case DnsType.CNAME:
    case DnsType.PTR:
    case DnsType.DNAME:
      return name(at, 'target name').name;
    case DnsType.MX:
      return `${cursor.u16(at, 'MX preference')} ${name(at + 2, 'MX exchange').name}`;
    case DnsType.SRV:
      return `${cursor.u16(at, 'SRV priority')} ${cursor.u16(at + 2, 'SRV weight')} ${cursor.u16(at + 4, 'SRV port')} ${name(at + 6, 'SRV target').name}`;
    case DnsType.SOA: {
      const mname = name(at, 'SOA mname');
      const rname = name(mname.next, 'SOA rname');
      const numbers = [0, 4, 8, 12, 16].map((o) => cursor.u32(rname.next + o, 'SOA timers'));
      return `${mname.name} ${rname.name} ${numbers.join(' ')}`;
    }
    case DnsType.TXT:
    case DnsType.SPF:
    case DnsType.HINFO: {
      const strings: string[] = [];
      for (let offset = at; offset < at + length; ) {
        const piece = characterString(cursor, offset, `${type === DnsType.HINFO ? 'HINFO' : 'TXT'} string`);
        strings.push(piece.text);
        offset = piece.next;
      }
      return strings.join(' ');
    }
    case DnsType.CAA: {
      const flags = cursor.u8(at, 'CAA flags');
      const tagLength = cursor.u8(at + 1, 'CAA tag length');
      const tag = cursor.bytes(at + 2, tagLength, 'CAA tag').toString('latin1');
      const value = cursor.bytes(at + 2 + tagLength, Math.max(0, length - 2 - tagLength), 'CAA value');
      return `${flags} ${tag} ${quoted(value)}`;
    }
    case DnsType.NAPTR: {
      const order = cursor.u16(at, 'NAPTR order');
      const preference = cursor.u16(at + 2, 'NAPTR preference');
      const flags = characterString(cursor, at + 4, 'NAPTR flags');
      const service = characterString(cursor, flags.next, 'NAPTR service');
      const regexp = characterString(cursor, service.next, 'NAPTR regexp');
      const replacement = name(regexp.next, 'NAPTR replacement').name;
      return `${order} ${preference} ${flags.text} ${service.text} ${regexp.text} ${replacement === '<Root>' ? '.' : replacement}`;
    }
    case DnsType.OPT:
      return optText(cursor, at, length, ttl, rrClass);
    default:
      return genericRdata(cursor.bytes(at, length, `TYPE${type} data`));
  }
}
