import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { prepareTable } from '../helpers/table';
import { createStaff, startTestApi, testIdNumber, testPhone, BOOTSTRAP, type TestApi } from '../helpers/api';
import { createPoint } from '../helpers/fixtures';
import { compileRoutes } from '../../infra/local/server';
import { columnsOf, headerOf, listItemSchema, exportList, XLSX_TYPE } from '../../shared/http/export';

/**
 * XLSX export of the list routes: the rows the filter selects, of the caller's scope only, with
 * Chinese headers and masked personal data; one mechanism for every list route.
 */
const VILLAGE = '141033100200'; // 城关村委会, 蒲城镇
const OTHER_TOWNSHIP_VILLAGE_PREFIX = '141033101'; // 薛关镇
let api: TestApi;
let op: string;
let countyAdmin: string;
let townshipSupervisor: string;
const people: { name: string; idNumber: string; phone: string }[] = [];

async function sheetOf(res: { status: number; headers: Headers }, body: ArrayBuffer) {
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe(XLSX_TYPE);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(body);
  const ws = wb.worksheets[0]!;
  const header = (ws.getRow(1).values as unknown[]).slice(1).map(String);
  const rows: Record<string, unknown>[] = [];
  ws.eachRow((row, n) => {
    if (n === 1) return;
    const vals = (row.values as unknown[]).slice(1);
    rows.push(Object.fromEntries(header.map((h, i) => [h, vals[i]])));
  });
  const allText = JSON.stringify(wb.worksheets.map((w) => w.getSheetValues()));
  return { ws, header, rows, allText };
}

async function xlsx(path: string, token: string) {
  const res = await fetch(`${api.url}${path}`, { headers: { authorization: `Bearer ${token}`, accept: XLSX_TYPE } });
  if (res.status !== 200) return { res, status: res.status, sheet: undefined, text: await res.text() };
  return { res, status: res.status, sheet: await sheetOf(res, await res.arrayBuffer()), text: '' };
}

beforeAll(async () => {
  await prepareTable();
  api = await startTestApi();
  const village = await createPoint(VILLAGE, 'in_operation');
  op = await api.login((await createStaff({ roles: ['operator'], regionCode: VILLAGE, pointId: village, name: '村操作员' })).idNumber);
  countyAdmin = await api.login((await createStaff({ roles: ['sys_admin'], regionCode: '141033000000', name: '县系统管理员' })).idNumber);
  townshipSupervisor = await api.login((await createStaff({ roles: ['supervisor'], regionCode: '141033101000', name: '薛关镇督导' })).idNumber);
  for (let i = 0; i < 3; i++) {
    const person = { name: `王秀英${i}`, idNumber: testIdNumber('19580101'), phone: testPhone() };
    people.push(person);
    const made = await api.call('POST', '/cases', {
      token: op,
      body: { itemCode: 'S01', channel: 'window', applicant: person, materialsNotified: ['居民身份证', '户口簿'], materialsReceived: ['居民身份证'] },
    });
    expect(made.status).toBe(201);
  }
}, 120_000);
afterAll(async () => api?.close());

describe('XLSX export of the list routes', () => {
  it('every staff list route declares the export, and every column has a Chinese header', () => {
    const lists = compileRoutes().filter((r) => r.spec.auth !== 'public' && listItemSchema(r.spec));
    const paths = lists.map((r) => r.spec.path);
    for (const p of ['/cases', '/points', '/problems', '/accounts', '/audit']) expect(paths).toContain(p);
    for (const r of lists) {
      for (const c of columnsOf(listItemSchema(r.spec)!)) expect(headerOf(c, r.spec.path), `${r.spec.path} ${c}`).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it('/cases: the operator’s cases with masked ID and phone, never the clear ones', async () => {
    const got = await xlsx('/cases', op);
    const { header, rows, allText } = got.sheet!;
    expect(header).toContain('申请人姓名');
    expect(header).toContain('申请人身份证号');
    expect(rows).toHaveLength(3);
    for (const p of people) {
      expect(allText).not.toContain(p.idNumber);
      expect(allText).not.toContain(p.phone);
      const row = rows.find((r) => r['申请人姓名'] === p.name)!;
      expect(row['申请人身份证号']).toBe(`${p.idNumber.slice(0, 4)}**********${p.idNumber.slice(-4)}`);
      expect(row['状态']).toBe('已受理');
    }
  });

  it('/points follows the filter (stage) and the caller’s scope (a township supervisor: that township only)', async () => {
    const all = await xlsx('/points?region=141033000000', countyAdmin);
    expect(all.sheet!.rows.length).toBeGreaterThan(80);
    const operating = await xlsx('/points?stage=in_operation', countyAdmin);
    expect(operating.sheet!.rows.map((r) => r['阶段'])).toEqual(['正式运行']);
    const town = await xlsx('/points', townshipSupervisor);
    expect(town.sheet!.rows.length).toBeGreaterThan(0);
    for (const r of town.sheet!.rows) expect(String(r['区划代码'])).toMatch(new RegExp(`^${OTHER_TOWNSHIP_VILLAGE_PREFIX}`));
    const outOfScope = await xlsx('/points?region=141033100000', townshipSupervisor);
    expect(outOfScope.status).toBe(404);
  });

  it('/accounts and /audit: masked, Chinese headers; a refused caller gets the same refusal as JSON', async () => {
    const province = await api.login(BOOTSTRAP.sysAdmin());
    const accounts = await xlsx('/accounts?region=141033000000', countyAdmin);
    expect(accounts.sheet!.header).toEqual(expect.arrayContaining(['姓名', '身份证号', '电话', '角色', '状态']));
    expect(accounts.sheet!.allText).not.toMatch(/\d{17}[\dX]/);
    const audit = await xlsx('/audit', countyAdmin);
    expect(audit.sheet!.header).toEqual(expect.arrayContaining(['时间', '操作', '对象类型', '变更后']));
    expect(audit.sheet!.rows.length).toBeGreaterThan(0);
    for (const p of people) expect(audit.sheet!.allText).not.toContain(p.idNumber);
    expect((await xlsx('/audit', op)).status).toBe(403);
    expect((await xlsx('/accounts', province)).status).toBe(200);
    const problems = await xlsx('/problems', op);
    expect(problems.status).toBe(200);
    expect(problems.sheet!.header).toContain('问题描述');
  });

  it('stops at the row limit and says so', async () => {
    // Prepare: a list of 450 rows served in pages of at most 200
    const spec = compileRoutes().find((r) => r.spec.method === 'GET' && r.spec.path === '/points')!.spec;
    const all = Array.from({ length: 450 }, (_, i) => ({ id: `P${i}`, name: `点${i}`, stage: 'planned' }));
    const pages: number[] = [];
    const page = async (cursor: string | undefined, limit: number) => {
      pages.push(limit);
      const from = Number(cursor ?? 0);
      const items = all.slice(from, from + limit);
      return { items, nextCursor: from + limit < all.length ? String(from + limit) : null };
    };
    // Act
    const cut = await exportList(spec, page, new Date(), 300);
    const whole = await exportList(spec, page, new Date(), 1000);
    // Assess
    expect(cut).toMatchObject({ rows: 300, truncated: true });
    expect(whole).toMatchObject({ rows: 450, truncated: false });
    expect(Math.max(...pages)).toBeLessThanOrEqual(200);
  });
});
