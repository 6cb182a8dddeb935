import type { DebugReport } from '../../debug/debug-report.ts';

/** Report version for machines reading the JSON; bump when a field changes meaning (2: conversations replace flows, integer-ns times, ICMP v4/v6 apart, counts beside capped lists). */
export const DEBUG_REPORT_SCHEMA = 'hybrid-lab/debug-report@2';

/** Longest list kept per analysis in the JSON; a million-packet capture would otherwise give 100 MB. */
export const JSON_LIST_LIMIT = 5000;

/** Lists that grow with the capture (paths under `analysis`); the first JSON_LIST_LIMIT are kept, the total is noted. */
const LONG_LISTS: string[][] = [
  ['icmp', 'pairs'],
  ['icmp', 'unanswered'],
  ['icmp', 'byPair'],
  ['dns', 'transactions'],
  ['dns', 'unanswered'],
  ['dns', 'malformed'],
  ['dns', 'short'],
  ['arp', 'unanswered'],
  ['tcp', 'resets'],
  ['tcp', 'retransmissions'],
  ['tcp', 'unansweredSyns'],
  ['conversations', 'ip', 'rows'],
  ['conversations', 'tcp', 'rows'],
  ['conversations', 'udp', 'rows'],
];

/** The JSON form: the typed report with a schema tag, long event lists capped (see `listsCapped`). */
export function renderDebugJson(report: DebugReport, options: { limit?: number; extra?: Record<string, unknown> } = {}): string {
  const limit = options.limit ?? JSON_LIST_LIMIT;
  // Shallow copies along each capped path: the report itself is not changed, and nothing is deep-cloned.
  const analysis = { ...report.analysis } as unknown as Record<string, unknown>;
  const listsCapped: Record<string, number> = {};
  for (const path of LONG_LISTS) {
    let parent = analysis;
    for (const key of path.slice(0, -1)) {
      const child = parent[key];
      if (!child || typeof child !== 'object') break;
      parent[key] = { ...(child as Record<string, unknown>) };
      parent = parent[key] as Record<string, unknown>;
    }
    const last = path[path.length - 1];
    const items = parent[last];
    if (Array.isArray(items) && items.length > limit) {
      listsCapped[`analysis.${path.join('.')}`] = items.length;
      parent[last] = items.slice(0, limit);
    }
  }
  return `${JSON.stringify({ schema: DEBUG_REPORT_SCHEMA, ...options.extra, listsCapped, ...report, analysis }, null, 2)}\n`;
}
