import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareTable, rawItems, tableSnapshot } from '../../test/helpers/table';
import { createStaff, startTestApi, testIdNumber, testPhone, BOOTSTRAP, type TestApi, staffIdNumber } from '../../test/helpers/api';
import { clock } from '../../shared/clock';
import { Tx } from '../../shared/db/tx';
import { systemCtx } from '../../shared/http/context';
import { getItem } from '../../shared/db/store';
import { CaseCounter, CaseWeekCounter, Region } from '../../shared/db/entities';
import { newId } from '../../shared/ids';
import { createKiosk, createPoint } from '../../test/helpers/fixtures';
import { opLogByTarget, casePartition } from '../../shared/db/entities';

/**
 * Cases through the local HTTP API: accept → submit → return → supplement → approve → complete
 * → the citizen's lookup and rating, with due dates on the official calendar.
 */
const COUNTY = '141033000000';
const VILLAGE = '141033100200'; // 城关村委会, 蒲城镇
const TOWNSHIP = '141033101000'; // 薛关镇
const OTHER_COUNTY = '141024000000'; // 洪洞县 (added by this test)
const S01_MATERIALS = ['居民身份证', '户口簿'];

let api: TestApi;
const at = (iso: string) => clock.set(() => new Date(iso));

const applicant = () => ({ name: '张桂兰', idNumber: testIdNumber('19600315'), phone: testPhone() });
const s01 = (person = applicant(), extra: Record<string, unknown> = {}) => ({
  itemCode: 'S01',
  channel: 'window',
  applicant: person,
  materialsNotified: S01_MATERIALS,
  materialsReceived: ['居民身份证'],
  ...extra,
});

let village: string;
let staff: Record<'op' | 'op2' | 'rev' | 'rev2' | 'admin' | 'adminOp' | 'dual' | 'foreignRev' | 'supervisor', string>;
let tokens: Record<keyof typeof staff, string>;

async function loginAll(): Promise<void> {
  const out: Partial<Record<keyof typeof staff, string>> = {};
  for (const [k, id] of Object.entries(staff)) out[k as keyof typeof staff] = await api.login(id);
  tokens = out as typeof tokens;
}

beforeAll(async () => {
  await prepareTable();
  await new Tx(systemCtx('test', new Date()))
    .put(Region.item({ code: OTHER_COUNTY, name: '洪洞县', level: 'county', parentCode: '141000000000', path: `140000000000/141000000000/${OTHER_COUNTY}` }))
    .log({ action: 'test.region', targetType: 'Region', targetId: OTHER_COUNTY })
    .commit();
  village = await createPoint(VILLAGE, 'in_operation');
  const township = await createPoint(TOWNSHIP, 'trial_run');
  staff = {
    op: await staffIdNumber(['operator'], VILLAGE, village),
    op2: await staffIdNumber(['operator'], VILLAGE, village),
    rev: await staffIdNumber(['reviewer'], COUNTY),
    rev2: await staffIdNumber(['reviewer'], COUNTY),
    admin: await staffIdNumber(['biz_admin'], COUNTY),
    adminOp: await staffIdNumber(['sys_admin', 'operator'], VILLAGE, village),
    // A county account that both handles (at a township point) and reviews: it must never review its own case.
    dual: await staffIdNumber(['operator', 'reviewer'], COUNTY, township),
    foreignRev: await staffIdNumber(['reviewer'], OTHER_COUNTY),
    supervisor: await staffIdNumber(['supervisor'], COUNTY),
  };
  api = await startTestApi();
});
afterAll(async () => {
  clock.reset();
  await api?.close();
});

describe('a pension enrolment (S01) from acceptance to rating, across the National Day holiday', () => {
  it('pauses the clock for the supplement and moves the due date by the paused working days', async () => {
    // Prepare: Monday 2025-09-29 at the village window
    at('2025-09-29T09:00:00+08:00');
    await loginAll();
    const person = applicant();

    // Act: accept and submit
    const accepted = await api.call('POST', '/cases', { token: tokens.op, body: s01(person) });
    const id = accepted.body.id;
    const submitted = await api.call('POST', `/cases/${id}/submit`, { token: tokens.op });

    // Assess: 5 working days: 09-30, (10-01..08 off), 10-09, 10-10, Sat 10-11 调休, Mon 10-13
    expect(accepted.status).toBe(201);
    expect(accepted.body).toMatchObject({ status: 'accepted', dueDate: '2025-10-13', calendarProvisional: false, overdue: false, channel: 'window' });
    expect(accepted.body.applicant.idNumber).toBe(`${person.idNumber.slice(0, 4)}**********${person.idNumber.slice(-4)}`);
    expect(submitted.status).toBe(200);
    expect(submitted.body.status).toBe('submitted');

    // Act: the county's review queue, ordered by due date, masked; the case itself shows the
    // applicant in clear to the reviewer working on it, and that view is in the operation log
    const queue = await api.call('GET', '/cases?status=submitted', { token: tokens.rev });
    expect(queue.status).toBe(200);
    const mine = queue.body.items.find((c: { id: string }) => c.id === id);
    expect(mine.applicant.idNumber).toBe(`${person.idNumber.slice(0, 4)}**********${person.idNumber.slice(-4)}`);
    const detail = await api.call('GET', `/cases/${id}`, { token: tokens.rev });
    expect(detail.body.applicant.idNumber).toBe(person.idNumber);
    const viewed = (await rawItems()).filter((i) => i.pk === opLogByTarget('Case', id).pk && i.action === 'case.pii_viewed');
    expect(viewed).toHaveLength(1);
    const dues = queue.body.items.map((c: { dueDate: string }) => c.dueDate);
    expect(dues).toEqual([...dues].sort());

    // Act: Tuesday 09-30 the reviewer returns it for the household register
    at('2025-09-30T10:00:00+08:00');
    await loginAll();
    const returned = await api.call('POST', `/cases/${id}/review`, {
      token: tokens.rev,
      body: { decision: 'return', reason: '户口簿未提供', version: submitted.body.version, missingMaterials: ['户口簿'] },
    });
    expect(returned.status).toBe(200);
    expect(returned.body).toMatchObject({ status: 'returned', paused: true, overdue: false, violations: [] });

    // Act: after the holiday (Friday 10-10) the operator supplements
    at('2025-10-10T15:00:00+08:00');
    await loginAll();
    const supplemented = await api.call('POST', `/cases/${id}/supplement`, { token: tokens.op, body: { materialsReceived: ['户口簿'] } });
    // Assess: paused working days in (09-30, 10-10] = 10-09, 10-10 → 2; due 10-13 + 2 = 10-15
    expect(supplemented.status).toBe(200);
    expect(supplemented.body).toMatchObject({ status: 'submitted', pausedWorkingDays: 2, dueDate: '2025-10-15' });

    // Act: approve and complete
    const approved = await api.call('POST', `/cases/${id}/review`, { token: tokens.rev, body: { decision: 'approve', version: supplemented.body.version } });
    const completed = await api.call('POST', `/cases/${id}/complete`, { token: tokens.op, body: { result: '参保登记已完成', delivery: 'on_the_spot' } });
    expect(approved.body.status).toBe('approved');
    expect(completed.status).toBe(200);
    expect(completed.body).toMatchObject({ status: 'completed', onTime: true, overdue: false, result: { delivery: 'on_the_spot' } });

    // Act: the citizen logs in with the e-SSC QR, sees the case and rates it
    const citizen = await api.login(person.idNumber);
    const mineList = await api.call('GET', '/public/my-cases', { token: citizen });
    const rated = await api.call('POST', `/cases/${id}/rating`, { token: citizen, body: { score: 5, comment: '办得快' } });
    const again = await api.call('POST', `/cases/${id}/rating`, { token: citizen, body: { score: 1, reason: 'slow' } });
    expect(mineList.status).toBe(200);
    expect(mineList.body.items.map((c: { id: string }) => c.id)).toEqual([id]);
    expect(mineList.body.items[0].applicant.idNumber).toBe(person.idNumber);
    expect(rated.status).toBe(201);
    expect(rated.body.rating.score).toBe(5);
    expect(again.status).toBe(409);

    // Assess: every step is traced (who, role, point, when, what)
    const full = await api.call('GET', `/cases/${id}`, { token: tokens.op });
    expect(full.body.steps.map((s: { action: string }) => s.action)).toEqual([
      'accept', 'submit', 'review.return', 'supplement', 'review.approve', 'complete', 'rate',
    ]);
    for (const s of full.body.steps) {
      expect(s.actorId).toBeTruthy();
      expect(s.role).toBeTruthy();
      expect(s.pointId).toBe(village);
      expect(s.at).toMatch(/\+08:00$/);
    }
    expect(full.body.applicant.idNumber).toContain('*'); // the operator sees it masked

    // Assess: the supervision counters of the point, per month, in the same transactions
    const sep = await getItem<Record<string, number>>(CaseCounter.key({ pointId: village, month: '2025-09' }), true);
    const oct = await getItem<Record<string, number>>(CaseCounter.key({ pointId: village, month: '2025-10' }), true);
    expect(sep).toMatchObject({ accepted: 1, ch_window: 1, item_S01: 1, submitted: 1, returned: 1 });
    expect(oct).toMatchObject({ supplemented: 1, approved: 1, completed: 1, onTime: 1, done_S01: 1, ratingSum: 5, ratingCount: 1 });
    expect(oct?.overdue).toBeUndefined();
    // …and per ISO week (Asia/Shanghai): 2025-W40 is Mon 09-29 to Sun 10-05, 2025-W41 holds 10-10.
    const w40 = await getItem<Record<string, unknown>>(CaseWeekCounter.key({ pointId: village, week: '2025-W40' }), true);
    const w41 = await getItem<Record<string, unknown>>(CaseWeekCounter.key({ pointId: village, week: '2025-W41' }), true);
    expect(w40).toMatchObject({ entity: 'CaseWeekCounter', week: '2025-W40', pointId: village, accepted: 1, ch_window: 1, item_S01: 1, submitted: 1, returned: 1 });
    expect(w41).toMatchObject({ supplemented: 1, approved: 1, completed: 1, onTime: 1, done_S01: 1, ratingSum: 5, ratingCount: 1 });
    expect(w41?.accepted).toBeUndefined();
  });
});

describe('acceptance rules', () => {
  it('refuses a short notification list naming the missing materials, a wrong channel, and writes nothing', async () => {
    at('2025-11-03T09:00:00+08:00');
    await loginAll();
    const before = await tableSnapshot();
    const short = await api.call('POST', '/cases', { token: tokens.op, body: s01(applicant(), { materialsNotified: ['居民身份证'] }) });
    const channel = await api.call('POST', '/cases', { token: tokens.op, body: { ...s01(), itemCode: 'E04', channel: 'assisted', materialsNotified: ['居民身份证', '劳动合同或用工证明'], materialsReceived: [] } });
    const both = await api.call('POST', '/cases', { token: tokens.op, body: { ...s01(), itemCode: 'E04', channel: 'self_service', materialsNotified: [], materialsReceived: [] } });
    expect(short.status).toBe(400);
    expect(short.body.error.code).toBe('MATERIALS_NOT_NOTIFIED');
    expect(short.body.error.details).toEqual([{ field: 'body.materialsNotified', message: expect.stringContaining('户口簿') }]);
    expect(channel.status).toBe(400);
    expect(channel.body.error.details.map((d: { field: string }) => d.field)).toContain('body.channel');
    expect(both.status).toBe(400);
    expect(both.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['body.channel', 'body.materialsNotified']);
    expect(await tableSnapshot()).toEqual(before);
  });

  it('refuses a point that is not in operation with 409', async () => {
    const planned = await createPoint('141033100201', 'planned');
    const { idNumber } = await createStaff({ roles: ['operator'], regionCode: '141033100201', pointId: planned });
    const token = await api.login(idNumber);
    const before = await tableSnapshot();
    const res = await api.call('POST', '/cases', { token, body: s01() });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('POINT_NOT_IN_OPERATION');
    expect(await tableSnapshot()).toEqual(before);
  });

  it('returns one case for a retried accept with the same Idempotency-Key', async () => {
    const body = s01();
    const headers = { 'idempotency-key': `accept-${newId()}` };
    const first = await api.call('POST', '/cases', { token: tokens.op, body, headers });
    const second = await api.call('POST', '/cases', { token: tokens.op, body, headers });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body.id).toBe(first.body.id);
    const cases = (await rawItems()).filter((i) => i.entity === 'Case' && (i.applicant as { name: string }).name === body.applicant.name);
    const byIndex = cases.filter((i) => i.id === first.body.id);
    expect(byIndex).toHaveLength(1);
    const steps = (await rawItems()).filter((i) => i.pk === casePartition(first.body.id).pk && i.entity === 'CaseStep');
    expect(steps).toHaveLength(1);
  });

  it('self-service needs a registered kiosk of the point and records the terminal on every step', async () => {
    const kiosk = await createKiosk(village, 'registered');
    const boxed = await createKiosk(village, 'delivered');
    const noTerminal = await api.call('POST', '/cases', { token: tokens.op, body: s01(applicant(), { channel: 'self_service' }) });
    const unregistered = await api.call('POST', '/cases', { token: tokens.op, body: s01(applicant(), { channel: 'self_service' }), headers: { 'x-terminal-id': boxed } });
    const ok = await api.call('POST', '/cases', { token: tokens.op, body: s01(applicant(), { channel: 'self_service' }), headers: { 'x-terminal-id': kiosk } });
    const sub = await api.call('POST', `/cases/${ok.body.id}/submit`, { token: tokens.op, headers: { 'x-terminal-id': kiosk } });
    expect(noTerminal.status).toBe(400);
    expect(noTerminal.body.error.details[0].field).toBe('header.x-terminal-id');
    expect(unregistered.status).toBe(403);
    expect(ok.status).toBe(201);
    expect(sub.status).toBe(200);
    const full = await api.call('GET', `/cases/${ok.body.id}`, { token: tokens.op });
    expect(full.body.terminalId).toBe(kiosk);
    expect(full.body.steps.map((s: { terminalId: string }) => s.terminalId)).toEqual([kiosk, kiosk]);
    const logs = (await rawItems()).filter((i) => i.entity === 'OpLog' && i.targetId === ok.body.id);
    expect(logs.map((l) => l.terminalId)).toEqual([kiosk, kiosk]);
  });
});

describe('who may do what', () => {
  let caseId: string;
  let version: number;
  beforeAll(async () => {
    at('2025-11-04T09:00:00+08:00');
    await loginAll();
    const a = await api.call('POST', '/cases', { token: tokens.op, body: s01() });
    const s = await api.call('POST', `/cases/${a.body.id}/submit`, { token: tokens.op });
    caseId = a.body.id;
    version = s.body.version;
  });

  it('refuses admins (A3), the acceptor, other operators, and hides the case from another county (404); nothing is written', async () => {
    const before = await tableSnapshot();
    const review = { decision: 'approve', version };
    const adminAccept = await api.call('POST', '/cases', { token: tokens.adminOp, body: s01() });
    const bizAdminAccept = await api.call('POST', '/cases', { token: tokens.admin, body: s01() });
    const adminReview = await api.call('POST', `/cases/${caseId}/review`, { token: tokens.admin, body: review });
    const operatorReview = await api.call('POST', `/cases/${caseId}/review`, { token: tokens.op, body: review });
    const foreign = await api.call('POST', `/cases/${caseId}/review`, { token: tokens.foreignRev, body: review });
    const foreignRead = await api.call('GET', `/cases/${caseId}`, { token: tokens.foreignRev });
    const notOwner = await api.call('POST', `/cases/${caseId}/complete`, { token: tokens.op2, body: { result: 'x', delivery: 'phone' } });
    const supervisorReview = await api.call('POST', `/cases/${caseId}/review`, { token: tokens.supervisor, body: review });
    expect(adminAccept.status).toBe(403);
    expect(adminAccept.body.error.code).toBe('SEPARATION_OF_DUTIES');
    expect(bizAdminAccept.status).toBe(403);
    expect(adminReview.status).toBe(403);
    expect(operatorReview.status).toBe(403);
    expect(foreign.status).toBe(404);
    expect(foreignRead.status).toBe(404);
    expect(notOwner.status).toBe(403);
    expect(notOwner.body.error.code).toBe('NOT_CASE_OWNER');
    expect(supervisorReview.status).toBe(403);
    expect(await tableSnapshot()).toEqual(before);
  });

  it('never lets the acceptor review their own case, even holding the reviewer role', async () => {
    const a = await api.call('POST', '/cases', { token: tokens.dual, body: s01() });
    const s = await api.call('POST', `/cases/${a.body.id}/submit`, { token: tokens.dual });
    expect(s.status).toBe(200);
    const before = await tableSnapshot();
    const own = await api.call('POST', `/cases/${a.body.id}/review`, { token: tokens.dual, body: { decision: 'approve', version: s.body.version } });
    expect(own.status).toBe(403);
    expect(own.body.error.code).toBe('SEPARATION_OF_DUTIES');
    expect(await tableSnapshot()).toEqual(before);
  });

  it('lets exactly one of two reviewers deciding at once win; the other gets 409', async () => {
    const [r1, r2] = await Promise.all([
      api.call('POST', `/cases/${caseId}/review`, { token: tokens.rev, body: { decision: 'approve', version } }),
      api.call('POST', `/cases/${caseId}/review`, { token: tokens.rev2, body: { decision: 'reject', reason: '不符合条件', version } }),
    ]);
    expect([r1.status, r2.status].sort()).toEqual([200, 409]);
    const full = await api.call('GET', `/cases/${caseId}`, { token: tokens.rev });
    expect(full.body.steps.filter((s: { action: string }) => s.action.startsWith('review.'))).toHaveLength(1);
    expect(full.body.version).toBe(version + 1);
  });

  it('hides a case from another citizen (404) and lets them rate nothing', async () => {
    const stranger = await api.login(testIdNumber('19700101'));
    const before = await tableSnapshot();
    const read = await api.call('GET', `/cases/${caseId}`, { token: stranger });
    const rate = await api.call('POST', `/cases/${caseId}/rating`, { token: stranger, body: { score: 1, reason: 'slow' } });
    const mine = await api.call('GET', '/public/my-cases', { token: stranger });
    expect(read.status).toBe(404);
    expect(rate.status).toBe(404);
    expect(mine.body.items).toEqual([]);
    expect(await tableSnapshot()).toEqual(before);
  });
});

describe('one-time notification, warnings, overdue lists', () => {
  it('records and counts a violation when a return asks for a material that was not notified', async () => {
    at('2025-11-05T09:00:00+08:00');
    await loginAll();
    const a = await api.call('POST', '/cases', { token: tokens.op, body: s01() });
    const s = await api.call('POST', `/cases/${a.body.id}/submit`, { token: tokens.op });
    const r = await api.call('POST', `/cases/${a.body.id}/review`, {
      token: tokens.rev,
      body: { decision: 'return', reason: '另需结婚证', version: s.body.version, missingMaterials: ['户口簿', '结婚证'] },
    });
    expect(r.status).toBe(200);
    expect(r.body.violations).toEqual([expect.objectContaining({ kind: 'material_not_notified', materials: ['结婚证'] })]);
    const nov = await getItem<Record<string, number>>(CaseCounter.key({ pointId: village, month: '2025-11' }), true);
    expect(nov?.violations).toBe(1);
  });

  it('warns one working day before the due date and lists overdue cases per county and point', async () => {
    at('2025-09-29T11:00:00+08:00');
    await loginAll();
    const a = await api.call('POST', '/cases', { token: tokens.op, body: s01() }); // due 2025-10-13
    await api.call('POST', `/cases/${a.body.id}/submit`, { token: tokens.op });
    at('2025-10-11T09:00:00+08:00'); // the 调休 Saturday, one working day before the due date
    await loginAll();
    const warned = await api.call('GET', `/cases/${a.body.id}`, { token: tokens.op });
    expect(warned.body).toMatchObject({ warning: true, overdue: false });
    at('2025-10-14T09:00:00+08:00');
    await loginAll();
    const late = await api.call('GET', `/cases/${a.body.id}`, { token: tokens.op });
    const county = await api.call('GET', '/cases?overdue=true', { token: tokens.rev });
    const point = await api.call('GET', `/cases?overdue=true&point=${village}`, { token: tokens.supervisor });
    const own = await api.call('GET', '/cases?overdue=true', { token: tokens.op });
    expect(late.body).toMatchObject({ warning: false, overdue: true });
    for (const list of [county, point, own]) {
      expect(list.status).toBe(200);
      expect(list.body.items.map((c: { id: string }) => c.id)).toContain(a.body.id);
      expect(list.body.items.every((c: { overdue: boolean }) => c.overdue)).toBe(true);
    }
  });

  it('pages lists with limit and cursor', async () => {
    const first = await api.call('GET', '/cases?limit=2', { token: tokens.rev });
    const second = await api.call('GET', `/cases?limit=2&cursor=${first.body.nextCursor}`, { token: tokens.rev });
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).toBeTruthy();
    const ids = [...first.body.items, ...second.body.items].map((c: { id: string }) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect((await api.call('GET', '/cases?cursor=nonsense', { token: tokens.rev })).status).toBe(400);
  });
});

describe('a due date in a year the calendar does not know yet', () => {
  it('is provisional until the province loads 2027, then recomputed', async () => {
    // Prepare: fresh accounts (the others have been idle for over a year of test time)
    at('2026-12-28T09:00:00+08:00');
    const point = await createPoint('141033100203', 'in_operation');
    const op = await api.login((await createStaff({ roles: ['operator'], regionCode: '141033100203', pointId: point })).idNumber);
    const bizAdmin = await api.login(BOOTSTRAP.bizAdmin());
    const a = await api.call('POST', '/cases', { token: op, body: s01() });
    expect(a.body).toMatchObject({ dueDate: '2027-01-04', calendarProvisional: true });
    expect((await api.call('GET', '/public/calendar/2027')).body).toMatchObject({ source: 'provisional', provisional: true });

    // Act: an operator may not load the calendar; the province business admin does
    const before = await tableSnapshot();
    const denied = await api.call('POST', '/calendar/years', { token: op, body: { year: 2027, holidays: ['2027-01-01'], workdays: [], source: 'x' } });
    expect(denied.status).toBe(403);
    expect(await tableSnapshot()).toEqual(before);
    const bad = await api.call('POST', '/calendar/years', { token: bizAdmin, body: { year: 2027, holidays: ['2026-12-31'], workdays: ['2027-01-06'], source: '通知' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['body.holidays.0', 'body.workdays.0']);
    const loaded = await api.call('POST', '/calendar/years', {
      token: bizAdmin,
      body: { year: 2027, holidays: ['2027-01-01', '2027-01-02', '2027-01-03'], workdays: [], source: '国务院办公厅关于2027年部分节假日安排的通知（测试）' },
    });
    const reload = await api.call('POST', '/calendar/years', { token: bizAdmin, body: { year: 2027, holidays: ['2027-01-01'], workdays: [], source: 'x' } });

    // Assess
    expect(loaded.status).toBe(201);
    expect(loaded.body).toMatchObject({ source: 'loaded', version: 1, recomputedCases: 1 });
    expect(reload.status).toBe(409);
    const after = await api.call('GET', `/cases/${a.body.id}`, { token: op });
    expect(after.body).toMatchObject({ dueDate: '2027-01-05', calendarProvisional: false });
    expect(after.body.steps.map((s: { action: string }) => s.action)).toEqual(['accept', 'due_recomputed']);
    const raw = await rawItems();
    expect(raw.filter((i) => String(i.pk).startsWith('CAL_PROVISIONAL#'))).toEqual([]);
    expect(raw.some((i) => i.entity === 'OpLog' && i.action === 'calendar.year_loaded')).toBe(true);
    expect((await api.call('GET', '/public/calendar/2027')).body).toMatchObject({ source: 'loaded', holidays: ['2027-01-01', '2027-01-02', '2027-01-03'] });
  });
});

describe('personal data at rest', () => {
  it('keeps no plaintext ID number or phone of applicants or proxies in cases, steps or the log', async () => {
    at('2025-12-01T09:00:00+08:00');
    await loginAll();
    const person = applicant();
    const proxy = { name: '李建国', idNumber: testIdNumber('19850607'), phone: testPhone(), relation: '儿子' };
    const a = await api.call('POST', '/cases', { token: tokens.op, body: s01(person, { channel: 'home_visit', proxy }) });
    expect(a.status).toBe(201);
    expect(a.body.proxy).toMatchObject({ name: '李建国', relation: '儿子' });
    expect(a.body.proxy.idNumber).toContain('*');
    await api.call('POST', `/cases/${a.body.id}/submit`, { token: tokens.op });
    const dump = JSON.stringify(await rawItems());
    for (const secret of [person.idNumber, person.phone, proxy.idNumber, proxy.phone]) expect(dump).not.toContain(secret);
    expect(dump).toContain(person.idNumber.slice(-4)); // masked forms are there
  });

  it('answers a review decision masked: the clear view is GET /cases/{id} while submitted, and logged', async () => {
    // Prepare: a submitted case
    at('2025-12-03T09:00:00+08:00');
    await loginAll();
    const person = applicant();
    const a = await api.call('POST', '/cases', { token: tokens.op, body: s01(person) });
    const submitted = await api.call('POST', `/cases/${a.body.id}/submit`, { token: tokens.op });
    // Act
    const approved = await api.call('POST', `/cases/${a.body.id}/review`, { token: tokens.rev, body: { decision: 'approve', version: submitted.body.version } });
    // Assess: no clear number in the decision's reply, and no unlogged clear view
    expect(approved.status).toBe(200);
    expect(approved.body.applicant.idNumber).toContain('*');
    expect(approved.body.applicant.phone).not.toBe(person.phone);
    expect(approved.text).not.toContain(person.idNumber);
    const viewed = (await rawItems()).filter((i) => i.pk === opLogByTarget('Case', a.body.id).pk && i.action === 'case.pii_viewed');
    expect(viewed).toHaveLength(0);
  });
});

describe('results and ratings', () => {
  it('completes a no-review item at the point; a bad rating opens a follow-up on the point; unfinished cases cannot be rated', async () => {
    at('2025-12-02T09:00:00+08:00');
    await loginAll();
    const person = applicant();
    // E01 (求职登记) needs no county review: it completes at the point on the day
    const a = await api.call('POST', '/cases', {
      token: tokens.op,
      body: { itemCode: 'E01', channel: 'window', applicant: person, materialsNotified: ['居民身份证或社会保障卡'], materialsReceived: ['居民身份证或社会保障卡'] },
    });
    const submit = await api.call('POST', `/cases/${a.body.id}/submit`, { token: tokens.op });
    const citizen = await api.login(person.idNumber);
    const early = await api.call('POST', `/cases/${a.body.id}/rating`, { token: citizen, body: { score: 4 } });
    const done = await api.call('POST', `/cases/${a.body.id}/complete`, { token: tokens.op, body: { result: '已登记', delivery: 'phone' } });
    const rated = await api.call('POST', `/cases/${a.body.id}/rating`, { token: citizen, body: { score: 2, reason: 'slow', comment: '等太久' } });

    expect(a.body).toMatchObject({ dueDate: '2025-12-02', timeLimitWorkingDays: 0 });
    expect(submit.status).toBe(409);
    expect(early.status).toBe(409);
    expect(done.body).toMatchObject({ status: 'completed', onTime: true });
    expect(rated.status).toBe(201);
    const followUps = (await rawItems()).filter((i) => i.entity === 'RatingFollowUp' && i.caseId === a.body.id);
    expect(followUps).toEqual([expect.objectContaining({ pointId: village, score: 2, status: 'open' })]);
    const dec = await getItem<Record<string, number>>(CaseCounter.key({ pointId: village, month: '2025-12' }), true);
    expect(dec).toMatchObject({ badRatings: 1, ratingSum: 2, ratingCount: 1, item_E01: 1 });
  });

  it('publishes the case routes in the OpenAPI document', async () => {
    const doc = await api.call('GET', '/openapi.json');
    for (const path of ['/cases', '/cases/{id}', '/cases/{id}/review', '/public/my-cases', '/calendar/years', '/public/calendar/{year}']) {
      expect(Object.keys(doc.body.paths)).toContain(path);
    }
  });
});

describe('weekly counters', () => {
  it('counts by Asia/Shanghai ISO week beside the month, in the same transaction: Sunday 23:30 and Monday 00:30 fall in two weeks of one month', async () => {
    // Prepare: the counters as they stand (other tests use the same point)
    const read = async () => ({
      month: (await getItem<Record<string, number>>(CaseCounter.key({ pointId: village, month: '2025-11' }), true)) ?? {},
      w45: (await getItem<Record<string, number>>(CaseWeekCounter.key({ pointId: village, week: '2025-W45' }), true)) ?? {},
      w46: (await getItem<Record<string, number>>(CaseWeekCounter.key({ pointId: village, week: '2025-W46' }), true)) ?? {},
    });
    const before = await read();

    // Act: one case on Sunday 2025-11-09 23:30 (+08), two on Monday 11-10 00:30 (+08) — the same UTC day
    at('2025-11-09T23:30:00+08:00');
    await loginAll();
    const sunday = await api.call('POST', '/cases', { token: tokens.op, body: s01() });
    at('2025-11-10T00:30:00+08:00');
    await loginAll();
    const monday = [await api.call('POST', '/cases', { token: tokens.op, body: s01() }), await api.call('POST', '/cases', { token: tokens.op, body: s01() })];
    const after = await read();

    // Assess: the month counts all three, each week only its own day's
    expect([sunday.status, ...monday.map((m) => m.status)]).toEqual([201, 201, 201]);
    const delta = (a: Record<string, number>, b: Record<string, number>, k: string) => (a[k] ?? 0) - (b[k] ?? 0);
    expect(delta(after.month, before.month, 'accepted')).toBe(3);
    expect(delta(after.w45, before.w45, 'accepted')).toBe(1);
    expect(delta(after.w46, before.w46, 'accepted')).toBe(2);
    expect(delta(after.w46, before.w46, 'item_S01')).toBe(2);
  });
});
