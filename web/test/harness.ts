import { existsSync, mkdirSync, rmdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { prepareTable } from '../../test/helpers/table';
import { startTestApi, type TestApi } from '../../test/helpers/api';
import { consoleBuildIsStale, ensureConsoleBuilt } from '../../infra/local/console-static';

/**
 * Browser tests of the console: Debian's Chromium driven by playwright-core (Playwright cannot
 * download a browser here), against the local API in process on DynamoDB Local, serving the
 * built console from the same port — what `npm start` serves. One browser per test file.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
export const RESULTS_DIR = fileURLToPath(new URL('../test-results/', import.meta.url));

export const chromiumAvailable = existsSync(CHROMIUM);
if (!chromiumAvailable) {
  const how = `Chromium not found at ${CHROMIUM}: install it with \`apt-get install -y chromium poppler-utils fonts-noto-cjk\` (or set CHROMIUM_PATH). The browser tests of web/ are skipped.`;
  if (process.env.CI === 'true') throw new Error(how);
  console.warn(how);
}
/** `describe` for browser tests: skipped (loudly) when Chromium is missing, never under CI. */
export const describeBrowser = chromiumAvailable ? describe : describe.skip;

export const WINDOW_PC = { width: 1366, height: 768 };
export const KIOSK = { width: 1080, height: 1920 };

/** Builds web/dist once when stale; parallel test files wait for the one that builds. */
async function buildOnce(): Promise<void> {
  const lock = fileURLToPath(new URL('../.build-lock', import.meta.url));
  for (let i = 0; i < 600; i++) {
    if (!consoleBuildIsStale()) return;
    try {
      mkdirSync(lock);
    } catch {
      // Another file is building; a lock older than 5 minutes is from a killed run.
      if (Date.now() - statSync(lock).mtimeMs > 300_000) rmdirSync(lock);
      await new Promise((r) => setTimeout(r, 500));
      continue;
    }
    try {
      await ensureConsoleBuilt({ quiet: true });
    } finally {
      rmdirSync(lock);
    }
    return;
  }
  throw new Error('the console build did not finish');
}

export interface ConsoleHarness {
  api: TestApi;
  url: string;
  browser: Browser;
  /** A fresh context (own storage, like a separate PC) and its page. */
  newPage(opts?: { viewport?: { width: number; height: number } }): Promise<{ context: BrowserContext; page: Page }>;
  close(): Promise<void>;
}

export async function startConsoleHarness(): Promise<ConsoleHarness> {
  await prepareTable();
  await buildOnce();
  const api = await startTestApi({ serveConsole: true });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  return {
    api,
    url: api.url,
    browser,
    newPage: async (opts = {}) => {
      const context = await browser.newContext({ viewport: opts.viewport ?? WINDOW_PC, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', baseURL: api.url });
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      return { context, page };
    },
    close: async () => {
      await browser.close().catch(() => undefined);
      await api.close();
    },
  };
}

export interface AxeFigures {
  violations: number;
  serious: number;
  critical: number;
}
/** axe-core on the page as it is now: 0 serious and 0 critical violations, named in the failure. */
export async function expectAccessible(page: Page, label: string): Promise<AxeFigures> {
  // Judge the settled screen: a button mid-request (antd's loading state, dimmed) or a colour
  // still in its transition measures lighter than it is. On a busy machine that window is long.
  await page.waitForFunction(() => document.querySelectorAll('.ant-btn-loading, .ant-spin-spinning').length === 0, undefined, { timeout: 15_000 }).catch(() => undefined);
  await page.waitForTimeout(300);
  const result = await new AxeBuilder({ page }).analyze();
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const text = bad.map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`).join('\n');
  expect(text, `axe on ${label}`).toBe('');
  return { violations: result.violations.length, serious: bad.filter((v) => v.impact === 'serious').length, critical: bad.filter((v) => v.impact === 'critical').length };
}

/** A full-page screenshot under web/test-results/ (ignored by git) for a person to look at. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const path = join(RESULTS_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Turns elder mode on or off for this browser context (the switch's own localStorage key). */
export async function setElderMode(page: Page, on: boolean): Promise<void> {
  await page.evaluate((v) => localStorage.setItem('jjb.elderMode', v ? '1' : '0'), on);
}
