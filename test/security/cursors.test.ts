import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareTable } from '../helpers/table';
import { BOOTSTRAP, createStaff, startTestApi, testIdNumber, testPhone, type TestApi } from '../helpers/api';
import { createPoint } from '../helpers/fixtures';

/**
 * Pagination cursors are the server's: a forged one (a real cursor with another key shape or an
 * extra attribute), another caller's, or one issued for another query is 400 naming `cursor` —
 * never a 500 from DynamoDB, never someone else's page.
 */
const COUNTY = '141033000000';
const VILLAGE = '141033100200';
let api: TestApi;
let tok: Record<'admin' | 'admin2' | 'op' | 'citizen' | 'reviewer', string>;

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64url');
const unb64 = (s: string) => Buffer.from(s, 'base64url').toString('utf8');

/** A real cursor with an attribute added to the key it carries (whatever the wrapping). */
function tamper(cursor: string): string {
  const dot = cursor.lastIndexOf('.');
  const inner = dot > 0 ? cursor.slice(0, dot) : cursor;
  const mac = dot > 0 ? cursor.slice(dot) : '';
  const state = JSON.parse(unb64(inner)) as Record<string, unknown>;
  if (typeof state.c === 'string') {
    const key = JSON.parse(unb64(state.c)) as Record<string, unknown>;
    state.c = b64(JSON.stringify({ ...key, extra: 'x' }));
  } else {
    state.extra = 'x';
  }
  return `${b64(JSON.stringify(state))}${mac}`;
}

beforeAll(async () => {
  await prepareTable();
  api = await startTestApi();
  const point = await createPoint(VILLAGE);
  await createPoint(VILLAGE);
  const citizenId = testIdNumber('19620101');
  const login = async (roles: Parameters<typeof createStaff>[0]['roles'], region: string, pointId?: string) =>
    api.login((await createStaff({ roles, regionCode: region, ...(pointId ? { pointId } : {}) })).idNumber);
  tok = {
    admin: await api.login(BOOTSTRAP.sysAdmin()),
    admin2: await login(['sys_admin'], '140000000000'),
    op: await login(['operator'], VILLAGE, point),
    reviewer: await login(['reviewer'], COUNTY),
    citizen: await api.login(citizenId),
  };
  for (let i = 0; i < 2; i++) {
    const c = await api.call('POST', '/cases', {
      token: tok.op,
      body: { itemCode: 'S01', channel: 'window', applicant: { name: '赵桂芳', idNumber: citizenId, phone: testPhone() }, materialsNotified: ['居民身份证', '户口簿'], materialsReceived: ['居民身份证'] },
    });
    expect(c.status).toBe(201);
    const p = await api.call('POST', '/problems', { token: tok.op, body: { category: 'system', description: `系统卡顿 ${i}`, suggestion: '请核查' } });
    expect(p.status).toBe(201);
  }
});
afterAll(async () => api?.close());

const lists: [string, keyof typeof tok][] = [
  ['/cases', 'op'],
  ['/problems', 'op'],
  ['/accounts', 'admin'],
  ['/audit', 'admin'],
  ['/public/my-cases', 'citizen'],
  ['/points', 'admin'],
];

describe('pagination cursors', () => {
  it.each(lists)('%s: a real cursor pages; a tampered one is 400 naming cursor', async (path, who) => {
    // Prepare
    const first = await api.call('GET', `${path}?limit=1`, { token: tok[who] });
    expect(first.status, first.text).toBe(200);
    const cursor = first.body.nextCursor as string;
    expect(cursor, `${path} needs two items`).toBeTruthy();
    // Act
    const next = await api.call('GET', `${path}?limit=1&cursor=${encodeURIComponent(cursor)}`, { token: tok[who] });
    const forged = await api.call('GET', `${path}?limit=1&cursor=${encodeURIComponent(tamper(cursor))}`, { token: tok[who] });
    const garbage = await api.call('GET', `${path}?limit=1&cursor=${b64('{"pk":1}')}`, { token: tok[who] });
    // Assess
    expect(next.status).toBe(200);
    for (const bad of [forged, garbage]) {
      expect(bad.status, bad.text).toBe(400);
      expect(bad.body.error.details[0].field).toBe('cursor');
    }
  });

  it("another caller's cursor, or one issued for another query, is refused", async () => {
    // Prepare
    const mine = await api.call('GET', '/accounts?limit=1', { token: tok.admin });
    const cursor = encodeURIComponent(mine.body.nextCursor as string);
    // Act
    const byOther = await api.call('GET', `/accounts?limit=1&cursor=${cursor}`, { token: tok.admin2 });
    const otherQuery = await api.call('GET', `/accounts?limit=1&status=frozen&cursor=${cursor}`, { token: tok.admin });
    // Assess
    expect(byOther.status).toBe(400);
    expect(byOther.body.error.details[0].field).toBe('cursor');
    expect(otherQuery.status).toBe(400);
  });
});
