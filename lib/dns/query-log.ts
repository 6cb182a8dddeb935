/** One DNS query as the lab's dnsmasq logged it (log-queries=extra), with its answers. */
export interface DnsQueryLogEntry {
  timeIso: string;
  /** dnsmasq's serial for the query: ties the query line to its answer lines. */
  serial: number;
  clientIp: string;
  /** The asking node's name when the address is a lab node's. */
  clientName?: string;
  type: string;
  name: string;
  /** Answers (addresses, names, NXDOMAIN, NODATA, REFUSED...). */
  answers: string[];
  /** Where the answer came from: the lab's records, the cache, an upstream, or config (refusals). */
  source: 'records' | 'cache' | 'upstream' | 'config' | 'pending';
  forwardedTo?: string;
}

const LINE = /^(\S+) dnsmasq\[\d+\]: (\d+) ([\d.a-f:]+)\/\d+ (.*)$/;

/**
 * Turns `docker logs --timestamps` lines of the DNS container into query entries. Feed lines in
 * order; an entry is complete once the next query starts or `flush()` is called.
 */
export class DnsQueryLogParser {
  private readonly open = new Map<number, DnsQueryLogEntry>();
  /** When each open query was read, to give up waiting for its answer. */
  private readonly openedAtMs = new Map<number, number>();

  constructor(private readonly namesByIp: ReadonlyMap<string, string> = new Map()) {}

  /** Returns the entries this line completed (usually none, or the previous query's). */
  push(line: string): DnsQueryLogEntry[] {
    const match = LINE.exec(line.trim());
    if (!match) return [];
    const [, timeIso, serialText, clientIp, rest] = match;
    const serial = Number(serialText);
    const query = /^query\[(\w+)\] (\S+) from /.exec(rest);
    if (query) {
      const done = this.flush();
      this.openedAtMs.set(serial, Date.now());
      this.open.set(serial, { timeIso, serial, clientIp, clientName: this.namesByIp.get(clientIp), type: query[1], name: query[2], answers: [], source: 'pending' });
      return done;
    }
    const entry = this.open.get(serial);
    if (!entry) return [];
    const forwarded = /^forwarded \S+ to (\S+)/.exec(rest);
    if (forwarded) {
      entry.forwardedTo = forwarded[1];
      return [];
    }
    const answer = /^(reply|cached|config|\/\S+) (?:\S+ )?\S+ is (.*)$/.exec(rest);
    if (answer) {
      entry.answers.push(answer[2].replace(/ \(EDE: .*\)$/, ''));
      entry.source = answer[1] === 'reply' ? 'upstream' : answer[1] === 'cached' ? 'cache' : answer[1] === 'config' ? 'config' : 'records';
    }
    return [];
  }

  /** Completes every open query. */
  flush(): DnsQueryLogEntry[] {
    const done = [...this.open.values()];
    this.open.clear();
    this.openedAtMs.clear();
    return done;
  }

  /** For live logs: completes queries that have an answer, or waited longer than `maxWaitMs` for one. */
  flushSettled(maxWaitMs = 1000): DnsQueryLogEntry[] {
    const done: DnsQueryLogEntry[] = [];
    for (const [serial, entry] of this.open) {
      if (entry.answers.length === 0 && Date.now() - (this.openedAtMs.get(serial) ?? 0) < maxWaitMs) continue;
      done.push(entry);
      this.open.delete(serial);
      this.openedAtMs.delete(serial);
    }
    return done;
  }
}

/** `06:57:23.523 test-container (10.0.1.50) A web-server.hybrid.local -> 10.0.1.100 [records]` */
export function formatQueryLogEntry(entry: DnsQueryLogEntry): string {
  const time = entry.timeIso.slice(11, 23);
  const who = entry.clientName ? `${entry.clientName} (${entry.clientIp})` : entry.clientIp;
  const answer = entry.answers.length > 0 ? entry.answers.join(', ') : 'no answer';
  const via = entry.forwardedTo ? `upstream ${entry.forwardedTo}` : entry.source;
  return `${time} ${who} ${entry.type} ${entry.name} -> ${answer} [${via}]`;
}
