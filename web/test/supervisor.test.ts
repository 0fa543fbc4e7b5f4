import { afterAll, beforeAll, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describeBrowser, expectAccessible, screenshot, startConsoleHarness, RESULTS_DIR, type ConsoleHarness } from './harness';
import { createStaff } from '../../test/helpers/api';
import { Tx } from '../../shared/db/tx';
import { systemCtx } from '../../shared/http/context';
import { newId } from '../../shared/ids';
import { getItem, queryAll } from '../../shared/db/store';
import { regionChildren } from '../../shared/regions';
import { Point, pointsInBucket, type PointAttrs, type PointStage, type RegionAttrs } from '../../shared/db/entities';
import { bumpCounters } from '../../functions/cases/store';

/**
 * The supervisors' console: the dashboard shows figures equal to an independent count of the
 * seeded activity and names the laggards with why; the map lists the point without coordinates;
 * a township supervisor never sees another township, even with a hand-changed URL.
 */
const COUNTY = '141033000000';
let h: ConsoleHarness;
let townA: RegionAttrs;
let townB: RegionAttrs;
let countySupervisor: string;
let townshipSupervisor: string;
const seeded = { accepted: 0, closed: 0, onTime: 0 };
let locatedVillage: PointAttrs;
let townAPoint: PointAttrs;

async function setPoint(p: PointAttrs, change: Partial<PointAttrs>) {
  const cur = (await getItem<PointAttrs>(Point.key({ id: p.id }), true))!;
  await new Tx(systemCtx('seed', new Date())).put(Point.item({ ...cur, ...change, version: cur.version + 1 }), { overwrite: true }).log({ action: 'test.point', targetType: 'Point', targetId: p.id }).commit();
}

async function seed() {
  const towns = (await regionChildren(COUNTY)).filter((r) => r.level === 'township');
  [townA, townB] = [towns[0]!, towns[1]!];
  const pts = await queryAll<PointAttrs>(pointsInBucket(COUNTY));
  // Township A runs well: every point in operation; its village has coordinates, the township point none.
  for (const p of pts.filter((x) => x.regionPath.startsWith(townA.path))) await setPoint(p, { stage: 'in_operation' as PointStage });
  townAPoint = pts.find((p) => p.regionPath.startsWith(townA.path) && p.kind === 'township')!;
  locatedVillage = pts.find((p) => p.regionPath.startsWith(townA.path) && p.kind === 'village')!;
  await setPoint(locatedVillage, { location: { lat: 36.412, lng: 111.088 } });
  // Township B: one point in operation, with late cases.
  const bPoint = pts.find((p) => p.regionPath.startsWith(townB.path) && p.kind === 'township')!;
  await setPoint(bPoint, { stage: 'in_operation' });
  const now = new Date();
  const cases: [PointAttrs, boolean | undefined][] = [
    [townAPoint, true],
    [townAPoint, true],
    [locatedVillage, undefined],
    [bPoint, false],
    [bPoint, undefined],
  ];
  for (const [p, onTime] of cases) {
    const where = { pointId: p.id, regionPath: p.regionPath, scopeBucket: COUNTY };
    const tx = new Tx(systemCtx('seed', now));
    bumpCounters(tx, where, now, { accepted: 1, ch_window: 1, item_S01: 1, ...(onTime === undefined ? {} : { completed: 1, [onTime ? 'onTime' : 'overdue']: 1, done_S01: 1 }) });
    await tx.log({ action: 'test.case', targetType: 'Case', targetId: newId() }).commit();
    seeded.accepted += 1;
    if (onTime !== undefined) seeded.closed += 1;
    if (onTime) seeded.onTime += 1;
  }
}

async function signedIn(token: string): Promise<Page> {
  const { context, page } = await h.newPage();
  page.setDefaultTimeout(60_000); // a shared 2-core machine: charts and tables take their time
  await context.addInitScript((t) => sessionStorage.setItem('jjb.session', t), token);
  return page;
}

describeBrowser('the supervisors’ dashboard and map', () => {
  beforeAll(async () => {
    h = await startConsoleHarness();
    await seed();
    countySupervisor = await h.api.login((await createStaff({ roles: ['supervisor'], regionCode: COUNTY, name: '县督导' })).idNumber);
    townshipSupervisor = await h.api.login((await createStaff({ roles: ['supervisor'], regionCode: townA.code, name: '乡镇督导' })).idNumber);
  }, 240_000);
  afterAll(async () => h?.close());

  it('shows figures equal to an independent count, the ranking and the laggards with why; records the route’s bundle bytes', async () => {
    // Prepare
    const page = await signedIn(countySupervisor);
    const scripts: { url: string; bytes: Buffer }[] = [];
    page.on('response', async (r) => {
      if (r.url().endsWith('.js')) scripts.push({ url: r.url(), bytes: await r.body().catch(() => Buffer.alloc(0)) });
    });
    // Act
    await page.goto('/');
    await page.getByTestId('dashboard-heading').waitFor();
    // Assess: the figures are those seeded
    const stat = async (label: string) => (await page.getByTestId(`stat-${label}`).textContent())!.replace(label, '').trim();
    expect(await stat('受理办件')).toBe(String(seeded.accepted));
    expect(await stat('办结办件')).toBe(String(seeded.closed));
    expect(await stat('按时办结率')).toBe(`${((100 * seeded.onTime) / seeded.closed).toFixed(1)}%`);
    // The ranking: township A first; the laggards named with what they lag on, the last-ranked among them.
    const ranking = await page.getByTestId('ranking-table').locator('tbody tr').allTextContents();
    expect(ranking[0]).toContain(townA.name);
    const last = ranking.at(-1)!.replace(/^\d+/, '').replace(/[\d.—]+$/, '');
    const laggards = await page.getByTestId('laggard').allTextContents();
    expect(laggards.length).toBeGreaterThan(0);
    expect(laggards.some((l) => l.includes(last))).toBe(true);
    expect(laggards.join('\n')).toMatch(/建设进度滞后|无在岗操作员|按时办结率|本期无办件/);
    expect(laggards.join('\n')).not.toContain(`${townA.name}得分`);
    // Every chart also as a table
    for (const id of ['chart-milestones', 'chart-stages', 'chart-ranking', 'chart-trend', 'chart-channels', 'chart-problems']) {
      expect(await page.getByTestId(id).locator('canvas').count()).toBeGreaterThan(0);
      expect(await page.getByTestId(id).locator('table tbody tr').count()).toBeGreaterThan(0);
    }
    expect(await page.getByTestId('chart-trend').locator('tbody tr').count()).toBe(12);
    await expectAccessible(page, 'dashboard');
    await screenshot(page, 'supervisor-dashboard');
    // The route's bundle: every script loaded to show it, and the dashboard's own chunks.
    const total = scripts.reduce((a, s) => a + s.bytes.length, 0);
    const totalGzip = scripts.reduce((a, s) => a + gzipSync(s.bytes).length, 0);
    const own = scripts.filter((s) => /\/(DashboardScreen|Chart)-[^/]+\.js$/.test(s.url));
    const ownGzip = own.reduce((a, s) => a + gzipSync(s.bytes).length, 0);
    expect(own.length).toBe(2);
    mkdirSync(RESULTS_DIR, { recursive: true });
    writeFileSync(join(RESULTS_DIR, 'dashboard-bundle.json'), JSON.stringify({ scripts: scripts.length, totalBytes: total, totalGzipBytes: totalGzip, dashboardChunksGzipBytes: ownGzip, chunks: own.map((s) => s.url.split('/').pop()) }, null, 2));
    console.log(`dashboard route: ${scripts.length} scripts, ${total} bytes (${totalGzip} gzip); its own chunks (DashboardScreen + ECharts) ${ownGzip} gzip`);

    // Act: drill into a laggard township by its link
    await page.getByTestId('laggard').getByRole('button').first().click();
    await expect.poll(() => page.getByTestId('dashboard-heading').textContent()).not.toContain('蒲县');
  }, 180_000);

  it('ECharts is not loaded on other screens', async () => {
    const page = await signedIn(countySupervisor);
    const scripts: string[] = [];
    page.on('response', (r) => r.url().endsWith('.js') && scripts.push(r.url()));
    await page.goto('/supervisor/reports');
    await page.getByRole('button', { name: '立即生成' }).waitFor();
    expect(scripts.some((u) => /\/Chart-/.test(u))).toBe(false);
    await expectAccessible(page, 'reports');
    await screenshot(page, 'supervisor-reports');
  }, 120_000);

  it('the map draws the located point and lists the point without coordinates and the uncovered villages', async () => {
    const page = await signedIn(countySupervisor);
    await page.goto('/supervisor/map');
    await page.getByTestId('map').locator('canvas').first().waitFor();
    const villageTable = await page.getByTestId('map').locator('table').textContent();
    expect(villageTable).toContain(locatedVillage.name);
    await page.getByTestId('no-location').getByText(townAPoint.name).waitFor();
    expect(await page.getByTestId('uncovered').textContent()).toContain('位置未录入');
    await expectAccessible(page, 'map');
    await screenshot(page, 'supervisor-map');
  }, 120_000);

  it('a township supervisor sees their township only; a hand-changed URL is refused by the API', async () => {
    const page = await signedIn(townshipSupervisor);
    await page.goto('/supervisor/dashboard');
    await expect.poll(() => page.getByTestId('dashboard-heading').textContent()).toContain(townA.name);
    expect(await page.content()).not.toContain(townB.name);
    // Act: the URL changed by hand
    await page.goto(`/supervisor/dashboard?region=${townB.code}`);
    await page.getByTestId('dashboard-error').waitFor();
    expect(await page.getByTestId('dashboard-error').textContent()).toMatch(/未找到|不存在/);
    expect(await page.content()).not.toContain(townB.name);
    const direct = await h.api.call('GET', `/dashboard?region=${townB.code}`, { token: townshipSupervisor });
    expect(direct.status).toBe(404);
    await expectAccessible(page, 'dashboard refused');
    await screenshot(page, 'supervisor-dashboard-other-township-refused');
  }, 120_000);
});
