import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareTable, rawItems } from '../../test/helpers/table';
import { createStaff, startTestApi, testIdNumber, testPhone, type TestApi } from '../../test/helpers/api';
import { clock } from '../../shared/clock';
import { Tx } from '../../shared/db/tx';
import { systemCtx } from '../../shared/http/context';
import { Region } from '../../shared/db/entities';
import { createPoint } from '../../test/helpers/fixtures';

/**
 * What the console's window, kiosk and review screens need from cases: finding a case by its
 * number or by the applicant's ID number, the printed documents, the public status lookup
 * and the reasons of a bad rating — each in and out of scope.
 */
const COUNTY = '141033000000';
const VILLAGE = '141033100200'; // 城关村委会
const OTHER_VILLAGE = '141033100201'; // 桃湾村委会
const OTHER_COUNTY = '141024000000'; // 洪洞县 (added here)
const NOW = '2026-03-02T09:00:00+08:00'; // a Monday

type Who = 'op' | 'op2' | 'otherOp' | 'rev' | 'foreignRev' | 'supervisor' | 'admin';
let api: TestApi;
let ids: Record<Who, string>;
let tokens: Record<Who, string>;
async function loginAll(): Promise<void> {
  const out: Partial<Record<Who, string>> = {};
  for (const [k, id] of Object.entries(ids)) out[k as Who] = await api.login(id);
  tokens = out as typeof tokens;
}
const masked = (id: string) => `${id.slice(0, 4)}**********${id.slice(-4)}`;
const person = () => ({ name: '王秀珍', idNumber: testIdNumber('19580704'), phone: testPhone() });
const s01 = (applicant = person()) => ({
  itemCode: 'S01',
  channel: 'window',
  applicant,
  materialsNotified: ['居民身份证', '户口簿'],
  materialsReceived: ['居民身份证'],
});

beforeAll(async () => {
  clock.set(() => new Date(NOW));
  await prepareTable();
  await new Tx(systemCtx('test', new Date()))
    .put(Region.item({ code: OTHER_COUNTY, name: '洪洞县', level: 'county', parentCode: '141000000000', path: `140000000000/141000000000/${OTHER_COUNTY}` }))
    .log({ action: 'test.region', targetType: 'Region', targetId: OTHER_COUNTY })
    .commit();
  const village = await createPoint(VILLAGE, 'in_operation');
  const other = await createPoint(OTHER_VILLAGE, 'in_operation');
  api = await startTestApi();
  const mk = async (roles: Parameters<typeof createStaff>[0]['roles'], regionCode: string, pointId?: string) =>
    (await createStaff({ roles, regionCode, ...(pointId ? { pointId } : {}) })).idNumber;
  ids = {
    op: await mk(['operator'], VILLAGE, village),
    op2: await mk(['operator'], VILLAGE, village),
    otherOp: await mk(['operator'], OTHER_VILLAGE, other),
    rev: await mk(['reviewer'], COUNTY),
    foreignRev: await mk(['reviewer'], OTHER_COUNTY),
    supervisor: await mk(['supervisor'], COUNTY),
    admin: await mk(['sys_admin'], COUNTY),
  };
  await loginAll();
});
afterAll(async () => {
  clock.reset();
  await api?.close();
});

describe('GET /cases?number= and ?applicantIdNumber=', () => {
  it('finds a case by its whole or short number, for staff in scope only', async () => {
    // Prepare
    const accepted = await api.call('POST', '/cases', { token: tokens.op, body: s01() });
    const { number, id } = accepted.body as { number: string; id: string };
    const serial = String(Number(number.slice(-6)));
    const find = (token: string, n: string) => api.call('GET', `/cases?number=${encodeURIComponent(n)}`, { token });

    // Act
    const [whole, short, withYear, byRev, byOtherPoint, byForeign, bySupervisor] = await Promise.all([
      find(tokens.op, number),
      find(tokens.op2, serial),
      find(tokens.op, `2026-${serial}`),
      find(tokens.rev, number),
      find(tokens.otherOp, number),
      find(tokens.foreignRev, number),
      find(tokens.supervisor, number),
    ]);

    // Assess: found in scope, masked; out of scope exactly like an unknown number
    for (const r of [whole, short, withYear, byRev, bySupervisor]) {
      expect(r.status).toBe(200);
      expect(r.body.items.map((c: { id: string }) => c.id)).toEqual([id]);
      expect(r.body.items[0].applicant.idNumber).toMatch(/\*{10}/);
    }
    for (const r of [byOtherPoint, byForeign]) expect(r.body).toEqual({ items: [], nextCursor: null });
    expect((await find(tokens.op, '蒲县-2026-999999')).body.items).toEqual([]);
  });

  it('refuses admins (A3), citizens, and a malformed or mixed query naming the field', async () => {
    // Prepare
    const citizen = await api.login(testIdNumber('19700101'));

    // Act
    const [admin, byCitizen, bad, mixed, badId] = await Promise.all([
      api.call('GET', '/cases?number=123', { token: tokens.admin }),
      api.call('GET', '/cases?number=123', { token: citizen }),
      api.call('GET', '/cases?number=abc', { token: tokens.op }),
      api.call('GET', '/cases?number=123&status=accepted', { token: tokens.op }),
      api.call('GET', '/cases?applicantIdNumber=141033195807040000', { token: tokens.op }),
    ]);

    // Assess
    expect(admin.status).toBe(403);
    expect(byCitizen.status).toBe(403);
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { field: string }) => d.field)).toContain('query.number');
    expect(mixed.status).toBe(400);
    expect(mixed.body.error.details.map((d: { field: string }) => d.field)).toContain('query.status');
    expect(badId.status).toBe(400);
    expect(badId.body.error.details.map((d: { field: string }) => d.field)).toContain('query.applicantIdNumber');
  });

  it('finds an applicant’s cases by ID number within scope, masked, and logs the search', async () => {
    // Prepare: two cases at this point, one at the other point of the county
    const who = person();
    const a = await api.call('POST', '/cases', { token: tokens.op, body: s01(who) });
    const b = await api.call('POST', '/cases', { token: tokens.op2, body: s01(who) });
    const c = await api.call('POST', '/cases', { token: tokens.otherOp, body: s01(who) });
    const find = (token: string) => api.call('GET', `/cases?applicantIdNumber=${who.idNumber}`, { token });

    // Act
    const [atPoint, atCounty, foreign] = [await find(tokens.op), await find(tokens.rev), await find(tokens.foreignRev)];

    // Assess: the point sees its two, newest first; the county all three; another county none
    expect(atPoint.status).toBe(200);
    expect(atPoint.body.items.map((x: { id: string }) => x.id)).toEqual([b.body.id, a.body.id]);
    expect(atCounty.body.items.map((x: { id: string }) => x.id).sort()).toEqual([a.body.id, b.body.id, c.body.id].sort());
    expect(foreign.body.items).toEqual([]);
    for (const x of atCounty.body.items) expect(x.applicant.idNumber).toBe(masked(who.idNumber));
    expect(JSON.stringify(atCounty.body)).not.toContain(who.idNumber);
    const logs = (await rawItems()).filter((i) => i.action === 'case.searched_by_applicant');
    expect(logs).toHaveLength(3);
    expect(JSON.stringify(logs)).not.toContain(who.idNumber);
    expect(logs.find((l) => l.actorId !== undefined && (l.after as { found: string[] }).found.length === 2)).toBeDefined();
  });
});
