import type { DebugReport } from './debug-report.ts';

/** Report version for machines reading the JSON; bump when a field changes meaning. */
export const DEBUG_REPORT_SCHEMA = 'hybrid-lab/debug-report@1';

/** The JSON form: the typed report as is, with a schema tag first. */
export function renderDebugJson(report: DebugReport): string {
  return `${JSON.stringify({ schema: DEBUG_REPORT_SCHEMA, ...report }, null, 2)}\n`;
}
