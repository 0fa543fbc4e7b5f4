import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareTable, tableSnapshot } from '../../test/helpers/table';
import { startTestApi, BOOTSTRAP, type TestApi } from '../../test/helpers/api';

/**
 * What the 一次性告知书 prints beyond the materials (K3 四公开): legal basis, procedure (steps),
 * fees and complaint phone — seeded for all 40 items, published with a version, public.
 */
let api: TestApi;
let bizAdmin: string;

beforeAll(async () => {
  await prepareTable();
  api = await startTestApi();
  bizAdmin = await api.login(BOOTSTRAP.bizAdmin());
});
afterAll(async () => api?.close());

describe('catalogue details', () => {
  it('are seeded for every one of the 40 items and returned by the public routes', async () => {
    // Act
    const list = await api.call('GET', '/public/catalog/items');
    const one = await api.call('GET', '/public/catalog/items/S14');

    // Assess
    expect(list.body.items).toHaveLength(40);
    for (const i of list.body.items) {
      expect(i.legalBasis, i.code).toMatch(/《.+》/);
      expect(i.procedure.length, i.code).toBeGreaterThanOrEqual(3);
      expect(i.fees, i.code).toBe('不收费');
      expect(i.complaintPhone, i.code).toBe('12333');
    }
    expect(one.body.legalBasis).toContain('《失业保险条例》');
    expect(one.body.procedure[1]).toContain('10 个工作日');
  });

  it('are published through POST /catalog/versions, and a bad field is named with nothing written', async () => {
    // Prepare
    const before = await tableSnapshot();

    // Act: a bad change, then a good one
    const bad = await api.call('POST', '/catalog/versions', {
      token: bizAdmin,
      body: { basedOn: 1, change: [{ code: 'C03', procedure: [], complaintPhone: '请拨打' }] },
    });
    const afterBad = await tableSnapshot();
    const good = await api.call('POST', '/catalog/versions', {
      token: bizAdmin,
      body: { basedOn: 1, note: '社保卡补换收取工本费', change: [{ code: 'C03', fees: '补换卡工本费按省定标准收取', procedure: ['受理', '制卡', '领卡'], complaintPhone: '0357-5522123' }] },
    });
    const c03 = await api.call('GET', '/public/catalog/items/C03');

    // Assess
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['body.change.0.complaintPhone', 'body.change.0.procedure']);
    expect(afterBad).toEqual(before);
    expect(good.status).toBe(201);
    expect(c03.body).toMatchObject({ version: 2, fees: '补换卡工本费按省定标准收取', procedure: ['受理', '制卡', '领卡'], complaintPhone: '0357-5522123' });
    expect(c03.body.legalBasis).toContain('第五十八条');
  });
});
