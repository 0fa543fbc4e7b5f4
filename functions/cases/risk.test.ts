import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareTable } from '../../test/helpers/table';
import { createStaff, startTestApi, testIdNumber, testPhone, type TestApi } from '../../test/helpers/api';
import { clock } from '../../shared/clock';
import { Tx } from '../../shared/db/tx';
import { systemCtx } from '../../shared/http/context';
import { getItem } from '../../shared/db/store';
import { CaseWeekCounter, type PointAttrs } from '../../shared/db/entities';
import { Point } from '../../shared/db/entities';
import { findRegion } from '../../shared/regions';
import { createPoint } from '../../test/helpers/fixtures';
import { forgetRiskCache, paceWindow } from './risk';
import { computeReport, readInputs } from '../reports/build';
import { parsePeriod } from '../reports/period';

/**
 * Overdue risk (C4 made proactive). The county's pace is seeded in the points' weekly counters:
 * 18 decisions in 2025-W41..W44, which hold 18 working days (6–8 October are National Day
 * holidays, Saturday 11 October is a working day), so 1 decision per working day. The queue is
 * built through the API. Every expected date below is counted by hand on the 2025 calendar.
 */
const COUNTY = '141033000000';
const VILLAGE = '141033100200';
const TOWNSHIP = '141033101000';
const S01 = ['居民身份证', '户口簿'];
const MONDAY = '2025-11-03T09:00:00+08:00';
const WEDNESDAY = '2025-11-05T10:00:00+08:00';

let api: TestApi;
let village: string;
let op: string;
let rev: string;
let opId: string;
let revId: string;
const at = (iso: string) => clock.set(() => new Date(iso));

async function seedWeek(pointId: string, week: string, counts: Record<string, number>) {
  const p = (await getItem<PointAttrs>(Point.key({ id: pointId }), true))!;
  await new Tx(systemCtx('test', new Date()))
    .put(CaseWeekCounter.item({ pointId, week, regionPath: p.regionPath, scopeBucket: p.scopeBucket, ...counts }), { overwrite: true })
    .log({ action: 'test.week_counter', targetType: 'CaseWeekCounter', targetId: `${pointId}#${week}` })
    .commit();
}

const accept = () =>
  api.call('POST', '/cases', {
    token: op,
    body: { itemCode: 'S01', channel: 'window', applicant: { name: '李秀英', idNumber: testIdNumber('19580101'), phone: testPhone() }, materialsNotified: S01, materialsReceived: S01 },
  });

beforeAll(async () => {
  at(MONDAY);
  await prepareTable();
  village = await createPoint(VILLAGE, 'in_operation');
  const township = await createPoint(TOWNSHIP, 'in_operation');
  // The pace: 3 + (5 + 1) + 4 + 5 = 18 decisions in the four weeks before 2025-W45.
  await seedWeek(village, '2025-W41', { approved: 3, accepted: 9 });
  await seedWeek(village, '2025-W42', { approved: 5, returned: 1 });
  await seedWeek(township, '2025-W43', { rejected: 4 });
  await seedWeek(township, '2025-W44', { approved: 5 });
  // Outside the window: the week before it, and the current week, count for nothing.
  await seedWeek(township, '2025-W40', { approved: 50 });
  await seedWeek(township, '2025-W45', { approved: 50 });
  opId = await staffId(['operator'], VILLAGE, village);
  revId = await staffId(['reviewer'], COUNTY);
  op = await api.login(opId);
  rev = await api.login(revId);
  forgetRiskCache();
});
afterAll(async () => {
  clock.reset();
  await api?.close();
});

async function staffId(roles: Parameters<typeof createStaff>[0]['roles'], regionCode: string, pointId?: string) {
  api ??= await startTestApi();
  return (await createStaff({ roles, regionCode, ...(pointId ? { pointId } : {}) })).idNumber;
}

describe('overdue risk at acceptance and in the county queue', () => {
  const ids: string[] = [];

  it('the pace window is the four complete ISO weeks before today', async () => {
    expect(paceWindow('2025-11-03')).toEqual({ weeks: ['2025-W41', '2025-W42', '2025-W43', '2025-W44'], from: '2025-10-06', to: '2025-11-02' });
    expect(paceWindow('2025-11-09').weeks[3]).toBe('2025-W44');
    expect((await findRegion(COUNTY))?.level).toBe('county');
  });

  it('at acceptance: the n-th case in the queue is expected n working days out; due 2025-11-10', async () => {
    // Prepare: 1 decision per working day; each case is submitted before the next is accepted.
    // Act
    const risks = [];
    for (let i = 0; i < 6; i++) {
      const a = await accept();
      expect(a.status).toBe(201);
      risks.push(a.body.risk);
      ids.push(a.body.id);
      expect((await api.call('POST', `/cases/${a.body.id}/submit`, { token: op })).status).toBe(200);
    }
    // Assess: hand count on the calendar from Monday 3 November (due Monday 10 November)
    expect(risks.map((r) => [r.basis.ahead, r.expectedDecisionDate, r.basis.slackWorkingDays, r.level])).toEqual([
      [0, '2025-11-04', 4, 'low'],
      [1, '2025-11-05', 3, 'low'],
      [2, '2025-11-06', 2, 'low'],
      [3, '2025-11-07', 1, 'medium'],
      [4, '2025-11-10', 0, 'medium'],
      [5, '2025-11-11', 0, 'high'],
    ]);
    expect(risks[0].basis).toMatchObject({ weeks: ['2025-W41', '2025-W42', '2025-W43', '2025-W44'], decisions: 18, workingDays: 18, perWorkingDay: 1, dueDate: '2025-11-10', aheadCapped: false });
    expect(risks[5].basis.text).toContain('预计 6 个工作日内审核完成');
    // The counters know a high-risk case was accepted.
    const week = await getItem<Record<string, number>>(CaseWeekCounter.key({ pointId: village, week: '2025-W45' }), true);
    expect(week?.riskHigh).toBe(1);
  });

  it('in the queue and the case view, on Wednesday: positions 1..6 give 6, 7, 10, 11, 12, 13 November', async () => {
    // Prepare
    at(WEDNESDAY);
    // Sessions end after 15 idle minutes: log in again on Wednesday.
    op = await api.login(opId);
    rev = await api.login(revId);
    // Act
    const queue = await api.call('GET', '/cases?status=submitted', { token: rev });
    const one = await api.call('GET', `/cases/${ids[3]}`, { token: rev });
    const paged = await api.call('GET', '/cases?status=submitted&limit=2', { token: rev });
    const second = await api.call('GET', `/cases?status=submitted&limit=2&cursor=${paged.body.nextCursor}`, { token: rev });
    const byPoint = await api.call('GET', `/cases?status=submitted&point=${village}`, { token: rev });
    // Assess
    expect(queue.status).toBe(200);
    const expected = [
      ['2025-11-06', 'low'],
      ['2025-11-07', 'medium'],
      ['2025-11-10', 'medium'],
      ['2025-11-11', 'high'],
      ['2025-11-12', 'high'],
      ['2025-11-13', 'high'],
    ];
    expect(queue.body.items.map((c: { id: string }) => c.id)).toEqual(ids);
    expect(queue.body.items.map((c: { risk: { expectedDecisionDate: string; level: string } }) => [c.risk.expectedDecisionDate, c.risk.level])).toEqual(expected);
    expect([one.body.risk.expectedDecisionDate, one.body.risk.level, one.body.risk.basis.ahead]).toEqual(['2025-11-11', 'high', 3]);
    // A later page counts its own position; a point's list counts each case.
    expect(second.body.items.map((c: { risk: { expectedDecisionDate: string } }) => c.risk.expectedDecisionDate)).toEqual(['2025-11-10', '2025-11-11']);
    expect(byPoint.body.items.map((c: { risk: { expectedDecisionDate: string } }) => c.risk.expectedDecisionDate)).toEqual(expected.map((e) => e[0]));
  });

  it('a case without county review carries no risk; a decided case keeps the risk judged at acceptance', async () => {
    // Act
    const s09 = await api.call('POST', '/cases', {
      token: op,
      body: { itemCode: 'S09', channel: 'window', applicant: { name: '李秀英', idNumber: testIdNumber('19580101'), phone: testPhone() }, materialsNotified: ['居民身份证或社会保障卡'], materialsReceived: [] },
    });
    const c = (await api.call('GET', `/cases/${ids[0]}`, { token: rev })).body;
    const approved = await api.call('POST', `/cases/${ids[0]}/review`, { token: rev, body: { decision: 'approve', version: c.version } });
    // Assess
    expect(s09.status).toBe(201);
    expect(s09.body.risk).toBeUndefined();
    expect(approved.body.risk).toMatchObject({ level: 'low', expectedDecisionDate: '2025-11-04' });
  });

  it('the weekly report counts the high-risk case that ended on time', async () => {
    // Prepare: the sixth case (high at acceptance) is approved and completed on Wednesday, before its due date
    const sixth = (await api.call('GET', `/cases/${ids[5]}`, { token: rev })).body;
    const approved = await api.call('POST', `/cases/${ids[5]}/review`, { token: rev, body: { decision: 'approve', version: sixth.version } });
    const done = await api.call('POST', `/cases/${ids[5]}/complete`, { token: op, body: { result: '已参保', delivery: 'on_the_spot', version: approved.body.version } });
    expect(done.status).toBe(200);
    // Act
    const report = computeReport(await readInputs((await findRegion(COUNTY))!, parsePeriod('weekly', '2025-W45')!, new Date(WEDNESDAY)));
    // Assess
    expect(report.sections.cases.highRisk).toEqual({ accepted: 1, closed: 1, onTime: 1 });
  });
});
