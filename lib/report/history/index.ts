/** Latency history: a JSON-lines file of runs that suites and `hybrid-lab bench` append to. */
export { recordRun, type RecordRunOptions } from './record-run.ts';
export { appendRun } from './append-run.ts';
export { readHistory, parseHistoryText, type History, type HistoryLineProblem } from './read-history.ts';
export { collectRunContext, resolveGitRef, currentGitCommit, newRunId, type RunContextInput } from './run-context.ts';
export { resolveHistoryPath, DEFAULT_HISTORY_FILE } from './history-path.ts';
export { HISTORY_FORMAT } from './record-schema.ts';
