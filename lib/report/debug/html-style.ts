/** The debug report's CSS: GitHub-like palette, light and dark, readable on a laptop and print. */
export const DEBUG_REPORT_STYLE = `
:root { --fg:#1f2328; --muted:#59636e; --bg:#ffffff; --card:#f6f8fa; --line:#d1d9e0; --accent:#0969da; --accent2:#8250df;
  --crit:#cf222e; --warn:#9a6700; --info:#0969da; --good:#1a7f37; --crit-bg:#ffebe9; --warn-bg:#fff8c5; --info-bg:#ddf4ff; }
@media (prefers-color-scheme: dark) { :root { --fg:#e6edf3; --muted:#9198a1; --bg:#0d1117; --card:#151b23; --line:#3d444d;
  --accent:#4493f8; --accent2:#ab7df8; --crit:#f85149; --warn:#d29922; --info:#4493f8; --good:#3fb950;
  --crit-bg:rgba(248,81,73,.12); --warn-bg:rgba(210,153,34,.12); --info-bg:rgba(68,147,248,.12); } }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1320px; padding: 24px; font: 14px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 30px 0 10px; } h3 { font-size: 15px; margin: 0 0 6px; }
.muted { color: var(--muted); } code { font: 12.5px ui-monospace, SFMono-Regular, Menlo, monospace; background: var(--card); padding: 1px 5px; border-radius: 4px; }
.verdict { display: inline-block; padding: 3px 12px; border-radius: 999px; font-weight: 600; color: #fff; margin-right: 8px; }
.verdict.critical { background: var(--crit); } .verdict.warning { background: var(--warn); } .verdict.ok { background: var(--good); }
.tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: 12px; margin: 18px 0; }
.tile { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; }
.tile .value { font-size: 22px; font-weight: 650; font-variant-numeric: tabular-nums; } .tile .label { color: var(--muted); font-size: 12.5px; }
.tile.bad .value { color: var(--crit); }
.finding { border: 1px solid var(--line); border-left: 5px solid var(--info); border-radius: 8px; padding: 10px 14px; margin: 10px 0; background: var(--info-bg); }
.finding.critical { border-left-color: var(--crit); background: var(--crit-bg); } .finding.warning { border-left-color: var(--warn); background: var(--warn-bg); }
.finding .sev { font-size: 11px; font-weight: 700; text-transform: uppercase; letter-spacing: .05em; margin-right: 8px; }
.finding.critical .sev { color: var(--crit); } .finding.warning .sev { color: var(--warn); } .finding.info .sev { color: var(--info); }
.finding ul { margin: 6px 0; padding-left: 20px; } .finding .fix { margin: 4px 0 0; } .finding .fix b { margin-right: 6px; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(520px, 1fr)); gap: 16px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; }
.empty { color: var(--muted); padding: 40px 0; text-align: center; }
svg.chart { width: 100%; height: auto; display: block; }
svg .grid { stroke: var(--line); stroke-width: 1; } svg .tick, svg .axis-label { fill: var(--muted); font-size: 11px; } svg .row-label { fill: var(--fg); font-size: 12px; }
svg .bar { fill: var(--accent); } svg .bar.received { fill: var(--accent2); } svg .chart-dns .bar { fill: var(--accent2); }
.legend { color: var(--muted); font-size: 12.5px; } .legend i { display: inline-block; width: 12px; height: 10px; margin: 0 4px 0 10px; border-radius: 2px; vertical-align: middle; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; margin: 4px 0 10px; }
th, td { text-align: left; padding: 5px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; background: var(--card); } td.num { text-align: right; white-space: nowrap; }
tr.bad td { color: var(--crit); }
details { margin: 8px 0; } summary { cursor: pointer; font-weight: 600; }
svg.topology { max-height: 170px; } svg .cdf { fill: none; stroke: var(--accent); stroke-width: 2; } svg .mark { fill: var(--crit); }
svg .node rect { fill: var(--card); stroke: var(--line); } svg .node text { fill: var(--fg); font-size: 12px; } svg .bus { stroke: var(--muted); stroke-width: 6; }
svg .link { stroke-width: 3; } svg .link.ok { stroke: var(--good); } svg .link.bad { stroke: var(--crit); } svg .link.unknown { stroke: var(--muted); stroke-dasharray: 4 3; }
table.grid td, table.grid th { text-align: center; } td.ok { color: var(--good); } td.fail { color: var(--crit); font-weight: 600; } td.none { color: var(--muted); }
.finding .symptoms { color: var(--muted); font-size: 12.5px; }
footer { margin-top: 36px; color: var(--muted); font-size: 12.5px; }
@media print { .charts { grid-template-columns: 1fr; } details { display: block; } }
`;
