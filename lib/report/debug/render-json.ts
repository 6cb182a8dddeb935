import type { DebugReport } from './debug-report.ts';

/** Report version for machines reading the JSON; bump when a field changes meaning. */
export const DEBUG_REPORT_SCHEMA = 'hybrid-lab/debug-report@1';

/** Longest list kept per analysis in the JSON; a million-packet capture would otherwise give 100 MB. */
export const JSON_LIST_LIMIT = 5000;

/** Per-event lists that grow with the capture; the first JSON_LIST_LIMIT are kept, the total is noted. */
const LONG_LISTS: Array<[keyof DebugReport['analysis'], string]> = [
  ['icmp', 'pairs'],
  ['icmp', 'unanswered'],
  ['dns', 'transactions'],
  ['dns', 'unanswered'],
  ['dns', 'malformed'],
  ['arp', 'unanswered'],
  ['tcp', 'resets'],
  ['tcp', 'retransmissions'],
  ['tcp', 'unansweredSyns'],
];

/** The JSON form: the typed report with a schema tag, long event lists capped (see `listsCapped`). */
export function renderDebugJson(report: DebugReport, options: { limit?: number; extra?: Record<string, unknown> } = {}): string {
  const limit = options.limit ?? JSON_LIST_LIMIT;
  const analysis = structuredClone(report.analysis) as unknown as Record<string, Record<string, unknown>>;
  const listsCapped: Record<string, number> = {};
  for (const [section, list] of LONG_LISTS) {
    const items = analysis[section]?.[list];
    if (Array.isArray(items) && items.length > limit) {
      listsCapped[`analysis.${section}.${list}`] = items.length;
      analysis[section][list] = items.slice(0, limit);
    }
  }
  return `${JSON.stringify({ schema: DEBUG_REPORT_SCHEMA, ...options.extra, listsCapped, ...report, analysis }, null, 2)}\n`;
}
