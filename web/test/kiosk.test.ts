import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { KIOSK, describeBrowser, expectAccessible, screenshot, startConsoleHarness, type ConsoleHarness } from './harness';
import { testIdNumber } from '../../test/helpers/api';
import { createKiosk, createPoint } from '../../test/helpers/fixtures';

/**
 * The kiosk on its own: a citizen applies for a self-service item, gets the result on the spot,
 * rates it low with a reason; after 60 s without a touch the kiosk is back at its start screen
 * with nothing of the citizen left.
 */
const VILLAGE = '141033100200'; // 城关村委会
let h: ConsoleHarness;
let page: Page;
let terminal: string;
const citizenId = testIdNumber('19620505');

async function kioskLogin(p: Page, idNumber: string) {
  await p.goto(`/kiosk?terminal=${terminal}`);
  await p.getByTestId('kiosk-qr').waitFor();
  await p.getByLabel('本地模拟扫码的身份证号').fill(idNumber);
  await p.getByRole('button', { name: '模拟扫码 (本地)' }).click();
  await p.getByRole('button', { name: '办理业务' }).waitFor();
}

describeBrowser('the kiosk', { timeout: 180_000 }, () => {
  beforeAll(async () => {
    h = await startConsoleHarness();
    const point = await createPoint(VILLAGE, 'in_operation');
    terminal = await createKiosk(point, 'registered');
    ({ page } = await h.newPage({ viewport: KIOSK }));
    // The page's clock is Playwright's, so the 60 s idle can be fast-forwarded.
    await page.clock.install();
  });
  afterAll(async () => h?.close());

  it('a citizen applies for a self-service item, sees it completed on the spot and rates it 2 with a reason', async () => {
    // Prepare
    await kioskLogin(page, citizenId);
    await expectAccessible(page, 'kiosk menu');
    await screenshot(page, 'kiosk-menu-1080x1920');
    // Act
    await page.getByRole('button', { name: '办理业务' }).click();
    await page.getByRole('button', { name: '求职登记' }).click();
    await page.getByTestId('kiosk-materials').waitFor();
    await page.getByRole('checkbox', { name: /居民身份证或社会保障卡/ }).check();
    await page.getByLabel('姓名').fill('刘翠花');
    await page.getByLabel('手机号').fill('13912345678');
    await expectAccessible(page, 'kiosk apply');
    await screenshot(page, 'kiosk-apply-1080x1920');
    const sent = page.waitForRequest((r) => r.method() === 'POST' && new URL(r.url()).pathname === '/cases');
    await page.getByRole('button', { name: '确认提交' }).click();
    // Assess
    expect((await sent).headers()['x-terminal-id']).toBe(terminal);
    await page.getByText('已当场办结').waitFor();
    await screenshot(page, 'kiosk-result-1080x1920');
    // Act: rating below 3 asks why
    await page.getByRole('button', { name: '评价本次服务' }).click();
    await page.getByRole('radio', { name: /2 分/ }).click();
    expect(await page.getByRole('button', { name: '提交评价' }).isDisabled()).toBe(true);
    await page.getByRole('radio', { name: '办理太慢' }).click();
    await page.getByRole('button', { name: '提交评价' }).click();
    await page.getByText('感谢您的评价').waitFor();
    // Assess: every touch target is at least 60 px high, body text at least 20 px
    const small = await page.evaluate(() =>
      [...document.querySelectorAll('button, [role=radio], input, a')].filter((e) => (e as HTMLElement).offsetParent && e.getBoundingClientRect().height < 60).map((e) => e.outerHTML.slice(0, 80)),
    );
    expect(small).toEqual([]);
    expect(await page.evaluate(() => parseFloat(getComputedStyle(document.querySelector('.kiosk')!).fontSize))).toBeGreaterThanOrEqual(20);
  });

  it('goes back to the start screen after 60 s without a touch, with the citizen signed out and nothing kept', async () => {
    // Prepare
    await page.getByRole('button', { name: '返回' }).click();
    await page.getByRole('button', { name: '我的办件' }).click();
    await page.getByTestId('my-cases').getByText('求职登记').waitFor();
    // Act
    await page.clock.fastForward(61_000);
    // Assess
    await page.getByTestId('kiosk-start').waitFor();
    await page.getByTestId('kiosk-qr').waitFor();
    expect(await page.content()).not.toContain('求职登记');
    expect(await page.evaluate(() => [sessionStorage.length, Object.keys(localStorage).filter((k) => k !== 'jjb.elderMode').length])).toEqual([0, 0]);
    await expectAccessible(page, 'kiosk start');
    await screenshot(page, 'kiosk-start-1080x1920');
  });
});
