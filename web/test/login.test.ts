import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { describeBrowser, expectAccessible, screenshot, setElderMode, startConsoleHarness, type ConsoleHarness } from './harness';
import { BOOTSTRAP } from '../../test/helpers/api';

/** The scaffold end to end: the console is served, logs in by QR with the local scan, shows the account, logs out. */
let h: ConsoleHarness;
let page: Page;

describeBrowser('QR login in the browser', { timeout: 120_000 }, () => {
  beforeAll(async () => {
    h = await startConsoleHarness();
    ({ page } = await h.newPage());
  });
  afterAll(async () => h?.close());

  it('serves the console with a CSP that allows no inline script, and keeps the API where it is', async () => {
    // Act
    const root = await fetch(`${h.url}/`);
    const kiosk = await fetch(`${h.url}/kiosk?terminal=abc`);
    const health = await fetch(`${h.url}/health`);
    const unknownAsset = await fetch(`${h.url}/assets/nothing-here.js`);
    // Assess
    expect(root.status).toBe(200);
    expect(await root.text()).toContain('<div id="root">');
    expect(root.headers.get('content-security-policy')).toMatch(/script-src 'self'(;|$)/);
    expect(root.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(kiosk.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    expect(unknownAsset.status).toBe(404);
  });

  it('logs in with the local scan button, shows account and region, keeps the token out of localStorage, logs out', async () => {
    // Prepare
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto('/');
    await page.getByTestId('login-qr').waitFor();
    await expectAccessible(page, 'login');
    await screenshot(page, 'login-1366x768');
    // Act
    await page.getByLabel('本地模拟扫码的身份证号').fill(BOOTSTRAP.sysAdmin());
    await page.getByRole('button', { name: '模拟扫码 (本地)' }).click();
    await page.getByTestId('account-name').waitFor();
    // Assess
    await expect.poll(() => page.getByTestId('account-region').textContent()).toContain('山西');
    const stored = await page.evaluate(() => ({ local: JSON.stringify(localStorage), session: Object.keys(sessionStorage) }));
    expect(stored.local).not.toMatch(/eyJ|token|session/i);
    expect(stored.session).toContain('jjb.session');
    await expectAccessible(page, 'home');
    // Act: elder mode, remembered
    await page.getByRole('switch', { name: '大字模式' }).first().click();
    await page.reload();
    await page.getByTestId('account-name').waitFor();
    expect(await page.evaluate(() => localStorage.getItem('jjb.elderMode'))).toBe('1');
    await expectAccessible(page, 'home elder');
    await setElderMode(page, false);
    // Act: logout
    await page.getByRole('button', { name: '退出登录' }).click();
    await page.getByText('已退出登录').waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('jjb.session'))).toBeNull();
    expect(errors.filter((e) => /Content Security Policy/i.test(e))).toEqual([]);
  });
});
