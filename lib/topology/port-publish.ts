import { z } from 'zod';

/**
 * The `host:` part of a served port: where the port is published on the host (a port forward,
 * DNAT to the node). Written as a port (`8080`, bound to 127.0.0.1), `"ADDRESS:PORT"` or
 * `"[IPV6]:PORT"`; `0.0.0.0` means every address of the host.
 */

/** Separates the problem from the fix inside a zod message (same marker as schema.ts). */
const FIX = ' :: fix: ';

/** Where a forward listens on the host, after parsing. */
export interface HostPublish {
  address: string;
  port: number;
  family: 'ipv4' | 'ipv6';
}

/** The address a bare port is published on: loopback only, never the outside world by default. */
export const DEFAULT_PUBLISH_ADDRESS = '127.0.0.1';
export const ALL_IPV4_ADDRESSES = '0.0.0.0';

const ipv4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const HOW = `write a host port such as 8080 (bound to ${DEFAULT_PUBLISH_ADDRESS}), "ADDRESS:PORT" such as "10.0.1.1:8080", or "[::1]:8080"`;

/** Parses `host:`; returns a message (problem :: fix) instead when it is not one. */
export function parseHostPublish(value: number | string): HostPublish | string {
  if (typeof value === 'number') return portProblem(value) ?? { address: DEFAULT_PUBLISH_ADDRESS, port: value, family: 'ipv4' };
  const text = value.trim();
  if (/^\d+$/.test(text)) return parseHostPublish(Number(text));
  const bracketed = /^\[([0-9a-fA-F:.]+)\]:(\d+)$/.exec(text);
  const plain = /^([0-9.]+):(\d+)$/.exec(text);
  const match = bracketed ?? plain;
  if (!match) {
    return text.includes(':') && !text.startsWith('[') && text.split(':').length > 2
      ? `an IPv6 address needs brackets before its port${FIX}write "[${text.slice(0, text.lastIndexOf(':'))}]:${text.slice(text.lastIndexOf(':') + 1)}"`
      : `not a host port or ADDRESS:PORT${FIX}${HOW}`;
  }
  const port = Number(match[2]);
  const problem = portProblem(port);
  if (problem) return problem;
  if (bracketed) return isIpv6(match[1]) ? { address: match[1].toLowerCase(), port, family: 'ipv6' } : `${match[1]} is not an IPv6 address${FIX}${HOW}`;
  return ipv4.test(match[1]) ? { address: match[1], port, family: 'ipv4' } : `${match[1]} is not an IPv4 address${FIX}${HOW}`;
}

function portProblem(port: number): string | undefined {
  if (Number.isInteger(port) && port >= 1 && port <= 65535) return undefined;
  return `host port ${port} is not between 1 and 65535${FIX}${HOW}`;
}

/** Enough of RFC 4291's text forms to refuse typos; the kernel is the final judge. */
function isIpv6(text: string): boolean {
  if (!/^[0-9a-fA-F:.]+$/.test(text) || (text.match(/::/g) ?? []).length > 1) return false;
  const groups = text.split(':');
  const compressed = text.includes('::');
  const wanted = groups.at(-1)!.includes('.') ? 7 : 8; // an IPv4 tail counts as two groups
  if (compressed ? groups.length > wanted + 1 : groups.length !== wanted) return false;
  return groups.every((group) => group === '' || /^[0-9a-fA-F]{1,4}$/.test(group) || (group === groups.at(-1) && ipv4.test(group)));
}

/** The `host:` field of a served port, parsed into { address, port, family }. */
export const hostPublishField = z.union([z.number(), z.string()], { message: `not a host port or ADDRESS:PORT${FIX}${HOW}` }).transform((value, context) => {
  const parsed = parseHostPublish(value);
  if (typeof parsed !== 'string') return parsed;
  context.addIssue({ code: 'custom', message: parsed });
  return z.NEVER;
}).describe(`publish this port on the host (a port forward): 8080 (on ${DEFAULT_PUBLISH_ADDRESS}), "ADDRESS:PORT" or "[IPV6]:PORT"; 0.0.0.0 is every host address`);

/** Whether a host address is loopback (127.0.0.0/8, ::1): reached only through the host's OUTPUT path. */
export function isLoopbackAddress(address: string): boolean {
  return address.startsWith('127.') || address === '::1';
}

/** Whether `host:` published on every address of the host. */
export function isWildcardAddress(address: string): boolean {
  return address === ALL_IPV4_ADDRESSES || address === '::';
}

/** How a host endpoint is written: 127.0.0.1:8080, [::1]:8080. */
export function formatHostEndpoint(publish: Pick<HostPublish, 'address' | 'port'>): string {
  return publish.address.includes(':') ? `[${publish.address}]:${publish.port}` : `${publish.address}:${publish.port}`;
}
