import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's chromium (the project never downloads a browser). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Headless chromium with no background traffic (this machine has no route out). */
export function launchHeadlessChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

export interface WatchedPage {
  tab: Page;
  /** Console errors and warnings, and uncaught page errors. */
  problems: string[];
  /** Every URL the page requested (a self-contained report requests only itself). */
  requests: string[];
}

/** Opens a page and records what a report must not produce: console errors, page errors, requests. */
export async function openWatchedPage(browser: Browser, url: string, colorScheme: 'light' | 'dark'): Promise<WatchedPage> {
  const tab = await browser.newPage({ colorScheme, viewport: { width: 1300, height: 900 } });
  const problems: string[] = [];
  const requests: string[] = [];
  tab.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`${message.type()}: ${message.text()}`);
  });
  tab.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  tab.on('request', (request) => requests.push(request.url()));
  await tab.goto(url, { waitUntil: 'load' });
  return { tab, problems, requests };
}
