import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { describeBrowser, expectAccessible, screenshot, setElderMode, startConsoleHarness, type ConsoleHarness } from './harness';
import { createStaff } from '../../test/helpers/api';
import { createPoint } from '../../test/helpers/fixtures';

/**
 * 培训与宣传 in the browser for a county business admin: the seven tasks and a hand record, a
 * training session and its attendance, a publicity activity; axe on each tab, in elder mode too.
 */
const COUNTY = '141033000000';
const VILLAGE = '141033100201'; // 桃湾村委会
let h: ConsoleHarness;
let page: Page;

/** The open dialog, else the open tab's panel (antd keeps visited panels in the DOM, aria-hidden). */
const panel = async (p: Page) => ((await p.getByRole('dialog').count()) > 0 ? p.getByRole('dialog') : p.getByRole('tabpanel'));
async function pick(p: Page, label: string, option: string) {
  await (await panel(p)).getByRole('combobox', { name: label }).click();
  await p.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: option }).first().click();
}
async function typeDate(p: Page, label: string, date: string) {
  const input = (await panel(p)).getByLabel(label, { exact: true });
  await input.click();
  await input.fill(date);
  await input.press('Enter');
}

describeBrowser('培训与宣传 (county admin)', () => {
  beforeAll(async () => {
    h = await startConsoleHarness();
    const pointId = await createPoint(VILLAGE, 'trial_run');
    await createStaff({ roles: ['operator'], regionCode: VILLAGE, pointId, name: '桃湾操作员' });
    const admin = await createStaff({ roles: ['biz_admin'], regionCode: COUNTY, name: '县业务管理员' });
    ({ page } = await h.newPage());
    await page.goto('/');
    await page.getByLabel('本地模拟扫码的身份证号').fill(admin.idNumber);
    await page.getByRole('button', { name: '模拟扫码 (本地)' }).click();
    await page.getByTestId('account-name').waitFor();
  }, 300_000);
  afterAll(async () => h?.close());

  it('shows the seven tasks and records the mobilisation meeting', async () => {
    // Prepare
    await page.getByRole('menuitem', { name: '培训与宣传' }).click();
    await page.getByText('七项工作任务').waitFor();
    await page.getByRole('cell', { name: '制定实施方案，召开工作动员大会' }).waitFor();
    // Assess: seven rows, nothing recorded yet
    await expect.poll(() => page.getByRole('tabpanel').locator('table').first().locator('tbody tr').count(), { timeout: 15_000 }).toBe(7);
    await expectAccessible(page, 'training tasks');
    // Act
    await pick(page, '事项', '召开工作动员大会');
    await typeDate(page, '日期', '2024-03-20');
    await page.getByRole('button', { name: '登记事项' }).click();
    // Assess
    await page.getByText(/已登记：召开“社区村村全覆盖”工作动员大会（2024年3月20日，县业务管理员）/).waitFor();
    await screenshot(page, 'training-tasks-1366x768');
  }, 120_000);

  it('records a session and its attendance', async () => {
    await page.getByRole('tab', { name: '培训' }).click();
    await (await panel(page)).getByLabel('培训主题').fill('基层服务点业务培训');
    await typeDate(page, '培训日期', '2024-07-10');
    await (await panel(page)).getByLabel('培训地点').fill('县人社局会议室');
    await (await panel(page)).getByLabel('授课人或单位').fill('县人社局业务股');
    await page.getByRole('button', { name: '登记培训' }).click();
    await page.getByRole('cell', { name: '基层服务点业务培训', exact: true }).waitFor();
    await expectAccessible(page, 'training sessions');
    // Act: attendance
    await page.getByRole('button', { name: '登记参训：基层服务点业务培训' }).click();
    await pick(page, '人员（每次最多 40 人）', '桃湾操作员');
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').getByRole('button', { name: '保存参训情况' }).click();
    // Assess
    await page.getByRole('dialog').getByRole('cell', { name: '桃湾操作员' }).waitFor();
    await expectAccessible(page, 'attendance dialog');
    await page.getByRole('dialog').getByRole('button', { name: /Close|关闭/ }).click();
    await expect.poll(() => page.getByRole('cell', { name: '1/0' }).count(), { timeout: 15_000 }).toBe(1);
  }, 120_000);

  it('records a publicity activity of a point, in elder mode too', async () => {
    await page.getByRole('tab', { name: '宣传' }).click();
    await pick(page, '服务点', '桃湾村委会服务点');
    await typeDate(page, '日期', '2024-09-06');
    await (await panel(page)).getByLabel('份数').fill('200');
    await (await panel(page)).getByLabel('活动名称').fill('就近办海报张贴');
    await page.getByRole('button', { name: '登记宣传活动' }).click();
    await page.getByRole('cell', { name: '就近办海报张贴', exact: true }).waitFor();
    await expectAccessible(page, 'publicity');
    // Elder mode
    await setElderMode(page, true);
    await page.reload();
    await page.getByText('七项工作任务').waitFor();
    await expectAccessible(page, 'training tasks elder');
    await screenshot(page, 'training-tasks-elder');
    await setElderMode(page, false);
  }, 120_000);
});
