import { describe, expect, it } from 'vitest';
import { compareRuns, type LatencyReport } from './build-report.ts';
import { DEFAULT_SETTINGS } from './compare-pair.ts';
import { fixtureHistory } from './report-fixture.ts';
import { renderHtml } from './render-html.ts';
import { renderMarkdown } from './render-markdown.ts';
import { renderTable } from './render-text.ts';
import { buildTrends } from './trends.ts';
import { niceTicks } from './svg-trend-chart.ts';

/** A report built in memory from the fixture's KVM runs (no file needed for rendering). */
export function fixtureReport(): LatencyReport {
  const runs = fixtureHistory(true).filter((run) => run.context.accelMode === 'kvm');
  const latest = runs[runs.length - 1];
  const baseline = runs.slice(-11, -1);
  for (const run of runs) {
    // Names with Markdown/HTML specials must come out escaped.
    run.measurements[0].from = 'host|pipe';
    run.measurements[0].to = '<web>';
  }
  const comparisons = compareRuns(latest, baseline, DEFAULT_SETTINGS);
  return {
    generatedAtIso: '2026-11-22T00:00:00.000Z',
    historyPath: '/tmp/latency.jsonl',
    historyProblems: [],
    settings: DEFAULT_SETTINGS,
    groups: [{ key: 'kvm/a1b2c3d4e5f6', accelMode: 'kvm', topologyName: 'default', topologyHash: 'a1b2c3d4e5f6', runCount: 20, firstIso: runs[0].context.startedAtIso, lastIso: latest.context.startedAtIso, hostnames: ['ci-runner'], compared: true }],
    latest: latest.context,
    baseline: { spec: 'last:10', description: 'pool of the last 10 run(s)', runIds: baseline.map((run) => run.context.runId) },
    comparisons,
    trends: buildTrends(runs, latest, baseline, comparisons, DEFAULT_SETTINGS),
    notes: ['a note'],
    counts: { regression: 1, 'low-confidence': 0, improvement: 0, unchanged: comparisons.length - 1, new: 0, missing: 0 },
    outcome: 'regression',
  };
}

describe('report renderers', () => {
  it('prints a terminal table with the verdict, the reason and a summary line', () => {
    const text = renderTable(fixtureReport());
    expect(text).toMatch(/vm1 → web-server\s*│ icmp-rtt\s*│.*✖ regression/);
    expect(text).toMatch(/vm1 → web-server icmp-rtt: p50 worse by \d+\.\d%/);
    expect(text.trim().split('\n').at(-1)).toMatch(/^✖ REGRESSION: 1 regression\(s\)/);
  });

  it('writes Markdown with the verdict first and escaped table cells', () => {
    const markdown = renderMarkdown(fixtureReport());
    expect(markdown.split('\n')[0]).toMatch(/^### ❌ Latency report: ✖ REGRESSION/);
    expect(markdown).toContain('host\\|pipe → <web>');
    const rows = markdown.split('\n').filter((line) => line.startsWith('| '));
    expect(rows.length).toBe(2 + fixtureReport().comparisons.length); // header, alignment row, one per pair
    for (const row of rows) expect(row.match(/(?<!\\)\|/g)).toHaveLength(11);
  });

  it('writes HTML with one inline chart per pair, escaped names and no external resource', () => {
    const html = renderHtml(fixtureReport());
    expect(html.match(/<svg class="trend"/g)).toHaveLength(4);
    expect(html).toContain('host|pipe → &lt;web&gt;');
    expect(html).not.toContain('<web>');
    expect(html.replace(/xmlns="http:\/\/www\.w3\.org\/2000\/svg"/g, '')).not.toMatch(/https?:\/\/|<script|<link/);
    expect(html.match(/data-verdict="regression"/g)).toHaveLength(1);
  });

  it('puts a loss regression in the Loss column and rings the loss chart, not the RTT point', () => {
    const report = fixtureReport();
    const runs = fixtureHistory(false).filter((run) => run.context.accelMode === 'kvm');
    for (const run of runs) for (const measurement of run.measurements) if (measurement.metric === 'icmp-rtt') measurement.lossPercent = 0;
    runs[runs.length - 1].measurements.find((m) => m.from === 'vm1' && m.metric === 'icmp-rtt')!.lossPercent = 8.9 + 5;
    const latest = runs[runs.length - 1];
    const baseline = runs.slice(-11, -1);
    const comparisons = compareRuns(latest, baseline, DEFAULT_SETTINGS);
    const lossy = { ...report, comparisons, trends: buildTrends(runs, latest, baseline, comparisons, DEFAULT_SETTINGS) };
    const row = comparisons.find((c) => c.from === 'vm1' && c.metric === 'icmp-rtt')!;
    expect(row).toMatchObject({ verdict: 'regression', valueVerdict: 'unchanged', flagged: ['loss'] });
    const text = renderTable(lossy);
    expect(text).toMatch(/vm1 → web-server\s*│ icmp-rtt .*│ 0\.0% → 13\.9% \(\+13\.9 pts\) ✖\s*│ –\s*│ .*│ ✖ regression: loss/);
    const card = renderHtml(lossy).split('<section').find((section) => section.includes('data-pair="vm1→web-server:icmp-rtt"'))!;
    const [trendChart, lossChart] = [card.slice(card.indexOf('<svg class="trend"'), card.indexOf('<svg class="aspect')), card.slice(card.indexOf('<svg class="aspect aspect-loss"'))];
    expect(trendChart).not.toContain('mark-regression');
    expect(lossChart).toContain('data-verdict="regression"');
  });

  it('picks round axis ticks', () => {
    expect(niceTicks(0.93, 2.61)).toEqual([1, 1.5, 2, 2.5]);
    expect(niceTicks(8.1e8, 1.2e9)).toEqual([9e8, 1e9, 1.1e9, 1.2e9]);
    expect(niceTicks(0.3801, 0.3802)).toEqual([0.3801, 0.38012, 0.38014, 0.38016, 0.38018, 0.3802]); // no float dust
  });
});
