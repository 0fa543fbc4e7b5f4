/**
 * The console over a village link (`npm run bench`, its own process): bytes the login screen and
 * the accept screen need (JS + CSS, gzip), and the time until the login QR is shown and the accept
 * form is usable, cold and warm cache, over Chromium's network emulation (CDP: 1.6 Mbps down,
 * 750 kbps up, 150 ms RTT). Budget: ≤ 350 KB gzip for the first screen; goal ≤ 3 s cold, ≤ 1 s warm.
 * Prints `BENCH_JSON {...}` for bench/run.ts; `--table` prints tables when run alone.
 */
import { gzipSync } from 'node:zlib';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startDynamoLocal, ensureTable } from '../infra/local/dynamo';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const LINK = { offline: false, latency: 150, downloadThroughput: (1.6e6 / 8) | 0, uploadThroughput: (750e3 / 8) | 0 };
const RUNS = Number(process.env.BENCH_CONSOLE_RUNS ?? 3);
const BUDGET_KB = 350;

async function main() {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium`);
  const dynamo = await startDynamoLocal();
  process.env.JJB_LOCAL_MODE = '1';
  process.env.DYNAMODB_ENDPOINT = dynamo.endpoint;
  process.env.TABLE_NAME = `bench-console-${randomBytes(4).toString('hex')}`;
  process.env.JJB_LOCAL_KEY_DIR = mkdtempSync(join(tmpdir(), 'jjb-bench-keys-'));
  process.env.AWS_REGION ??= 'cn-north-1';
  process.env.LOG_LEVEL = 'SILENT';
  const { config } = await import('../shared/config');
  const { seedBaseline } = await import('../shared/seed/seed');
  const { startLocalApi } = await import('../infra/local/server');
  const { ensureConsoleBuilt } = await import('../infra/local/console-static');
  const { createPoint } = await import('../test/helpers/fixtures');
  const { createStaff } = await import('../test/helpers/api');
  await ensureTable(dynamo.endpoint, config().tableName);
  await seedBaseline({ sysAdminId: config().bootstrapSysAdminId, bizAdminId: config().bootstrapBizAdminId, now: new Date() });
  await ensureConsoleBuilt({ quiet: true });
  const api = await startLocalApi({ port: 0, serveConsole: true });
  const point = await createPoint('141033100201', 'in_operation');
  const operator = await createStaff({ roles: ['operator'], regionCode: '141033100201', pointId: point });
  const token = await loginToken(api.url, operator.idNumber);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });

  /** JS and CSS a cold load of `path` fetches, raw and gzip-compressed (what a CDN would send). */
  const bytes = async (path: string, signedIn: boolean) => {
    const context = await newContext(signedIn);
    const page = await context.newPage();
    const files: { url: string; raw: number; gzip: number }[] = [];
    page.on('response', async (r) => {
      const type = r.request().resourceType();
      if (type !== 'script' && type !== 'stylesheet') return;
      const body = await r.body().catch(() => Buffer.alloc(0));
      files.push({ url: new URL(r.url()).pathname, raw: body.length, gzip: gzipSync(body).length });
    });
    await page.goto(`${api.url}${path}`, { waitUntil: 'networkidle' });
    await context.close();
    return { files: files.length, rawKb: +(sum(files.map((f) => f.raw)) / 1024).toFixed(1), gzipKb: +(sum(files.map((f) => f.gzip)) / 1024).toFixed(1) };
  };

  const newContext = async (signedIn: boolean): Promise<BrowserContext> => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
    if (signedIn) await context.addInitScript(`sessionStorage.setItem('jjb.session', ${JSON.stringify(token)})`);
    return context;
  };

  /** ms from navigation start until `ready` holds, over the emulated link; cold = empty cache, warm = the same page again. */
  const timed = async (path: string, signedIn: boolean, ready: (p: Page) => Promise<unknown>) => {
    const cold: number[] = [];
    const warm: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const context = await newContext(signedIn);
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', LINK);
      for (const into of [cold, warm]) {
        const t0 = Date.now();
        await page.goto(`${api.url}${path}`, { waitUntil: 'commit' });
        await ready(page);
        into.push(Date.now() - t0);
      }
      await context.close();
    }
    return { coldMs: median(cold), warmMs: median(warm), runs: RUNS };
  };

  const loginReady = (p: Page) => p.getByTestId('login-qr').waitFor({ timeout: 60_000 });
  const acceptReady = async (p: Page) => {
    // Usable: the item picker is on screen and the catalogue behind it has arrived.
    await p.getByRole('combobox', { name: '办理事项' }).waitFor({ timeout: 60_000 });
    await p.locator('.ant-select-loading').waitFor({ state: 'detached', timeout: 60_000 });
  };

  const rows = [
    { screen: 'login (/login)', ...(await bytes('/login', false)), ...(await timed('/login', false, loginReady)) },
    { screen: 'accept (/clerk/accept)', ...(await bytes('/clerk/accept', true)), ...(await timed('/clerk/accept', true, acceptReady)) },
    { screen: 'kiosk start (/kiosk)', ...(await bytes('/kiosk?terminal=bench', false)) },
  ].map((r) => ({ ...r, budgetKb: BUDGET_KB, withinBudget: r.gzipKb <= BUDGET_KB }));
  await browser.close();
  await api.close();
  await dynamo.stop();
  if (process.argv.includes('--table')) console.table(rows);
  console.log(`BENCH_JSON ${JSON.stringify({ link: '1.6 Mbps down / 750 kbps up / 150 ms RTT (CDP)', rows })}`);
}

async function loginToken(base: string, idNumber: string): Promise<string> {
  const start = (await (await fetch(`${base}/auth/qr-sessions`, { method: 'POST' })).json()) as { sessionId: string };
  await fetch(`${base}/dev/card-scan`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sessionId: start.sessionId, idNumber }) });
  const poll = (await (await fetch(`${base}/auth/qr-sessions/${start.sessionId}`)).json()) as { token?: string };
  if (!poll.token) throw new Error('bench login failed');
  return poll.token;
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
