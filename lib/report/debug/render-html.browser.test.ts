import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { CHROMIUM, launchHeadlessChromium, openWatchedPage } from '../../testing/headless-page.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DebugResult } from '../../debug/run-debug.ts';
import { fixtureDebugReport } from './report-fixture.ts';


// Real headless Chromium (the Debian one; playwright-core downloads nothing): the report must
// render offline with its four charts, fetch nothing and log no errors, in light and dark.
describe.skipIf(!existsSync(CHROMIUM))('debug HTML report in headless Chromium', () => {
  let browser: Browser;
  let result: DebugResult;
  beforeAll(async () => {
    result = await fixtureDebugReport();
    browser = await launchHeadlessChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  for (const colorScheme of ['light', 'dark'] as const) {
    it(`renders findings and charts without console errors (${colorScheme})`, async () => {
      const url = pathToFileURL(result.written.htmlPath).href;
      const { tab, problems, requests } = await openWatchedPage(browser, url, colorScheme);

      expect(await tab.title()).toMatch(/^hybrid-lab debug — hybr0/);
      expect(await tab.locator('.verdict.critical').textContent()).toBe('3 critical');
      for (const chart of ['chart-timeline', 'chart-rtt', 'chart-talkers', 'chart-dns', 'chart-rtt-cdf', 'chart-dns-cdf']) {
        const svg = tab.locator(`svg.${chart}`);
        expect(await svg.count()).toBe(1);
        const box = await svg.boundingBox();
        expect(box?.width).toBeGreaterThan(400);
        expect(box?.height).toBeGreaterThan(100);
        if (!chart.endsWith('-cdf')) expect(await svg.locator('rect.bar').count()).toBeGreaterThan(0);
      }
      // Packets-over-time bars add up to every packet in the capture.
      const titles = await tab.locator('svg.chart-timeline rect.bar title').allTextContents();
      const total = titles.reduce((sum, t) => sum + Number(/: (\d+) packets/.exec(t)?.[1] ?? 0), 0);
      expect(total).toBe(result.report.analysis.mix.packets);
      const critical = tab.locator('section.finding.critical');
      expect(await critical.count()).toBe(3);
      expect(await tab.locator('[data-finding="dns-wrong-answer"] h3').textContent()).toContain('DNS answered web.hybrid.local with 10.66.0.5, but web is at 10.66.0.2');
      expect(await tab.locator('[data-finding="arp-unanswered"] h3').first().textContent()).toContain('ARP for 10.66.0.10 unanswered');
      const stripe = await critical.first().evaluate((el) => getComputedStyle(el).borderLeftWidth);
      expect(stripe).toBe('5px');
      // Count axes tick in whole numbers, and 252-ish maxima are not stretched to 500.
      for (const chart of ['chart-timeline', 'chart-rtt', 'chart-dns']) {
        const ticks = (await tab.locator(`svg.${chart} text.tick[text-anchor="end"]`).allTextContents()).map(Number);
        expect(ticks.every((t) => Number.isInteger(t)), `${chart}: ${ticks}`).toBe(true);
        const tallest = Math.max(...(await tab.locator(`svg.${chart} rect.bar title`).allTextContents()).map((t) => Number(/: (\d+)/.exec(t)?.[1] ?? 0)));
        expect(Math.max(...ticks)).toBeLessThan(tallest * 1.6 + 2);
      }
      // The tail is visible: a CDF on a log axis with p50/p95/p99/max marked.
      for (const chart of ['chart-rtt-cdf', 'chart-dns-cdf']) {
        expect(await tab.locator(`svg.${chart} polyline.cdf`).count()).toBe(1);
        expect(await tab.locator(`svg.${chart} circle.mark title`).allTextContents()).toEqual(expect.arrayContaining([expect.stringMatching(/^p99 /), expect.stringMatching(/^max /)]));
      }
      // Topology: vm1 (ARP unanswered, critical) is drawn broken, web (answered pings) healthy.
      expect(await tab.locator('svg.topology g[data-node="vm1"]').getAttribute('data-health')).toBe('bad');
      expect(await tab.locator('svg.topology g[data-node="web"]').getAttribute('data-health')).toBe('ok');
      // Reachability grid: laptop -> web answered pings, but its lookup of web got the wrong address.
      const cell = tab.locator('table.reachability tbody tr', { hasText: 'laptop' }).locator('td').nth(1);
      expect(await cell.textContent()).toBe('ping ✔ · dns ✘');
      expect(await cell.getAttribute('class')).toBe('fail');
      // Evidence is collapsed: the page stays short (it was 12,000 px for 3 k packets).
      const height = await tab.evaluate(() => document.documentElement.scrollHeight);
      expect(height).toBeLessThan(4500);
      expect(problems).toEqual([]);
      expect(requests).toEqual([url]);
      await tab.close();
    });
  }
});
