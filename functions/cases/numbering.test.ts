import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareTable, rawItems } from '../../test/helpers/table';
import { startTestApi, testIdNumber, testPhone, type TestApi, staffIdNumber } from '../../test/helpers/api';
import { clock } from '../../shared/clock';
import { createPoint } from '../../test/helpers/fixtures';
import { CHECK_CODE_RE } from './numbering';

/**
 * Case numbers (蒲县-2026-000123) and check codes: per county and year of acceptance in
 * Asia/Shanghai, gap-free under concurrent acceptances, the code only for the case's own people.
 */
const COUNTY = '141033000000';
const VILLAGE = '141033100200';
const OTHER_VILLAGE = '141033100201';
let api: TestApi;
type Who = 'op' | 'op2' | 'otherOp' | 'rev' | 'supervisor';
let ids: Record<Who, string>;
let tokens: Record<Who, string>;
/** Sessions end after 15 idle minutes of the test clock: log in again after moving it. */
async function loginAll(): Promise<void> {
  const out: Partial<Record<Who, string>> = {};
  for (const [k, id] of Object.entries(ids)) out[k as Who] = await api.login(id);
  tokens = out as typeof tokens;
}

const s01 = () => ({
  itemCode: 'S01',
  channel: 'window',
  applicant: { name: '李秀英', idNumber: testIdNumber('19620101'), phone: testPhone() },
  materialsNotified: ['居民身份证', '户口簿'],
  materialsReceived: ['居民身份证', '户口簿'],
});

beforeAll(async () => {
  clock.set(() => new Date('2026-12-31T10:00:00+08:00'));
  await prepareTable();
  const village = await createPoint(VILLAGE, 'in_operation');
  const other = await createPoint(OTHER_VILLAGE, 'in_operation');
  api = await startTestApi();
  ids = {
    op: await staffIdNumber(['operator'], VILLAGE, village),
    op2: await staffIdNumber(['operator'], VILLAGE, village),
    otherOp: await staffIdNumber(['operator'], OTHER_VILLAGE, other),
    rev: await staffIdNumber(['reviewer'], COUNTY),
    supervisor: await staffIdNumber(['supervisor'], COUNTY),
  };
  await loginAll();
});
afterAll(async () => {
  clock.reset();
  await api?.close();
});

describe('case numbers', () => {
  it('counts per county and year, gap-free and unique when acceptances race', async () => {
    // Prepare: two points of the county accept at the same moment
    const who = [tokens.op, tokens.op2, tokens.otherOp, tokens.op, tokens.otherOp, tokens.op2];

    // Act
    const replies = await Promise.all(who.map((token) => api.call('POST', '/cases', { token, body: s01() })));

    // Assess: 000001…000006, each once, each with its pointer item
    expect(replies.map((r) => r.status)).toEqual(who.map(() => 201));
    const numbers = replies.map((r) => r.body.number as string).sort();
    expect(numbers).toEqual([1, 2, 3, 4, 5, 6].map((n) => `蒲县-2026-${String(n).padStart(6, '0')}`));
    const pointers = (await rawItems()).filter((i) => i.entity === 'CaseNumber');
    expect(pointers.map((p) => p.number).sort()).toEqual(numbers);
    for (const r of replies) expect(pointers.find((p) => p.number === r.body.number)!.caseId).toBe(r.body.id);
    const counter = (await rawItems()).find((i) => i.entity === 'CaseNumberCounter');
    expect(counter).toMatchObject({ countyCode: COUNTY, year: '2026', n: 6 });
  });

  it('starts again at 000001 in the new year of Asia/Shanghai (00:30 on 1 January there is still 31 December in UTC)', async () => {
    // Prepare
    clock.set(() => new Date('2026-12-31T16:30:00Z'));
    await loginAll();

    // Act
    const r = await api.call('POST', '/cases', { token: tokens.op, body: s01() });

    // Assess
    expect(r.status).toBe(201);
    expect(r.body.number).toBe('蒲县-2027-000001');
  });

  it('gives a 6-character check code from the unambiguous alphabet to the case’s own people only', async () => {
    // Prepare
    const accepted = await api.call('POST', '/cases', { token: tokens.op, body: s01() });
    const id = accepted.body.id;
    await api.call('POST', `/cases/${id}/submit`, { token: tokens.op });

    // Act
    const read = (token: string) => api.call('GET', `/cases/${id}`, { token });
    const [byOp2, byRev, bySupervisor, byOtherOp] = await Promise.all([read(tokens.op2), read(tokens.rev), read(tokens.supervisor), read(tokens.otherOp)]);

    // Assess
    expect(accepted.body.checkCode).toMatch(CHECK_CODE_RE);
    expect(byOp2.body.checkCode).toBe(accepted.body.checkCode);
    expect(byRev.body.checkCode).toBe(accepted.body.checkCode);
    expect(bySupervisor.status).toBe(200);
    expect(bySupervisor.body.number).toBe(accepted.body.number);
    expect(bySupervisor.body.checkCode).toBeUndefined();
    expect(byOtherOp.status).toBe(404);
  });
});
