import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { describeBrowser, expectAccessible, screenshot, startConsoleHarness, type ConsoleHarness } from './harness';
import { fillApplicant, loginByQr, pickItem, tickAllMaterials } from './helpers';
import { createStaff, testIdNumber, testPhone } from '../../test/helpers/api';
import { createPoint } from '../../test/helpers/fixtures';

/**
 * What happens when things go wrong: the link drops after the server accepted the case (the
 * retry carries the same Idempotency-Key, so still one case); the API names a bad field and the
 * message sits next to it; two reviewers decide at once (the second is told 已被他人处理).
 */
const VILLAGE = '141033100201';
const COUNTY = '141033000000';
let h: ConsoleHarness;
let clerk: Page;
let clerkToken: string;
let operatorId: string;

describeBrowser('resilience of the clerk and reviewer screens', { timeout: 180_000 }, () => {
  beforeAll(async () => {
    h = await startConsoleHarness();
    const point = await createPoint(VILLAGE, 'in_operation');
    operatorId = (await createStaff({ roles: ['operator'], regionCode: VILLAGE, pointId: point })).idNumber;
    ({ page: clerk } = await h.newPage());
    await loginByQr(clerk, operatorId);
    clerkToken = (await clerk.evaluate(() => sessionStorage.getItem('jjb.session')))!;
  });
  afterAll(async () => h?.close());

  it('the link drops after the server created the case: a banner, and the retry returns the same case', async () => {
    // Prepare
    const applicant = { name: '孙玉兰', idNumber: testIdNumber('19580808'), phone: testPhone() };
    await clerk.goto('/clerk/accept');
    await pickItem(clerk, 'S01');
    await fillApplicant(clerk, applicant);
    await tickAllMaterials(clerk);
    const keys: string[] = [];
    let dropped = false;
    await clerk.route('**/cases', async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      keys.push(route.request().headers()['idempotency-key'] ?? '');
      if (dropped) return route.continue();
      dropped = true;
      await route.fetch(); // the server does the work …
      await route.abort('internetdisconnected'); // … and the answer never arrives
    });
    // Act
    await clerk.getByRole('button', { name: '确认受理' }).click();
    await clerk.getByTestId('retry-banner').waitFor();
    await clerk.getByTestId('network-banner').waitFor();
    await screenshot(clerk, 'clerk-accept-network-lost-1366x768');
    await clerk.getByRole('button', { name: '重试提交' }).click();
    await clerk.waitForURL(/\/clerk\/cases\/[0-9A-Z]{26}/);
    await clerk.unroute('**/cases');
    // Assess
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^web-/);
    expect(keys[1]).toBe(keys[0]);
    const found = await h.api.call('GET', `/cases?applicantIdNumber=${applicant.idNumber}`, { token: clerkToken });
    expect(found.body.items).toHaveLength(1);
    expect(await clerk.getByTestId('network-banner').count()).toBe(0);
  });

  it('shows the API\'s field error next to the field it names', async () => {
    // Prepare: an applicant phone the server refuses (the form's own check is bypassed on the wire)
    await clerk.goto('/clerk/accept');
    await pickItem(clerk, 'S01');
    await fillApplicant(clerk, { name: '周', idNumber: testIdNumber('19700101'), phone: testPhone() });
    await tickAllMaterials(clerk);
    await clerk.route('**/cases', async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      const body = JSON.parse(route.request().postData() ?? '{}');
      body.applicant.phone = '12';
      await route.continue({ postData: JSON.stringify(body) });
    });
    // Act
    await clerk.getByRole('button', { name: '确认受理' }).click();
    // Assess
    const phoneItem = clerk.locator('.ant-form-item', { has: clerk.getByLabel('手机号', { exact: true }) });
    await phoneItem.locator('.ant-form-item-explain-error').waitFor();
    expect(await phoneItem.locator('.ant-form-item-explain-error').textContent()).toMatch(/[\u4e00-\u9fa5]/);
    await clerk.unroute('**/cases');
    await expectAccessible(clerk, 'accept with a field error');
  });

  it('two reviewers decide the same case: the second sees 已被他人处理 and the fresh state', async () => {
    // Prepare
    const first = await createStaff({ roles: ['reviewer'], regionCode: COUNTY });
    const second = await createStaff({ roles: ['reviewer'], regionCode: COUNTY });
    const accepted = await h.api.call('POST', '/cases', {
      token: clerkToken,
      body: { itemCode: 'S01', channel: 'window', applicant: { name: '钱多', idNumber: testIdNumber('19660101'), phone: testPhone() }, materialsNotified: ['居民身份证', '户口簿'], materialsReceived: ['居民身份证', '户口簿'] },
    });
    await h.api.call('POST', `/cases/${accepted.body.id}/submit`, { token: clerkToken });
    const { page: late } = await h.newPage();
    await loginByQr(late, second.idNumber);
    await late.goto(`/review/cases/${accepted.body.id}`);
    await late.getByRole('button', { name: '提交审核意见' }).waitFor();
    const firstToken = await h.api.login(first.idNumber);
    const current = await h.api.call('GET', `/cases/${accepted.body.id}`, { token: firstToken });
    const approved = await h.api.call('POST', `/cases/${accepted.body.id}/review`, { token: firstToken, body: { decision: 'approve', reason: '同意', version: current.body.version } });
    expect(approved.status).toBe(200);
    // Act
    await late.locator('label.ant-radio-button-wrapper', { hasText: '驳回' }).click();
    await late.getByLabel('理由').fill('材料不符');
    await late.getByRole('button', { name: '提交审核意见' }).click();
    await late.getByRole('button', { name: '确认驳回' }).click();
    // Assess
    await late.getByText(/这件办件已被他人处理/).waitFor();
    await late.locator('.ant-modal-confirm-title', { hasText: '已被他人处理' }).waitFor();
    await expect.poll(() => late.getByTestId('case-status').textContent()).toBe('审核通过');
    const after = await h.api.call('GET', `/cases/${accepted.body.id}`, { token: firstToken });
    expect(after.body.decision).toMatchObject({ decision: 'approve' });
    await late.context().close();
  });
});
