import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareTable } from '../../test/helpers/table';
import { createStaff, startTestApi, type TestApi } from '../../test/helpers/api';
import { Tx } from '../../shared/db/tx';
import { systemCtx } from '../../shared/http/context';
import { newId } from '../../shared/ids';
import { queryAll } from '../../shared/db/store';
import { regionChildren } from '../../shared/regions';
import { Point, pointsInBucket, type PointAttrs, type PointStage, type RegionAttrs } from '../../shared/db/entities';
import { bumpCounters } from '../cases/store';
import { bumpProblemStats } from '../problems/store';
import { periodOn, periodsEndingWith } from './dashboard';
import { parsePeriod } from './period';

/**
 * GET /dashboard: the live sections are the stored report's (same counters, same computation),
 * the trend's periods are the stored reports' of those periods, and a township supervisor sees
 * only their township.
 */
const COUNTY = '141033000000';
let api: TestApi;
let countySupervisor: string;
let townshipSupervisor: string;
let operator: string;
let townA: RegionAttrs;
let townB: RegionAttrs;
/** Seeded cases: point, acceptance instant, closing (on time or not). */
const seeded: { pointId: string; unit: string; at: string; closedAt?: string; onTime?: boolean }[] = [];

async function stage(p: PointAttrs, to: PointStage) {
  await new Tx(systemCtx('seed', new Date()))
    .put(Point.item({ ...p, stage: to, version: p.version + 1 }), { overwrite: true })
    .log({ action: 'test.point_stage', targetType: 'Point', targetId: p.id })
    .commit();
}

async function seed() {
  const towns = (await regionChildren(COUNTY)).filter((r) => r.level === 'township');
  [townA, townB] = [towns[0]!, towns[1]!];
  const pts = await queryAll<PointAttrs>(pointsInBucket(COUNTY));
  const inA = pts.filter((p) => p.regionPath.startsWith(townA.path));
  const inB = pts.filter((p) => p.regionPath.startsWith(townB.path));
  const aTown = inA.find((p) => p.kind === 'township')!;
  const aVillage = inA.find((p) => p.kind === 'village')!;
  const bTown = inB.find((p) => p.kind === 'township')!;
  await stage(aTown, 'in_operation');
  await stage(aVillage, 'in_operation');
  await stage(bTown, 'trial_run');
  const op = await createStaff({ roles: ['operator'], regionCode: aTown.regionCode, pointId: aTown.id, name: '甲镇操作员' });
  operator = await api.login(op.idNumber);
  // Activity in April–June 2024, on both sides of a month and a week boundary.
  const plan: [PointAttrs, string, string, string | undefined, boolean][] = [
    [aTown, townA.code, '2024-04-15T10:00:00+08:00', '2024-04-20T10:00:00+08:00', true],
    [aTown, townA.code, '2024-05-31T23:30:00+08:00', '2024-06-03T09:00:00+08:00', true],
    [aTown, townA.code, '2024-06-03T09:00:00+08:00', '2024-06-05T09:00:00+08:00', false],
    [aVillage, townA.code, '2024-06-09T23:30:00+08:00', undefined, false],
    [aVillage, townA.code, '2024-06-10T00:30:00+08:00', '2024-06-12T10:00:00+08:00', true],
    [bTown, townB.code, '2024-06-20T10:00:00+08:00', '2024-07-02T10:00:00+08:00', false],
  ];
  for (const [p, unit, at, closedAt, onTime] of plan) {
    seeded.push({ pointId: p.id, unit, at, closedAt, onTime });
    const where = { pointId: p.id, regionPath: p.regionPath, scopeBucket: COUNTY };
    const t1 = new Tx(systemCtx('seed', new Date()));
    bumpCounters(t1, where, new Date(at), { accepted: 1, ch_window: 1, item_S01: 1 });
    await t1.log({ action: 'test.case', targetType: 'Case', targetId: newId() }).commit();
    if (closedAt) {
      const t2 = new Tx(systemCtx('seed', new Date()));
      bumpCounters(t2, where, new Date(closedAt), { completed: 1, [onTime ? 'onTime' : 'overdue']: 1, done_S01: 1, ...(onTime ? {} : { late_S01: 1 }) });
      await t2.log({ action: 'test.case', targetType: 'Case', targetId: newId() }).commit();
    }
  }
  const t3 = new Tx(systemCtx('seed', new Date()));
  bumpProblemStats(t3, { regionCode: bTown.regionCode, regionPath: bTown.regionPath, scopeBucket: COUNTY }, new Date('2024-06-04T10:00:00+08:00'), { filed: 1, cat_guidance: 1 });
  await t3.log({ action: 'test.problem', targetType: 'Problem', targetId: newId() }).commit();
}

/** A report's content without the instants of making (the only thing that differs between two makings). */
function comparable(c: any) {
  const { asOf: _a, live: _l, periodInProgress: _p, trend: _t, ...rest } = c;
  return JSON.parse(JSON.stringify(rest, (k, v) => (k === 'asOf' ? undefined : v)));
}

async function storedReport(type: string, period: string) {
  const made = await api.call('POST', '/reports', { token: countySupervisor, body: { type, region: COUNTY, period } });
  expect(made.status).toBe(201);
  const got = await api.call('GET', `/reports/${made.body.id}`, { token: countySupervisor });
  return got.body.content;
}

beforeAll(async () => {
  await prepareTable();
  api = await startTestApi();
  await seed();
  countySupervisor = await api.login((await createStaff({ roles: ['supervisor'], regionCode: COUNTY, name: '县督导' })).idNumber);
  townshipSupervisor = await api.login((await createStaff({ roles: ['supervisor'], regionCode: townA.code, name: '乡镇督导' })).idNumber);
}, 120_000);
afterAll(async () => api?.close());

describe('GET /dashboard', () => {
  it('shows the stored report of the same period, figure for figure, for a month, a week and a quarter', async () => {
    for (const [type, period] of [['monthly', '2024-06'], ['weekly', '2024-W23'], ['quarterly', '2024-Q2']] as const) {
      // Prepare
      const stored = await storedReport(type, period);
      // Act
      const live = await api.call('GET', `/dashboard?region=${COUNTY}&type=${type}&period=${period}`, { token: countySupervisor });
      // Assess
      expect(live.status).toBe(200);
      expect(live.body.live).toBe(true);
      expect(comparable(live.body)).toEqual(comparable(stored));
    }
  });

  it('counts what was seeded: June, the week 2024-W23, and the twelve months of the trend', async () => {
    const inRange = (iso: string | undefined, from: string, to: string) => !!iso && iso.slice(0, 10) >= from && iso.slice(0, 10) <= to;
    const month = await api.call('GET', `/dashboard?type=monthly&period=2024-06`, { token: countySupervisor });
    expect(month.body.region.code).toBe(COUNTY);
    const june = seeded.filter((c) => inRange(c.at, '2024-06-01', '2024-06-30'));
    expect(month.body.sections.cases.accepted).toBe(june.length);
    const closedJune = seeded.filter((c) => inRange(c.closedAt, '2024-06-01', '2024-06-30'));
    expect(month.body.sections.cases.closed).toBe(closedJune.length);
    expect(month.body.sections.cases.onTime).toBe(closedJune.filter((c) => c.onTime).length);
    expect(month.body.sections.problems.filed).toBe(1);
    // The trend: twelve months ending with June 2024, each counted from the seed.
    const trend = month.body.trend as any[];
    expect(trend.map((t) => t.period)).toEqual(periodsEndingWith(parsePeriod('monthly', '2024-06')!, 12).map((p) => p.key));
    expect(trend[0].period).toBe('2023-07');
    for (const t of trend) {
      expect(t.cases.accepted).toBe(seeded.filter((c) => inRange(c.at, t.start, t.end)).length);
      expect(t.cases.closed).toBe(seeded.filter((c) => inRange(c.closedAt, t.start, t.end)).length);
    }
    expect(trend.at(-1).summary).toEqual(month.body.summary);
    // A week: Monday 00:30 belongs to the next week, Sunday 23:30 to this one.
    const week = await api.call('GET', `/dashboard?type=weekly&period=2024-W23`, { token: countySupervisor });
    expect(week.body.sections.cases.accepted).toBe(seeded.filter((c) => inRange(c.at, '2024-06-03', '2024-06-09')).length);
    expect(week.body.trend).toHaveLength(12);
    expect(week.body.trend.at(-2).period).toBe('2024-W22');
    expect(week.body.trend.at(-2).cases.accepted).toBe(seeded.filter((c) => inRange(c.at, '2024-05-27', '2024-06-02')).length);
  });

  it('each trend period equals the stored report of that period', async () => {
    const live = await api.call('GET', `/dashboard?type=monthly&period=2024-06`, { token: countySupervisor });
    const may = await storedReport('monthly', '2024-05');
    const t = live.body.trend.find((x: any) => x.period === '2024-05');
    expect(t.summary).toEqual(may.summary);
    expect(t.cases.onTimeRate).toBe(may.sections.cases.onTimeRate);
    expect(t.units).toEqual(may.units.map((u: any) => ({ code: u.code, name: u.name, score: u.score })));
  });

  it('defaults to the period in progress', async () => {
    const now = await api.call('GET', `/dashboard`, { token: countySupervisor });
    expect(now.status).toBe(200);
    expect(now.body.type).toBe('monthly');
    expect(now.body.period.key).toBe(periodOn('monthly', new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10)).key);
    expect(now.body.periodInProgress).toBe(true);
  });

  it('a township supervisor sees their township only; another township or the county is 404', async () => {
    const own = await api.call('GET', `/dashboard?type=monthly&period=2024-06`, { token: townshipSupervisor });
    expect(own.status).toBe(200);
    expect(own.body.region.code).toBe(townA.code);
    expect(own.body.sections.cases.accepted).toBe(seeded.filter((c) => c.unit === townA.code && c.at.startsWith('2024-06')).length);
    for (const region of [townB.code, COUNTY]) {
      const other = await api.call('GET', `/dashboard?region=${region}&type=monthly&period=2024-06`, { token: townshipSupervisor });
      expect(other.status).toBe(404);
      expect(JSON.stringify(other.body)).not.toContain(townB.name);
    }
  });

  it('refuses an operator, a period of the wrong type and a period not yet begun, naming the field', async () => {
    expect((await api.call('GET', `/dashboard`, { token: operator })).status).toBe(403);
    const wrong = await api.call('GET', `/dashboard?type=weekly&period=2024-06`, { token: countySupervisor });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.details[0].field).toBe('query.period');
    const future = await api.call('GET', `/dashboard?type=monthly&period=2099-01`, { token: countySupervisor });
    expect(future.status).toBe(400);
    expect(future.body.error.details[0].field).toBe('query.period');
  });
});
