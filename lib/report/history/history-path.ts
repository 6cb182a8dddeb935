import { resolve } from 'node:path';

/** Where runs are appended unless told otherwise; relative to the working directory. */
export const DEFAULT_HISTORY_FILE = 'reports/history/latency.jsonl';

/** The history file to use: the explicit path, else $HYBRID_LAB_HISTORY, else the default. */
export function resolveHistoryPath(path?: string): string {
  return resolve(path ?? process.env.HYBRID_LAB_HISTORY ?? DEFAULT_HISTORY_FILE);
}
