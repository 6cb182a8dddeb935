import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { CHROMIUM, launchHeadlessChromium, openWatchedPage } from '../../testing/headless-page.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendRun } from '../history/append-run.ts';
import { buildLatencyReport } from './build-report.ts';
import { fixtureHistory } from './report-fixture.ts';
import { renderHtml } from './render-html.ts';


// Real headless Chromium (the system one; playwright-core downloads nothing): the page must
// render offline, show one chart per pair and log no errors.
describe.skipIf(!existsSync(CHROMIUM))('HTML latency report in headless Chromium', () => {
  let dir: string;
  let browser: Browser;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hl-html-'));
    browser = await launchHeadlessChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function openReport(regressed: boolean, colorScheme: 'light' | 'dark') {
    const history = join(dir, `history-${regressed}.jsonl`);
    for (const run of fixtureHistory(regressed)) await appendRun(run, history);
    const page = join(dir, `report-${regressed}.html`);
    await writeFile(page, renderHtml(await buildLatencyReport({ historyPath: history })));
    const { tab, problems, requests } = await openWatchedPage(browser, pathToFileURL(page).href, colorScheme);
    return { tab, problems, requests, url: pathToFileURL(page).href };
  }

  it('renders one visible SVG trend chart per pair, with the regressed point marked', async () => {
    const { tab, problems, requests, url } = await openReport(true, 'light');
    expect(await tab.title()).toBe('Latency report — Regression');
    const charts = tab.locator('svg.trend');
    expect(await charts.count()).toBe(4);
    for (const chart of await charts.all()) {
      const box = await chart.boundingBox();
      expect(box?.width).toBeGreaterThan(400);
      expect(box?.height).toBeGreaterThan(150);
      expect(await chart.locator('polyline.line-p50').getAttribute('points')).toMatch(/^(\d+\.\d,\d+\.\d ){19}\d+\.\d,\d+\.\d$/);
    }
    const regressedCard = tab.locator('section.card.regression');
    expect(await regressedCard.count()).toBe(1);
    expect(await regressedCard.getAttribute('data-pair')).toBe('vm1→web-server:icmp-rtt');
    expect(await regressedCard.locator('circle.mark-regression').count()).toBe(1);
    expect(await regressedCard.locator('rect.band').count()).toBe(1);
    expect(await tab.locator('text.mark-label-regression').textContent()).toBe('regressed');
    expect(await tab.locator('tr.regression td').first().textContent()).toBe('vm1 → web-server');
    // The latest point's marker sits at the top right of its chart: above the band, i.e. worse.
    const mark = await regressedCard.locator('circle.mark-regression').boundingBox();
    const band = await regressedCard.locator('rect.band').boundingBox();
    expect(mark!.y + mark!.height / 2).toBeLessThan(band!.y);
    expect(problems).toEqual([]);
    expect(requests).toEqual([url]);
    await tab.close();
  });

  it('renders the no-regression page in dark mode without errors', async () => {
    const { tab, problems, requests, url } = await openReport(false, 'dark');
    expect(await tab.locator('.verdict.ok').textContent()).toBe('No regression');
    expect(await tab.locator('svg.trend').count()).toBe(4);
    expect(await tab.locator('circle.mark-regression').count()).toBe(0);
    const background = await tab.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(background).toBe('rgb(13, 17, 23)');
    expect(await tab.locator('li', { hasText: 'TCG (emulated)' }).count()).toBeGreaterThan(0);
    expect(problems).toEqual([]);
    expect(requests).toEqual([url]);
    await tab.close();
  });
});
