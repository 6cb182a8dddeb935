import { formatIpv6Groups } from '../../common/ipv6-text.ts';

/**
 * Address formatting with caches: a lab capture has few distinct hosts, so turning the same
 * IPv4 number or MAC into a string again and again would only make garbage.
 */
const ipv4Cache = new Map<number, string>();
const CACHE_LIMIT = 65_536;

export function formatIpv4(value: number): string {
  let text = ipv4Cache.get(value);
  if (text === undefined) {
    text = `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
    if (ipv4Cache.size >= CACHE_LIMIT) ipv4Cache.clear();
    ipv4Cache.set(value, text);
  }
  return text;
}

/** Parses dotted-quad text into an unsigned 32-bit number; undefined if it is not IPv4. */
export function parseIpv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return undefined;
    value = value * 256 + Number(part);
  }
  return value;
}

/** RFC 5952 text for 16 bytes of IPv6 address (longest zero run compressed, lower case). */
export function formatIpv6(data: Buffer, offset: number): string {
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push(data.readUInt16BE(offset + i * 2));
  return formatIpv6Groups(groups);
}

const macCache = new Map<number, string>();

export function formatMac(data: Buffer, offset: number): string {
  // 48 bits fit a double exactly: a number key costs no string per lookup.
  const key = data.readUInt16BE(offset) * 4294967296 + data.readUInt32BE(offset + 2);
  let text = macCache.get(key);
  if (text === undefined) {
    text = data.toString('hex', offset, offset + 6).replace(/(..)(?!$)/g, '$1:');
    if (macCache.size >= CACHE_LIMIT) macCache.clear();
    macCache.set(key, text);
  }
  return text;
}
