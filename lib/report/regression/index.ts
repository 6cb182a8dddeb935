/** Latency regression reports: compare the latest run with a baseline and render the result. */
export { buildLatencyReport, compareRuns, type LatencyReport, type LatencyReportOptions, type ReportOutcome } from './build-report.ts';
export { comparePair, DEFAULT_SETTINGS, type ComparisonSettings, type PairComparison, type Verdict } from './compare-pair.ts';
export { parseAlpha, parseLossPoints, parseMinEffects, parseMinRuns, parseSince, parseSpreadK, parseThresholdPercent, ReportInputError } from './report-options.ts';
export { DEFAULT_MIN_EFFECT, METRIC_CLASSES, noiseFloor, type MetricClass, type NoiseFloor } from './noise-floor.ts';
export { parseBaselineSpec, type BaselineSpec } from './select-runs.ts';
export { renderHtml } from './render-html.ts';
export { renderMarkdown } from './render-markdown.ts';
export { renderTable } from './render-text.ts';
