/** Latency regression reports: compare the latest run with a baseline and render the result. */
export { buildLatencyReport, compareRuns, type LatencyReport, type LatencyReportOptions, type ReportOutcome } from './build-report.ts';
export { comparePair, DEFAULT_SETTINGS, type ComparisonSettings, type PairComparison, type Verdict } from './compare-pair.ts';
export { parseAlpha, parseLossPoints, parseSince, parseThresholdPercent, ReportInputError } from './report-options.ts';
export { parseBaselineSpec, type BaselineSpec } from './select-runs.ts';
export { renderHtml } from './render-html.ts';
export { renderMarkdown } from './render-markdown.ts';
export { renderTable } from './render-text.ts';
