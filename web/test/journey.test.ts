import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { KIOSK, WINDOW_PC, describeBrowser, expectAccessible, screenshot, setElderMode, startConsoleHarness, type ConsoleHarness } from './harness';
import { fillApplicant, loginByQr, pickItem, tickAllMaterials } from './helpers';
import { printedText } from './pdf';
import { createStaff, testIdNumber, testPhone } from '../../test/helpers/api';
import { createKiosk, createPoint } from '../../test/helpers/fixtures';

/**
 * The journey of issue 13 in a real browser against the local API on DynamoDB Local: a clerk
 * accepts by QR login and prints, the county reviewer returns, the clerk supplements and prints
 * the 补正通知书, the reviewer approves, the clerk completes, the citizen rates it on the kiosk.
 * Each screen is checked with axe in normal and elder mode and photographed at its size.
 */
const VILLAGE = '141033100201'; // 桃湾村委会
const OTHER_VILLAGE = '141033100203'; // 曹家庄村委会
const COUNTY = '141033000000';
const ITEM = 'S01'; // 城乡居民基本养老保险参保登记: county review, 居民身份证;户口簿
const MATERIALS = ['居民身份证', '户口簿'];

let h: ConsoleHarness;
let clerk: Page;
let reviewer: Page;
let kiosk: string;
let operatorId: string;
let reviewerId: string;
let foreignOperatorId: string;
let caseId: string;
const applicant = { name: '王秀英', idNumber: testIdNumber('19560312'), phone: testPhone() };
const maskedId = `${applicant.idNumber.slice(0, 4)}**********${applicant.idNumber.slice(-4)}`;

/** axe in both modes, and a screenshot of each, for the screen the page is on now. */
async function checkScreen(page: Page, name: string, size: 'pc' | 'kiosk' = 'pc') {
  const label = size === 'pc' ? '1366x768' : '1080x1920';
  await expectAccessible(page, name);
  await screenshot(page, `${name}-${label}`);
  if (size === 'kiosk') return; // the kiosk is always large: it has no elder switch
  await setElderMode(page, true);
  await page.reload();
  await page.locator('main').first().waitFor();
  await page.waitForLoadState('networkidle');
  await expectAccessible(page, `${name} (elder mode)`);
  await screenshot(page, `${name}-elder-${label}`);
  await setElderMode(page, false);
  await page.reload();
  await page.waitForLoadState('networkidle');
}

describeBrowser('the console journey: accept → print → return → supplement → approve → complete → kiosk rating', { timeout: 180_000 }, () => {
  beforeAll(async () => {
    h = await startConsoleHarness();
    const point = await createPoint(VILLAGE, 'in_operation');
    const other = await createPoint(OTHER_VILLAGE, 'in_operation');
    kiosk = await createKiosk(point, 'registered');
    operatorId = (await createStaff({ roles: ['operator'], regionCode: VILLAGE, pointId: point, name: '张桂兰' })).idNumber;
    reviewerId = (await createStaff({ roles: ['reviewer'], regionCode: COUNTY, name: '李建国' })).idNumber;
    foreignOperatorId = (await createStaff({ roles: ['operator'], regionCode: OTHER_VILLAGE, pointId: other, name: '赵四' })).idNumber;
    ({ page: clerk } = await h.newPage({ viewport: WINDOW_PC }));
    ({ page: reviewer } = await h.newPage({ viewport: WINDOW_PC }));
  });
  afterAll(async () => h?.close());

  it('the clerk logs in by QR and sees the to-do and the login screen passes axe', async () => {
    await clerk.goto('/');
    await clerk.getByTestId('login-qr').waitFor();
    await checkScreen(clerk, 'login');
    await loginByQr(clerk, operatorId);
    await expect.poll(() => clerk.url()).toMatch(/\/clerk$/);
    await clerk.waitForLoadState('networkidle');
    await checkScreen(clerk, 'clerk-todo');
  });

  it('accepts a case with every material: live ID check, one case for a double click', async () => {
    // Prepare
    await clerk.goto('/clerk/accept');
    await pickItem(clerk, ITEM);
    const wrongCheck = applicant.idNumber.slice(0, 17) + (applicant.idNumber[17] === '1' ? '2' : '1');
    await fillApplicant(clerk, { ...applicant, idNumber: wrongCheck });
    await clerk.getByText(/校验位不对：最后一位应为/).waitFor();
    await clerk.getByLabel('身份证号', { exact: true }).fill(applicant.idNumber);
    await tickAllMaterials(clerk);
    await checkScreen(clerk, 'clerk-accept');
    // checkScreen reloads: the form is filled again, as a clerk would after a reload
    await pickItem(clerk, ITEM);
    await fillApplicant(clerk, applicant);
    await tickAllMaterials(clerk);
    // Act
    await clerk.getByRole('button', { name: '确认受理' }).dblclick();
    await clerk.waitForURL(/\/clerk\/cases\/[0-9A-Z]{26}/);
    caseId = clerk.url().match(/cases\/([0-9A-Z]{26})/)![1]!;
    // Assess
    const token = await clerk.evaluate(() => sessionStorage.getItem('jjb.session'));
    const found = await h.api.call('GET', `/cases?applicantIdNumber=${applicant.idNumber}`, { token: token! });
    expect(found.body.items).toHaveLength(1);
    await clerk.getByTestId('case-summary').waitFor();
    expect(await clerk.getByTestId('case-status').textContent()).toBe('已受理');
    await expect.poll(() => clerk.getByTestId('days-left').textContent()).toMatch(/还剩 \d+ 个工作日/);
    await checkScreen(clerk, 'clerk-case');
  });

  it('prints the 受理回执 and the 一次性告知书: every material and the masked ID on paper, the full ID nowhere', async () => {
    for (const kind of ['receipt', 'notification'] as const) {
      // Act
      await clerk.goto(`/print/${kind}/${caseId}`);
      await clerk.getByTestId('print-page').waitFor();
      await clerk.getByTestId('check-code').waitFor();
      await clerk.locator('img[alt="办件进度查询二维码"]').waitFor();
      const text = await printedText(clerk);
      // Assess
      for (const m of MATERIALS) expect(text, `${kind}: ${m}`).toContain(m);
      expect(text).toContain(maskedId);
      expect(text).not.toContain(applicant.idNumber);
      expect(text).toContain(applicant.name);
      if (kind === 'notification') expect(text).toMatch(/监督投诉电话/);
      await checkScreen(clerk, `print-${kind}`);
    }
  });

  it('submits to the county; the reviewer sees it in the queue and returns it asking for the 户口簿', async () => {
    // Prepare
    await clerk.goto(`/clerk/cases/${caseId}`);
    await clerk.getByRole('button', { name: '报送县级审核' }).click();
    await expect.poll(() => clerk.getByTestId('case-status').textContent()).toBe('已报送待审');
    await loginByQr(reviewer, reviewerId);
    await expect.poll(() => reviewer.url()).toMatch(/\/review$/);
    await reviewer.getByTestId('queue').getByRole('link').first().waitFor();
    await checkScreen(reviewer, 'review-queue');
    // Act
    await reviewer.getByTestId('queue').getByRole('link', { name: /蒲县-/ }).first().click();
    await reviewer.getByTestId('clear-view-notice').waitFor();
    expect(await reviewer.getByTestId('applicant-id').textContent()).toBe(applicant.idNumber);
    await checkScreen(reviewer, 'review-case');
    await reviewer.locator('label.ant-radio-button-wrapper', { hasText: '退回补正' }).click();
    await reviewer.getByRole('checkbox', { name: '户口簿' }).check();
    await reviewer.getByLabel('理由').fill('户口簿未提供，请补交');
    await reviewer.getByRole('button', { name: '提交审核意见' }).click();
    // Assess
    await reviewer.waitForURL(/\/review$/);
    const token = await reviewer.evaluate(() => sessionStorage.getItem('jjb.session'));
    expect((await h.api.call('GET', `/cases/${caseId}`, { token: token! })).body.status).toBe('returned');
  });

  it('the clerk prints the 补正材料通知书 with exactly what was asked, supplements, the reviewer approves, the clerk completes', async () => {
    // Act: the notice
    await clerk.goto(`/print/supplement-notice/${caseId}`);
    await clerk.getByTestId('supplement-materials').waitFor();
    const text = await printedText(clerk);
    expect(text).toContain('户口簿');
    expect(text).toContain('李建国');
    expect(await clerk.getByTestId('supplement-materials').locator('li').allTextContents()).toEqual(['户口簿']);
    expect(text).not.toContain(applicant.idNumber);
    await checkScreen(clerk, 'print-supplement-notice');
    // Act: supplement
    await clerk.goto(`/clerk/cases/${caseId}`);
    await expect.poll(() => clerk.getByTestId('case-status').textContent()).toBe('退回补正');
    await clerk.getByRole('button', { name: '补正后重新报送' }).click();
    await clerk.getByRole('dialog').getByRole('checkbox', { name: '户口簿' }).check();
    await clerk.getByRole('button', { name: '确认补正并重新报送' }).click();
    await expect.poll(() => clerk.getByTestId('case-status').textContent()).toBe('已报送待审');
    // Act: approve
    await reviewer.goto(`/review/cases/${caseId}`);
    await reviewer.getByRole('button', { name: '提交审核意见' }).click();
    await reviewer.waitForURL(/\/review$/);
    // Act: complete
    await clerk.reload();
    await expect.poll(() => clerk.getByTestId('case-status').textContent()).toBe('审核通过');
    await clerk.getByRole('button', { name: '办结' }).click();
    await clerk.getByRole('button', { name: '确认办结' }).click();
    // Assess
    await expect.poll(() => clerk.getByTestId('case-status').textContent()).toBe('已办结');
  });

  it('the citizen logs in on the kiosk, sees the case and rates it', async () => {
    // Prepare
    const { page } = await h.newPage({ viewport: KIOSK });
    await page.goto(`/kiosk?terminal=${kiosk}`);
    await page.getByTestId('kiosk-qr').waitFor();
    await checkScreen(page, 'kiosk-start', 'kiosk');
    // Act
    await page.getByLabel('本地模拟扫码的身份证号').fill(applicant.idNumber);
    await page.getByRole('button', { name: '模拟扫码 (本地)' }).click();
    await page.getByRole('button', { name: '我的办件' }).click();
    await page.getByTestId('my-cases').getByText('城乡居民基本养老保险参保登记').waitFor();
    await checkScreen(page, 'kiosk-my-cases', 'kiosk');
    await page.getByRole('button', { name: '评价' }).click();
    await page.getByRole('radio', { name: /5 分/ }).click();
    await checkScreen(page, 'kiosk-rate', 'kiosk');
    await page.getByRole('button', { name: '提交评价' }).click();
    // Assess
    await page.getByText('感谢您的评价').waitFor();
    const token = await clerk.evaluate(() => sessionStorage.getItem('jjb.session'));
    expect((await h.api.call('GET', `/cases/${caseId}`, { token: token! })).body.rating).toMatchObject({ score: 5 });
    await page.context().close();
  });

  it('an operator of another point who types the case URL gets the 404 screen, nothing of the case', async () => {
    // Prepare
    const { page } = await h.newPage({ viewport: WINDOW_PC });
    await loginByQr(page, foreignOperatorId);
    // Act
    await page.goto(`/clerk/cases/${caseId}`);
    // Assess
    await page.getByText('未找到').waitFor();
    expect(await page.content()).not.toContain(applicant.name);
    await checkScreen(page, 'not-found');
    await page.goto(`/print/receipt/${caseId}`);
    await page.getByText('未找到').waitFor();
    expect(await page.content()).not.toContain(applicant.name);
    await page.context().close();
  });
});
