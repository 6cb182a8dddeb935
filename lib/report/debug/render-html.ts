import { severityCounts, type DebugReport } from '../../debug/debug-report.ts';
import { DEBUG_REPORT_STYLE } from './html-style.ts';
import { chartsSection, evidenceTables, findingsSection, snapshotSection, tilesSection } from './html-sections.ts';
import { escapeHtml as e } from './svg-charts.ts';
import { reachabilitySection, topologySection } from './html-incident.ts';

function verdict(report: DebugReport): string {
  const counts = severityCounts(report);
  if (counts.critical > 0) return `<span class="verdict critical">${counts.critical} critical</span>`;
  if (counts.warning > 0) return `<span class="verdict warning">${counts.warning} warning${counts.warning > 1 ? 's' : ''}</span>`;
  return '<span class="verdict ok">No problems found</span>';
}

function sourceLine(report: DebugReport): string {
  const { source } = report;
  if (source.kind === 'pcap-file') return `offline analysis of ${source.pcapPath}`;
  return `live capture on ${source.interface ?? '?'} for ${source.durationSec?.toFixed(1) ?? '?'} s${source.filter ? `, filter "${source.filter}"` : ''}`;
}

/** A self-contained HTML page (inline CSS and SVG, no script, nothing fetched) for a debug report. */
export function renderDebugHtml(report: DebugReport): string {
  const { file } = report.analysis;
  const truncated = file.truncated ? `<section class="finding warning"><h3><span class="sev">warning</span>The capture file is truncated</h3><p>${e(file.truncationReason ?? '')}: everything below covers the packets before that point.</p></section>` : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>hybrid-lab debug — ${e(report.bridge)} ${e(report.generatedAtIso)}</title>
<style>${DEBUG_REPORT_STYLE}</style>
</head>
<body>
<header>
<h1>hybrid-lab debug: ${e(report.bridge)} <span class="muted">${e(report.subnet)}</span></h1>
<p>${verdict(report)}<span class="muted">${e(sourceLine(report))} · generated ${e(report.generatedAtIso)}</span></p>
</header>
${truncated}
${tilesSection(report)}
${findingsSection(report)}
${topologySection(report)}
${reachabilitySection(report)}
${chartsSection(report)}
${evidenceTables(report)}
${snapshotSection(report.snapshot)}
<footer>Capture: <code>${e(file.path)}</code> (link type ${file.linkLayerType}, snaplen ${file.snapshotLength}). Open it in Wireshark for packet-level detail; frame numbers above match Wireshark's.</footer>
</body>
</html>
`;
}
