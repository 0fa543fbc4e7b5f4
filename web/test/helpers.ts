import { expect } from 'vitest';
import type { Page } from 'playwright-core';

/** Logs in through the QR login page with the local scan button, as a newcomer would. */
export async function loginByQr(page: Page, idNumber: string, path = '/'): Promise<void> {
  await page.goto(path);
  await page.getByTestId('login-qr').waitFor();
  await page.getByLabel('本地模拟扫码的身份证号').fill(idNumber);
  await page.getByRole('button', { name: '模拟扫码 (本地)' }).click();
  await page.getByTestId('account-name').waitFor();
}

export async function logout(page: Page): Promise<void> {
  await page.getByRole('button', { name: '退出登录' }).click();
  await page.getByText('已退出登录').waitFor();
}

/** Picks an item in the antd Select by typing its code (the search the clerk uses). */
export async function pickItem(page: Page, code: string): Promise<void> {
  const box = page.getByRole('combobox', { name: '办理事项' });
  await box.click();
  await box.fill(code);
  await page.locator('.ant-select-item-option', { hasText: code }).first().click();
  await expect.poll(() => page.getByTestId('item-summary').count()).toBe(1);
}

export async function fillApplicant(page: Page, a: { name: string; idNumber: string; phone: string }): Promise<void> {
  await page.getByLabel('姓名', { exact: true }).fill(a.name);
  await page.getByLabel('身份证号', { exact: true }).fill(a.idNumber);
  await page.getByLabel('手机号', { exact: true }).fill(a.phone);
}

export async function tickAllMaterials(page: Page): Promise<void> {
  await page.getByRole('button', { name: '全部已告知' }).click();
  await page.getByRole('button', { name: '全部已收取' }).click();
}
