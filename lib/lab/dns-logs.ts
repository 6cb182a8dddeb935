import { DnsQueryLogParser, type DnsQueryLogEntry } from '../dns/query-log.ts';
import { labRecords } from '../dns/records.ts';
import { containerRuntime } from '../runtimes/registry.ts';
import { dnsContainerName } from './names.ts';
import type { LabState } from './state.ts';

export interface DnsLogOptions {
  follow?: boolean;
  /** The engine's --since: Unix seconds, or a duration (10m) converted here. */
  since?: string;
  signal?: AbortSignal;
}

/** The engine's `since` wants Unix seconds; accept the durations users type too (10m, 2h, 30s). */
function sinceSeconds(since: string | undefined): string | undefined {
  if (!since) return undefined;
  const duration = /^(\d+)(s|m|h|d)$/.exec(since);
  if (duration) return String(Math.floor(Date.now() / 1000) - Number(duration[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[duration[2] as 's']);
  const at = Date.parse(since);
  return Number.isFinite(at) ? String(Math.floor(at / 1000)) : since;
}

/** Streams the lab DNS server's query log as entries, with the asking node's name. */
export async function streamDnsLog(state: LabState, options: DnsLogOptions, onEntry: (entry: DnsQueryLogEntry) => void): Promise<void> {
  // Clients asking over IPv6 are named too (their AAAA address).
  const names = new Map(labRecords(state.topology).filter((r) => r.name !== 'host').flatMap((r) => [[r.ip, r.name] as const, ...(r.ipv6 ? [[r.ipv6, r.name] as const] : [])]));
  const parser = new DnsQueryLogParser(names);
  const runtime = await containerRuntime(state.topology.runtime);
  // dnsmasq logs to stderr (log-facility=-): the runtime merges both streams.
  const lines = runtime.logLines(dnsContainerName(state.lab), { follow: options.follow, since: sinceSeconds(options.since), timestamps: true, signal: options.signal });
  // In follow mode a query's answers arrive within milliseconds; print it once they have had time to.
  const flushTimer = options.follow ? setInterval(() => parser.flushSettled().forEach(onEntry), 250) : undefined;
  try {
    for await (const line of lines) parser.push(line).forEach(onEntry);
    parser.flush().forEach(onEntry);
  } finally {
    if (flushTimer) clearInterval(flushTimer);
  }
}
