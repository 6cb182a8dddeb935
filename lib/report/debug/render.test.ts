import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { debugPcapFile } from '../../debug/run-debug.ts';
import { CAPTURES_DIR } from '../../capture/testing/make-reference-captures.ts';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DebugResult } from '../../debug/run-debug.ts';
import { renderDebugJson } from './render-json.ts';
import { renderDebugTables } from './render-table.ts';
import { fixtureDebugReport } from './report-fixture.ts';
import { histogramBins } from './svg-charts.ts';

let result: DebugResult;
beforeAll(async () => {
  result = await fixtureDebugReport();
});

describe('debug report rendering', () => {
  it('writes html, json and the pcap side by side', () => {
    const { written } = result;
    expect(written.pcapPath.startsWith(written.directory)).toBe(true);
    const json = JSON.parse(readFileSync(written.jsonPath, 'utf8'));
    expect(json.schema).toBe('hybrid-lab/debug-report@2');
    expect(json.analysis.mix.packets).toBe(3018);
    expect(json.source.pcapPath).toBe(written.pcapPath);
    expect(json.findings[0].severity).toBe('critical');
  });

  it('caps long event lists in the JSON and says so', () => {
    const capped = JSON.parse(renderDebugJson(result.report, { limit: 10 }));
    expect(capped.analysis.dns.transactions).toHaveLength(10);
    expect(capped.listsCapped['analysis.dns.transactions']).toBe(result.report.analysis.dns.transactions.length);
    expect(result.report.analysis.dns.transactions.length).toBeGreaterThan(10);
    expect(JSON.parse(renderDebugJson(result.report)).listsCapped).toEqual({});
  });

  it('has no external references in the HTML', () => {
    const html = readFileSync(result.written.htmlPath, 'utf8');
    expect(html).not.toMatch(/(src|href)=["']?https?:/);
    expect(html).not.toMatch(/<script/);
    expect(html.match(/<svg /g)?.length).toBe(7);
  });

  it('prints summary, findings and evidence tables for the terminal', () => {
    const text = renderDebugTables(result.report);
    expect(text).toMatch(/packets\s+│ 3018/);
    expect(text).toContain('Findings: 3 critical');
    expect(text).toMatch(/ARP for 10\.66\.0\.10 unanswered: VM vm1/);
    expect(text).toMatch(/db\.hybrid\.local A\s+│ NO RESPONSE/);
    expect(text).toMatch(/malformed DNS\s+│ 1 messages listed as malformed and not counted as queries or responses/);
  });

  it('says in words where counts follow tshark: protocols quoted inside ICMP errors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hl-render-quoted-'));
    const { report } = await debugPcapFile({ pcapPath: join(CAPTURES_DIR, 'cut-malformed.pcapng'), subnet: '10.66.0.0/24', outDir: dir });
    expect(report.analysis.mix.quotedOnlyCounts).toEqual({ udp: 1, dns: 1 });
    expect(renderDebugTables(report)).toMatch(/inside ICMP errors\s+│ udp 1, dns 1: counted in "protocols" as tshark does/);
  });

  it('bins RTT samples into a histogram that keeps every sample', () => {
    const bins = histogramBins([0.1, 0.1, 0.2, 1.5, 3], 10);
    expect(bins).toHaveLength(5);
    expect(bins.reduce((sum, b) => sum + b.value, 0)).toBe(5);
    expect(histogramBins([])).toEqual([]);
    // 1.46 M samples once overflowed the stack (Math.min(...samples)).
    const many = Array.from({ length: 1_500_000 }, (_, i) => (i % 1000) / 100);
    const manyBins = histogramBins(many);
    expect(manyBins.reduce((sum, b) => sum + b.value, 0)).toBe(1_500_000);
  });
});
