// pcap-parser ships no types; this is the part of its API the reader uses.
declare module 'pcap-parser' {
  import type { EventEmitter } from 'node:events';
  import type { Readable } from 'node:stream';
  export function parse(input: string | Readable): EventEmitter;
  const pcapParser: { parse: typeof parse };
  export default pcapParser;
}
