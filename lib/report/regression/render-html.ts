import { familySuffix } from '../measurement.ts';
import type { LatencyReport } from './build-report.ts';
import { comparisonCells, comparisonHeader, runLine, summaryLine, verdictCell } from './render-text.ts';
import { describeGroupKey } from './run-groups.ts';
import { escapeXml, renderAspectChart, renderTrendChart } from './svg-trend-chart.ts';

const STYLE = `
:root { --fg:#1f2328; --muted:#59636e; --bg:#ffffff; --card:#f6f8fa; --line:#d1d9e0; --p50:#0969da; --p95:#bf8700;
  --band:rgba(9,105,218,.12); --bad:#cf222e; --good:#1a7f37; --loss:#8250df; --jitter:#bc4c00; --doubt:#9a6700; }
@media (prefers-color-scheme: dark) { :root { --fg:#e6edf3; --muted:#9198a1; --bg:#0d1117; --card:#151b23; --line:#3d444d;
  --p50:#4493f8; --p95:#d29922; --band:rgba(68,147,248,.16); --bad:#f85149; --good:#3fb950; --loss:#a371f7; --jitter:#f0883e; --doubt:#d29922; } }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1320px; padding: 24px; font: 14px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 10px; }
.verdict { display: inline-block; padding: 2px 10px; border-radius: 999px; font-weight: 600; color: #fff; }
.verdict.regression { background: var(--bad); } .verdict.ok { background: var(--good); } .verdict.no-baseline { background: var(--muted); }
.muted { color: var(--muted); } .notes li { margin: 4px 0; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--line); white-space: nowrap; }
th { font-weight: 600; background: var(--card); } td.num { text-align: right; }
tr.regression td { color: var(--bad); font-weight: 600; } tr.improvement td { color: var(--good); }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(540px, 1fr)); gap: 16px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; }
.card.regression { border-color: var(--bad); box-shadow: inset 4px 0 0 var(--bad); }
.card.improvement { box-shadow: inset 4px 0 0 var(--good); }
.card h3 { font-size: 15px; margin: 0 0 2px; } .card p { margin: 0 0 6px; }
svg.trend, svg.aspect { width: 100%; height: auto; display: block; } svg.aspect { margin-top: 6px; }
svg .line-loss { fill: none; stroke: var(--loss); stroke-width: 1.6; } svg .pt-loss { fill: var(--bg); stroke: var(--loss); stroke-width: 1.6; } svg .pt-loss.role-baseline { fill: var(--loss); }
svg .line-jitter { fill: none; stroke: var(--jitter); stroke-width: 1.6; } svg .pt-jitter { fill: var(--bg); stroke: var(--jitter); stroke-width: 1.6; } svg .pt-jitter.role-baseline { fill: var(--jitter); }
svg .mark-low-confidence { fill: none; stroke: var(--doubt); stroke-width: 2; stroke-dasharray: 3 2; } svg .mark-label-low-confidence { fill: var(--doubt); }
tr.low-confidence td { color: var(--doubt); } .card.low-confidence { box-shadow: inset 4px 0 0 var(--doubt); }
.verdict.low-confidence { background: var(--doubt); }
svg .grid { stroke: var(--line); stroke-width: 1; } svg .tick { fill: var(--muted); font-size: 11px; }
svg .band { fill: var(--band); } svg .baseline { stroke: var(--p50); stroke-dasharray: 5 4; stroke-width: 1.2; opacity: .7; }
svg .line-p50 { fill: none; stroke: var(--p50); stroke-width: 2; } svg .line-p95 { fill: none; stroke: var(--p95); stroke-width: 1.5; stroke-dasharray: 4 3; }
svg .pt-p50 { fill: var(--bg); stroke: var(--p50); stroke-width: 1.8; } svg .pt-p50.role-baseline { fill: var(--p50); }
svg .pt-p50.role-latest { fill: var(--p50); stroke: var(--fg); } svg .pt-p95 { fill: var(--p95); } svg .pt-p95.role-baseline { fill: var(--p95); }
svg .mark-regression { fill: none; stroke: var(--bad); stroke-width: 2.5; } svg .mark-improvement { fill: none; stroke: var(--good); stroke-width: 2.5; }
svg .mark-label { font-size: 12px; font-weight: 600; } svg .mark-label-regression { fill: var(--bad); } svg .mark-label-improvement { fill: var(--good); }
.legend { display: flex; gap: 16px; flex-wrap: wrap; margin: 8px 0 14px; color: var(--muted); font-size: 13px; }
.legend i { display: inline-block; width: 18px; height: 10px; margin-right: 6px; vertical-align: middle; border-radius: 2px; }
`;

/** A self-contained HTML page (inline CSS and SVG, no script, no external fetch) for the report. */
export function renderHtml(report: LatencyReport): string {
  const outcome = report.outcome === 'regression' ? 'regression' : report.outcome === 'no-baseline' ? 'no-baseline' : 'ok';
  const badge = outcome === 'regression' ? 'Regression' : outcome === 'no-baseline' ? 'No baseline yet' : 'No regression';
  const numeric = new Set([2, 3, 4, 5, 6, 7, 8]);
  const rows = report.comparisons
    .map((comparison) => `<tr class="${comparison.verdict}">${comparisonCells(comparison, report.settings).map((cell, index) => `<td${numeric.has(index) ? ' class="num"' : ''}>${escapeXml(cell)}</td>`).join('')}</tr>`)
    .join('\n');
  const cards = report.trends.map((trend, index) => {
    const comparison = report.comparisons[index];
    return (
      `<section class="card ${comparison.verdict}" data-pair="${escapeXml(`${trend.from}→${trend.to}:${trend.metric}${familySuffix(comparison.family)}`)}">` +
      `<h3>${escapeXml(`${trend.from} → ${trend.to}${familySuffix(comparison.family)}`)} <span class="muted">${escapeXml(trend.metric)}</span></h3>` +
      `<p class="muted">${escapeXml(verdictCell(comparison))}: ${escapeXml(comparison.reason)}</p>${renderTrendChart(trend, report.settings.statistic)}` +
      `${renderAspectChart(trend, 'loss')}${renderAspectChart(trend, 'jitter')}</section>`
    );
  });
  const groups = report.groups
    .map((group) => `<li>${group.compared ? '<strong>compared</strong> — ' : ''}${escapeXml(describeGroupKey(group))}: ${group.runCount} run(s), ${escapeXml(group.firstIso)} … ${escapeXml(group.lastIso)}</li>`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Latency report — ${escapeXml(badge)}</title><style>${STYLE}</style></head>
<body>
<h1>Latency report <span class="verdict ${outcome}">${escapeXml(badge)}</span></h1>
<p class="muted">${escapeXml(summaryLine(report))}</p>
<p>${escapeXml(runLine(report))}</p>
${report.notes.length ? `<ul class="notes">${report.notes.map((note) => `<li>${escapeXml(note)}</li>`).join('')}</ul>` : ''}
<h2>Comparison</h2>
<table><thead><tr>${comparisonHeader(report).map((cell) => `<th>${escapeXml(cell)}</th>`).join('')}</tr></thead>
<tbody>
${rows}
</tbody></table>
<h2>Trends</h2>
<div class="legend"><span><i style="background:var(--p50)"></i>p50 per run (filled: baseline runs)</span><span><i style="background:var(--p95)"></i>p95 per run</span>
<span><i style="background:var(--band)"></i>baseline centre ± noise floor (no change inside)</span><span><i style="background:var(--loss)"></i>loss per run</span><span><i style="background:var(--jitter)"></i>jitter per run</span>
<span><i style="border:2px solid var(--bad)"></i>regressed latest run (on the chart of what regressed)</span></div>
<div class="charts">
${cards.join('\n')}
</div>
<h2>Groups</h2><ul>${groups}</ul>
<p class="muted">Generated ${escapeXml(report.generatedAtIso)} from ${escapeXml(report.historyPath)} by hybrid-lab.</p>
</body></html>
`;
}
