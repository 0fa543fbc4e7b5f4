import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { describeBrowser, expectAccessible, screenshot, startConsoleHarness, type ConsoleHarness } from './harness';
import { createStaff, testIdNumber, testPhone } from '../../test/helpers/api';
import { queryAll } from '../../shared/db/store';
import { regionChildren } from '../../shared/regions';
import { pointsInBucket, type PointAttrs } from '../../shared/db/entities';

/**
 * The admins' console: a county business admin and system admin take an operator's request form
 * from filed to fulfilled, each seeing only their own next step; a county admin walks a village
 * point from planned to in operation through the board, and the milestone counts move.
 */
const COUNTY = '141033000000';
let h: ConsoleHarness;
let operator: string;
let bizAdmin: string;
let sysAdmin: string;
let village: PointAttrs;

async function signedIn(token: string): Promise<Page> {
  const { context, page } = await h.newPage();
  page.setDefaultTimeout(60_000);
  await context.addInitScript((t) => sessionStorage.setItem('jjb.session', t), token);
  return page;
}
const rowOf = (page: Page, name: string) => page.getByTestId(`request-${name}`);
/** Clicks a dialog's confirm button until the dialog is gone (a click during its opening animation can be lost on a loaded machine). */
async function confirmDialog(page: Page, name: string) {
  for (let i = 0; i < 3; i++) {
    const button = page.getByRole('button', { name });
    if ((await button.count()) === 0) return;
    await button.click().catch(() => undefined);
    if (await button.waitFor({ state: 'detached', timeout: 15_000 }).then(() => true, () => false)) return;
  }
}

describeBrowser('the admins’ console', () => {
  beforeAll(async () => {
    h = await startConsoleHarness();
    const towns = (await regionChildren(COUNTY)).filter((r) => r.level === 'township');
    const pts = await queryAll<PointAttrs>(pointsInBucket(COUNTY));
    village = pts.find((p) => p.kind === 'village' && p.regionPath.startsWith(towns[2]!.path))!;
    operator = await h.api.login((await createStaff({ roles: ['operator'], regionCode: village.regionCode, pointId: village.id, name: '村操作员' })).idNumber);
    bizAdmin = await h.api.login((await createStaff({ roles: ['biz_admin'], regionCode: COUNTY, name: '县业务管理员' })).idNumber);
    sysAdmin = await h.api.login((await createStaff({ roles: ['sys_admin'], regionCode: COUNTY, name: '县系统管理员' })).idNumber);
  }, 240_000);
  afterAll(async () => h?.close());

  it('a request form goes from filed to fulfilled; each admin sees only their own next step', async () => {
    // Prepare: the village files a form for a second operator
    const person = { name: '赵新兰', idNumber: testIdNumber('19850505'), phone: testPhone() };
    const filed = await h.api.call('POST', '/account-requests', { token: operator, body: { kind: 'create', person, regionCode: village.regionCode, pointId: village.id, roles: ['operator'] } });
    expect(filed.status).toBe(201);
    const biz = await signedIn(bizAdmin);
    const sys = await signedIn(sysAdmin);

    // Act: the business admin decides
    await biz.goto('/admin/requests');
    await rowOf(biz, person.name).waitFor();
    expect(await rowOf(biz, person.name).textContent()).toContain('待审批');
    expect(await rowOf(biz, person.name).textContent()).not.toContain(person.idNumber);
    await expectAccessible(biz, 'requests filed (biz)');
    await screenshot(biz, 'admin-requests-filed');
    await rowOf(biz, person.name).getByRole('button', { name: /^审\s?批$/ }).click();
    await biz.getByLabel('理由').fill('岗位需要，同意');
    await confirmDialog(biz, '提交审批');
    await biz.getByRole('tab', { name: '已批准' }).click();
    await rowOf(biz, person.name).waitFor();
    // Assess: the business admin has no "create account" step
    expect(await rowOf(biz, person.name).getByRole('button', { name: '开通账号' }).count()).toBe(0);
    expect(await rowOf(biz, person.name).textContent()).toContain('待系统管理员开通账号');

    // Act: the system admin opens the account, and never sees "link roles"
    await sys.goto('/admin/requests');
    await sys.getByRole('tab', { name: '已批准' }).click();
    await rowOf(sys, person.name).getByRole('button', { name: '开通账号' }).click();
    await confirmDialog(sys, '确认开通');
    await expect.poll(async () => `${await rowOf(sys, person.name).textContent()} ${await sys.locator('.ant-message').textContent().catch(() => '')}`).toContain('待业务管理员关联角色');
    expect(await rowOf(sys, person.name).getByRole('button', { name: '关联角色' }).count()).toBe(0);
    await expectAccessible(sys, 'requests approved (sys)');
    await screenshot(sys, 'admin-requests-created-sys');

    // Act: the business admin links the roles
    await biz.reload();
    await biz.getByRole('tab', { name: '已批准' }).click();
    await rowOf(biz, person.name).getByRole('button', { name: '关联角色' }).click();
    await confirmDialog(biz, '确认关联');
    await biz.getByRole('tab', { name: '已办结' }).click();
    await rowOf(biz, person.name).waitFor();
    expect(await rowOf(biz, person.name).textContent()).toContain('已办结');
    const req = await h.api.call('GET', `/account-requests/${filed.body.id}`, { token: bizAdmin });
    expect(req.body.status).toBe('fulfilled');
    await expectAccessible(biz, 'requests fulfilled (biz)');

    // The printable form: masked, never the full ID number
    await biz.goto(`/print/account-request/${filed.body.id}`);
    await biz.getByTestId('request-form').waitFor();
    const text = (await biz.getByTestId('request-form').textContent())!;
    expect(text).toContain(person.name);
    expect(text).toContain(`${person.idNumber.slice(0, 4)}**********${person.idNumber.slice(-4)}`);
    expect(text).not.toContain(person.idNumber);
    await expectAccessible(biz, 'request form print');
    await screenshot(biz, 'admin-request-print');

    // The accounts screen and the op log show the new account and its steps
    await sys.goto('/admin/accounts');
    await sys.getByText(person.name).first().waitFor();
    await expectAccessible(sys, 'accounts');
    await screenshot(sys, 'admin-accounts');
    await sys.getByRole('tab', { name: '月度账号核查' }).click();
    await sys.getByText('长期未登录（闲置）').first().waitFor();
    await expectAccessible(sys, 'account audit');
    await screenshot(sys, 'admin-account-audit');
    await sys.goto('/admin/audit');
    await sys.getByText('account.created').first().waitFor();
    await expectAccessible(sys, 'op log');
    await screenshot(sys, 'admin-audit-log');
  }, 240_000);

  it('a village point walks from planned to in operation through the board; the milestone counts move', async () => {
    const page = await signedIn(sysAdmin);
    await page.goto('/admin/points');
    const done = async (key: string) => (await page.getByTestId(`milestone-${key}`).getByTestId('milestone-done').textContent())!.trim();
    await page.getByTestId('milestone-set_up').waitFor();
    const before = { set_up: await done('set_up'), accepted: await done('accepted'), kiosks_all: await done('kiosks_all') };
    await expectAccessible(page, 'point board');
    await screenshot(page, 'admin-point-board');
    // Act: open the village's card in the 规划 column
    await page.getByTestId('column-planned').getByRole('link', { name: village.name }).click();
    await page.getByTestId('point-details').waitFor();
    await page.getByLabel('纬度').fill('36.43');
    await page.getByLabel('经度').fill('111.1');
    await page.getByLabel('联系电话').fill('0357-5522123');
    await page.getByRole('button', { name: '保存坐标和电话' }).click();
    await expect.poll(() => page.getByTestId('point-details').textContent()).toContain('0357-5522123');
    const step = async (stage: string) => {
      await page.getByRole('button', { name: `推进到「${stage}」` }).click();
      // The stage, or the refusal the screen showed (so a failure says why).
      await expect.poll(async () => ((await page.getByTestId('point-stage').textContent()) === stage ? stage : await page.locator('.ant-message-notice').last().textContent())).toBe(stage);
    };
    await step('设立');
    await page.getByRole('button', { name: /保存协议/ }).click();
    await page.getByTestId('agreement').getByText('签订日期').waitFor();
    await step('签订协议');
    await step('账号配置');
    await step('试运行');
    for (const item of ['有标识', '有窗口', '有设备', '有人员', '有网络', '有系统', '能办事']) await page.getByLabel(item).check();
    await page.getByLabel('检查人').fill('王检查');
    await page.getByRole('button', { name: '提交验收检查' }).click();
    await page.getByTestId('inspections').getByText('通过').first().waitFor();
    await page.getByLabel('序列号').fill('SN-PU-0001');
    await page.getByRole('button', { name: '登记到货' }).click();
    for (const next of ['分发', '登记', '安装', '调试']) {
      await page.getByTestId('devices').getByRole('button', { name: new RegExp(`${next[0]}\\s?${next[1]}$`) }).click({ timeout: 60_000 }).catch(async (e) => {
        await screenshot(page, 'debug-devices');
        throw new Error(`${String(e)}; screen says: ${await page.locator('.ant-message').textContent().catch(() => '')} ${await page.getByTestId('devices').textContent()}`);
      });
      await expect.poll(async () => ((await page.getByTestId('device-stage').textContent()) === next ? next : await page.locator('.ant-message-notice').last().textContent())).toBe(next);
    }
    await expectAccessible(page, 'point page');
    await screenshot(page, 'admin-point-page');
    await step('验收');
    await step('正式运行');
    // Assess: the board has it in operation and the milestone counts moved by one
    await page.goto('/admin/points');
    await page.getByTestId('column-in_operation').getByRole('link', { name: village.name }).waitFor();
    const plusOne = (s: string) => s.replace(/^(\d+)/, (n) => String(Number(n) + 1));
    await expect.poll(() => done('set_up')).toBe(plusOne(before.set_up));
    expect(await done('accepted')).toBe(plusOne(before.accepted));
    expect(await done('kiosks_all')).toBe(plusOne(before.kiosks_all));
  }, 300_000);
});
