import { createInterface } from 'node:readline';
import { execa } from 'execa';
import { DnsQueryLogParser, type DnsQueryLogEntry } from '../dns/query-log.ts';
import { labRecords } from '../dns/records.ts';
import { dnsContainerName } from './dns-paths.ts';
import type { LabState } from './state.ts';

export interface DnsLogOptions {
  follow?: boolean;
  /** Docker's --since: a duration (10m) or a timestamp. */
  since?: string;
  signal?: AbortSignal;
}

/** Streams the lab DNS server's query log as entries, with the asking node's name. */
export async function streamDnsLog(state: LabState, options: DnsLogOptions, onEntry: (entry: DnsQueryLogEntry) => void): Promise<void> {
  const names = new Map(labRecords(state.topology).filter((r) => r.name !== 'host').map((r) => [r.ip, r.name]));
  const parser = new DnsQueryLogParser(names);
  const args = ['logs', '--timestamps', ...(options.follow ? ['--follow'] : []), ...(options.since ? ['--since', options.since] : []), dnsContainerName(state.lab)];
  // dnsmasq logs to stderr (log-facility=-): read the merged output.
  const child = execa('docker', args, { all: true, buffer: false, reject: false, cancelSignal: options.signal });
  const lines = createInterface({ input: child.all! });
  // In follow mode a query's answers arrive within milliseconds; print it once they have had time to.
  const flushTimer = options.follow ? setInterval(() => parser.flushSettled().forEach(onEntry), 250) : undefined;
  try {
    for await (const line of lines) parser.push(line).forEach(onEntry);
    parser.flush().forEach(onEntry);
    const result = await child;
    if (result.exitCode !== 0 && !result.isCanceled) throw new Error(`docker logs ${dnsContainerName(state.lab)} failed (exit ${result.exitCode})`);
  } finally {
    if (flushTimer) clearInterval(flushTimer);
  }
}
