import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareTable } from '../../test/helpers/table';
import { createStaff, startTestApi, type TestApi } from '../../test/helpers/api';
import { createPoint } from '../../test/helpers/fixtures';
import { dateShanghai } from '../../shared/clock';

/** Concurrent spends on one balance: each reply shows the balance that spend left. */
const COUNTY = '141033000000';
let api: TestApi;
let admin: string;
let point: string;

beforeAll(async () => {
  await prepareTable();
  api = await startTestApi();
  point = await createPoint('141033100200');
  admin = await api.login((await createStaff({ roles: ['sys_admin'], regionCode: COUNTY })).idNumber);
  const alloc = await api.call('POST', '/funds/allocations', { token: admin, body: { regionCode: COUNTY, year: new Date().getFullYear() } });
  expect(alloc.status).toBe(201);
});
afterAll(async () => api?.close());

describe('concurrent spends', () => {
  it('six spends at once: the ledger and every reply agree, no two replies show the same balance', async () => {
    // Prepare
    const today = dateShanghai(new Date());
    const spend = (n: number) =>
      api.call('POST', '/funds/expenditures', { token: admin, body: { pointId: point, category: 'network', amountFen: 1000, date: today, voucherNumber: `RACE-${n}` } });
    // Act
    const replies = await Promise.all([1, 2, 3, 4, 5, 6].map(spend));
    // Assess
    expect(replies.map((r) => r.status)).toEqual([201, 201, 201, 201, 201, 201]);
    const balances = replies.map((r) => r.body.balanceFen as number).sort((a, b) => b - a);
    expect(balances).toEqual([149000, 148000, 147000, 146000, 145000, 144000]);
  });
});
