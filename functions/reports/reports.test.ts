import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { prepareTable, tableSnapshot } from '../../test/helpers/table';
import { createStaff, startTestApi, testIdNumber, BOOTSTRAP, type TestApi } from '../../test/helpers/api';
import { Tx } from '../../shared/db/tx';
import { systemCtx } from '../../shared/http/context';
import { newId } from '../../shared/ids';
import { findRegion, regionChildren } from '../../shared/regions';
import { queryAll } from '../../shared/db/store';
import {
  Case,
  Device,
  Expenditure,
  Point,
  PointFund,
  Problem,
  type Channel,
  type DeviceStage,
  type PointAttrs,
  type PointKind,
  pointsInBucket,
  type PointStage,
  type ProblemAttrs,
  type RegionAttrs,
} from '../../shared/db/entities';
import { bumpCounters } from '../cases/store';
import { bumpProblemStats } from '../problems/store';
import { WEIGHTS } from './build';
import { startLocalScheduler, cronMatches } from '../../infra/local/scheduler';
import { SCHEDULES } from '../../shared/schedules';

/**
 * The supervision reports of 蒲县 from seeded activity: points, kiosks, accounts, case counters
 * (written by the cases domain's own counter writer), overdue cases, problems and funds. Every
 * figure is checked against a count made here from the seeded facts, not from the counters.
 */
const COUNTY = '141033000000';
let api: TestApi;
let supervisor: string;
let supervisorId: string;
let countyAdmin: string;

interface SeedPoint {
  id: string;
  name: string;
  kind: PointKind;
  region: RegionAttrs;
  unitCode: string;
  stage: PointStage;
  seededOnly?: boolean;
  kiosk?: { stage: DeviceStage; debuggedOn?: string };
  operator: boolean;
  fund?: { allocatedFen: number; spentFen: number };
}
/** A seeded case: every event at a Shanghai time (ISO, +08:00). */
interface SeedCase {
  pointId: string;
  acceptOn: string;
  channel: Channel;
  item: string;
  close?: { on: string; outcome: 'completed' | 'rejected'; onTime: boolean };
  rating?: { on: string; score: number };
  violationOn?: string;
}
type ProblemEventKind = 'filed' | 'toCity' | 'toProvince' | 'answered' | 'reopened' | 'resolved';
/** A seeded problem: its state now, and what happened to it when. */
interface SeedProblem {
  p: ProblemAttrs;
  unitCode: string;
  events: { on: string; kind: ProblemEventKind }[];
}
const points: SeedPoint[] = [];
const cases: SeedCase[] = [];
const problems: SeedProblem[] = [];
const spends: { pointId: string; date: string; amountFen: number }[] = [];
const overdue: { pointId: string }[] = [];

const STAGES: PointStage[] = ['in_operation', 'accepted', 'trial_run', 'in_operation', 'accounts_configured', 'set_up', 'suspended', 'closed', 'in_operation', 'planned', 'in_operation', 'agreement_signed'];
const CHANNEL_CYCLE: Channel[] = ['window', 'window', 'self_service', 'assisted', 'home_visit'];
const ITEMS = ['S01', 'E01', 'S02', 'C01'];
const DAYS = ['02T10:00', '05T09:30', '09T23:30', '10T00:30', '20T15:00', '28T11:00'];

async function put(item: object & { pk: string; sk: string }, what: string) {
  await new Tx(systemCtx('seed', new Date())).put(item).log({ action: `test.${what}`, targetType: what, targetId: item.pk }).commit();
}

async function seedActivity() {
  // The baseline seeds a planned point for every township, village and community of 蒲县; the
  // first four townships and two villages of each get a stage, kiosk, operator and funds here.
  const seeded = await queryAll<PointAttrs>(pointsInBucket(COUNTY));
  const townships = (await regionChildren(COUNTY)).filter((r) => r.level === 'township').slice(0, 4);
  const chosen: RegionAttrs[] = [];
  for (const t of townships) chosen.push(t, ...(await regionChildren(t.code)).slice(0, 2));
  let n = 0;
  for (const sp of seeded) {
    const region = (await findRegion(sp.regionCode))!;
    const unitCode = region.path.split('/')[3]!;
    const i = chosen.findIndex((c) => c.code === sp.regionCode);
    if (i < 0) {
      points.push({ id: sp.id, name: sp.name, kind: sp.kind, region, unitCode, stage: sp.stage, operator: false, seededOnly: true });
      continue;
    }
    n = i;
    const kind = sp.kind;
    const stage = STAGES[n % STAGES.length]!;
    const kiosk =
      kind === 'village' && n % 3 !== 2
        ? n % 3 === 0
          ? { stage: 'debugged' as DeviceStage, debuggedOn: '2024-06-05' }
          : { stage: 'installed' as DeviceStage }
        : undefined;
    points.push({
      id: sp.id,
      name: sp.name,
      kind,
      region,
      unitCode,
      stage,
      kiosk,
      operator: n % 4 !== 3,
      fund: stage !== 'planned' ? { allocatedFen: 150_000, spentFen: (n % 3) * 20_000 } : undefined,
    });
  }
  expect(points.filter((p) => !p.seededOnly)).toHaveLength(12);
  for (const p of points.filter((x) => !x.seededOnly)) {
    await new Tx(systemCtx('seed', new Date()))
      .put(
        Point.item({ id: p.id, regionCode: p.region.code, regionPath: p.region.path, scopeBucket: COUNTY, kind: p.kind, name: p.name, address: '测试', stage: p.stage, createdAt: '2024-03-01T09:00:00+08:00', version: 2 }),
        { overwrite: true },
      )
      .log({ action: 'test.point_stage', targetType: 'Point', targetId: p.id })
      .commit();
    if (p.kiosk) {
      const id = `KIOSK-${newId()}`;
      await put(
        Device.item({
          id,
          pointId: p.id,
          regionPath: p.region.path,
          scopeBucket: COUNTY,
          serialNumber: id,
          stage: p.kiosk.stage,
          createdAt: '2024-05-01T09:00:00+08:00',
          version: 1,
          stageDates: { delivered: '2024-05-01', installed: '2024-05-20', ...(p.kiosk.debuggedOn ? { debugged: p.kiosk.debuggedOn } : {}) },
        }),
        'Device',
      );
    }
    if (p.operator) await createStaff({ roles: ['operator'], regionCode: p.region.code, pointId: p.id, name: `${p.name}操作员` });
    if (p.fund) {
      await put(
        PointFund.item({ pointId: p.id, year: 2024, regionPath: p.region.path, scopeBucket: COUNTY, allocatedFen: p.fund.allocatedFen, spentFen: p.fund.spentFen, balanceFen: p.fund.allocatedFen - p.fund.spentFen }),
        'PointFund',
      );
      // The spent sum lies in two expenditures: one in June, one in May.
      if (p.fund.spentFen > 0) {
        for (const [date, amountFen] of [['2024-06-12', p.fund.spentFen / 2], ['2024-05-08', p.fund.spentFen / 2]] as const) {
          spends.push({ pointId: p.id, date, amountFen });
          await put(
            Expenditure.item({ id: newId(), pointId: p.id, regionPath: p.region.path, scopeBucket: COUNTY, year: 2024, category: 'network', amountFen, date, voucherNumber: newId(), recordedBy: 'seed', recordedAt: `${date}T10:00:00+08:00` }),
            'Expenditure',
          );
        }
      }
    }
  }

  // Cases at operating points, April–July 2024, some closing the next month, some late, rated, violating.
  const operating = points.filter((p) => !p.seededOnly && ['trial_run', 'accepted', 'in_operation'].includes(p.stage));
  let k = 0;
  for (const [pi, p] of operating.entries()) {
    const count = 6 + pi * 3;
    for (let i = 0; i < count; i++, k++) {
      const acceptMonth = ['2024-04', '2024-05', '2024-06', '2024-06', '2024-07'][k % 5]!;
      // Days on both sides of week boundaries inside a month (2024-W23 is Mon 06-03 … Sun 06-09;
      // Sunday 23:30 and Monday 00:30 Shanghai time are the same UTC day but two ISO weeks).
      const a = Math.floor(k / 5) % 5;
      const acceptOn = `${acceptMonth}-${DAYS[a]}:00+08:00`;
      const closeOn = k % 4 === 0 ? `${nextMonth(acceptMonth)}-${DAYS[k % 3]}:00+08:00` : `${acceptMonth}-${DAYS[Math.min(DAYS.length - 1, a + (k % 3))]}:00+08:00`;
      const c: SeedCase = {
        pointId: p.id,
        acceptOn,
        channel: CHANNEL_CYCLE[k % CHANNEL_CYCLE.length]!,
        item: ITEMS[k % ITEMS.length]!,
        ...(k % 7 !== 6 ? { close: { on: closeOn, outcome: k % 9 === 0 ? 'rejected' : 'completed', onTime: k % (3 + pi) !== 0 } } : {}),
        ...(k % 3 === 0 ? { rating: { on: closeOn, score: [5, 4, 2, 5, 1][k % 5]! } } : {}),
        ...(k % 11 === 0 ? { violationOn: acceptOn } : {}),
      };
      cases.push(c);
    }
  }
  for (const c of cases) {
    const p = points.find((x) => x.id === c.pointId)!;
    const where = { pointId: p.id, regionPath: p.region.path, scopeBucket: COUNTY };
    const tx = new Tx(systemCtx('seed', new Date()));
    bumpCounters(tx, where, new Date(c.acceptOn), { accepted: 1, [`ch_${c.channel}`]: 1, [`item_${c.item}`]: 1 });
    tx.log({ action: 'test.case', targetType: 'Case', targetId: newId() });
    await tx.commit();
    const events: [string, Record<string, number>][] = [];
    if (c.violationOn) events.push([c.violationOn, { returned: 1, violations: 1 }]);
    if (c.close)
      events.push([
        c.close.on,
        { [c.close.outcome]: 1, [c.close.onTime ? 'onTime' : 'overdue']: 1, [`done_${c.item}`]: 1, ...(c.close.onTime ? {} : { [`late_${c.item}`]: 1 }) },
      ]);
    if (c.rating) events.push([c.rating.on, { ratingSum: c.rating.score, ratingCount: 1, ...(c.rating.score <= 2 ? { badRatings: 1 } : {}) }]);
    for (const [on, inc] of events) {
      const t2 = new Tx(systemCtx('seed', new Date()));
      bumpCounters(t2, where, new Date(on), inc);
      t2.log({ action: 'test.case', targetType: 'Case', targetId: newId() });
      await t2.commit();
    }
  }

  // Cases still running: two overdue (accepted, submitted), one paused (returned), one not yet due.
  const first = operating[0]!;
  const second = operating[1]!;
  for (const [p, status, dueDate] of [
    [first, 'accepted', '2024-06-20'],
    [second, 'submitted', '2024-07-02'],
    [first, 'returned', '2024-06-01'],
    [second, 'accepted', '2099-01-01'],
  ] as const) {
    const id = newId();
    await put(
      Case.item({
        id,
        pointId: p.id,
        regionPath: p.region.path,
        regionCode: p.region.code,
        scopeBucket: COUNTY,
        status,
        dueDate,
        applicantIndex: 'seed',
        acceptedAt: '2024-06-10T09:00:00+08:00',
        itemCode: 'S01',
      } as never),
      'Case',
    );
    if (status !== 'returned' && dueDate < '2026-01-01') overdue.push({ pointId: p.id });
  }

  // Problems, written with the problems domain's own counter writer: each event in its own
  // transaction at its Shanghai time, the item as it stands now. Filed and moved on both sides of
  // the 2024-W23 boundary; one from another county (held at the city) must not count for 蒲县.
  const filer = points.find((p) => !p.seededOnly && p.kind === 'village')!;
  const townshipFiler = points.find((p) => !p.seededOnly && p.kind === 'township' && p.unitCode !== filer.unitCode)!;
  // 汾西县 (not in the seed's regions): a problem there is only ever read through the city's queue.
  const otherCounty = { code: '141034000000', path: `${(await findRegion('141000000000'))!.path}/141034000000` } as RegionAttrs;
  let serial = 0;
  const mk = (from: { region: RegionAttrs }, over: Partial<ProblemAttrs>): ProblemAttrs => ({
    id: newId(),
    number: `蒲县-2024-${String(++serial).padStart(4, '0')}`,
    category: 'guidance',
    businessCategory: 'pension',
    description: '不会操作',
    suggestion: '培训',
    filerId: 'seed',
    filerName: '测试',
    regionCode: from.region.code,
    regionPath: from.region.path,
    scopeBucket: from.region.path.split('/')[2]!,
    status: 'open',
    level: 'county',
    holderRegionCode: from.region.path.split('/')[2]!,
    heldSince: '2024-06-03T09:00:00+08:00',
    deadline: '2099-01-01T17:00:00+08:00',
    filedAt: '2024-06-03T09:00:00+08:00',
    flowActive: true,
    flowRound: 1,
    version: 1,
    ...over,
  });
  const ev = (on: string, kind: ProblemEventKind) => ({ on: `${on}+08:00`, kind });
  const CITY = '141000000000';
  const PROVINCE = '140000000000';
  const seeds: { p: ProblemAttrs; events: SeedProblem['events'] }[] = [
    // open at the county, not due
    { p: mk(filer, {}), events: [ev('2024-06-04T09:00:00', 'filed')] },
    // moved up to the city in W24, now overdue there
    {
      p: mk(filer, { level: 'city', holderRegionCode: CITY, deadline: '2024-06-20T17:00:00+08:00' }),
      events: [ev('2024-06-05T10:00:00', 'filed'), ev('2024-06-11T09:00:00', 'toCity')],
    },
    // city in W23, province in W24, answered there
    {
      p: mk(filer, { level: 'province', holderRegionCode: PROVINCE, status: 'answered' }),
      events: [ev('2024-06-06T10:00:00', 'filed'), ev('2024-06-07T18:00:00', 'toCity'), ev('2024-06-14T09:00:00', 'toProvince'), ev('2024-06-18T09:00:00', 'answered')],
    },
    // May: filed, answered, resolved
    {
      p: mk(filer, { status: 'resolved', resolvedAt: '2024-05-20T10:00:00+08:00' }),
      events: [ev('2024-05-10T10:00:00', 'filed'), ev('2024-05-15T10:00:00', 'answered'), ev('2024-05-20T10:00:00', 'resolved')],
    },
    // a system problem at the province task force since April (filing there is no escalation)
    {
      p: mk(filer, { category: 'system', businessCategory: undefined, level: 'province', holderRegionCode: PROVINCE }),
      events: [ev('2024-04-10T10:00:00', 'filed')],
    },
    // a township's functional problem: filed Saturday (W22), answered and reopened in W23, resolved in W24
    {
      p: mk(townshipFiler, { category: 'functional', businessCategory: undefined, level: 'province', holderRegionCode: PROVINCE, status: 'resolved' }),
      events: [ev('2024-06-01T10:00:00', 'filed'), ev('2024-06-03T10:00:00', 'answered'), ev('2024-06-08T10:00:00', 'reopened'), ev('2024-06-12T10:00:00', 'answered'), ev('2024-06-13T10:00:00', 'resolved')],
    },
    // Monday 00:30 Shanghai (Sunday in UTC): W24; open at the county past its deadline
    { p: mk(townshipFiler, { businessCategory: 'find_job', deadline: '2024-06-13T23:59:59.999+08:00' }), events: [ev('2024-06-10T00:30:00', 'filed')] },
    // another county's problem held at the city: not 蒲县's
    {
      p: mk({ region: otherCounty }, { level: 'city', holderRegionCode: CITY, deadline: '2024-06-20T17:00:00+08:00' }),
      events: [ev('2024-06-05T10:00:00', 'filed'), ev('2024-06-06T10:00:00', 'toCity')],
    },
  ];
  for (const { p, events } of seeds) {
    problems.push({ p, unitCode: p.regionPath.split('/')[3] ?? COUNTY, events });
    for (const [i, e] of events.entries()) {
      const tx = new Tx(systemCtx('seed', new Date(e.on)));
      if (i === 0) tx.put(Problem.item(p));
      const inc: Record<string, number> =
        e.kind === 'filed' ? { filed: 1, [`cat_${p.category}`]: 1, ...(p.businessCategory ? { [`biz_${p.businessCategory}`]: 1 } : {}) } : { [e.kind]: 1 };
      bumpProblemStats(tx, p, new Date(e.on), inc);
      await tx.log({ action: `test.problem_${e.kind}`, targetType: 'Problem', targetId: p.id }).commit();
    }
  }
}

const operatingPoint = () => points.find((p) => !p.seededOnly && p.stage === 'in_operation')!;

function nextMonth(m: string): string {
  const [y, mo] = m.split('-').map(Number) as [number, number];
  return mo === 12 ? `${y + 1}-01` : `${y}-${String(mo + 1).padStart(2, '0')}`;
}

/** The figures a report must show, counted from the seeded facts (Shanghai dates, inclusive). */
function expected(start: string, end: string) {
  const live = points.filter((p) => p.stage !== 'closed');
  const liveIds = new Set(live.map((p) => p.id));
  const inPeriod = (on?: string) => on !== undefined && on.slice(0, 10) >= start && on.slice(0, 10) <= end;
  const cs = cases.filter((c) => liveIds.has(c.pointId));
  const closed = cs.filter((c) => inPeriod(c.close?.on));
  const rated = cs.filter((c) => inPeriod(c.rating?.on));
  const byChannel: Record<string, number> = { window: 0, self_service: 0, assisted: 0, home_visit: 0 };
  for (const c of cs) if (inPeriod(c.acceptOn)) byChannel[c.channel]! += 1;
  const byItem: Record<string, number> = {};
  for (const c of cs) if (inPeriod(c.acceptOn)) byItem[c.item] = (byItem[c.item] ?? 0) + 1;
  // Problems of 蒲县 (filed in its subtree)
  const mine = problems.filter((x) => x.p.scopeBucket === COUNTY);
  const happened = (kind: ProblemEventKind, of = mine) => of.flatMap((x) => x.events).filter((e) => e.kind === kind && inPeriod(e.on)).length;
  const open = mine.filter((x) => x.p.status !== 'resolved');
  const overdueNow = (x: SeedProblem) => x.p.status === 'open' && new Date(x.p.deadline).getTime() < Date.now();
  const line = ['planned', 'set_up', 'agreement_signed', 'accounts_configured', 'trial_run', 'accepted', 'in_operation'];
  const atLeast = (stage: string) => live.filter((p) => p.stage !== 'suspended' && line.indexOf(p.stage) >= line.indexOf(stage)).length;
  return {
    live: live.length,
    agreementOrLater: atLeast('agreement_signed'),
    accountsOrLater: atLeast('accounts_configured'),
    villages: live.filter((p) => p.kind === 'village' || p.kind === 'community').length,
    kioskDebuggedBy: (date: string) => live.filter((p) => (p.kind === 'village' || p.kind === 'community') && p.kiosk?.debuggedOn && p.kiosk.debuggedOn <= date).length,
    devices: points.filter((p) => p.kiosk).length,
    accepted: cs.filter((c) => inPeriod(c.acceptOn)).length,
    closed: closed.length,
    completed: closed.filter((c) => c.close!.outcome === 'completed').length,
    rejected: closed.filter((c) => c.close!.outcome === 'rejected').length,
    onTime: closed.filter((c) => c.close!.onTime).length,
    violations: cs.filter((c) => inPeriod(c.violationOn)).length,
    byChannel,
    byItem,
    acceptedAt: (pointIds: string[]) => cs.filter((c) => pointIds.includes(c.pointId) && inPeriod(c.acceptOn)).length,
    ratingCount: rated.length,
    ratingAverage: rated.length ? Math.round((100 * rated.reduce((a, c) => a + c.rating!.score, 0)) / rated.length) / 100 : null,
    badRatings: rated.filter((c) => c.rating!.score <= 2).length,
    overdue: overdue.length,
    problems: {
      filed: happened('filed'),
      byCategory: Object.fromEntries(['system', 'functional', 'guidance'].map((cat) => [cat, happened('filed', mine.filter((x) => x.p.category === cat))])),
      escalated: happened('toCity') + happened('toProvince'),
      escalatedToCity: happened('toCity'),
      escalatedToProvince: happened('toProvince'),
      answered: happened('answered'),
      reopened: happened('reopened'),
      resolved: happened('resolved'),
      open: open.length,
      answeredAwaitingFiler: open.filter((x) => x.p.status === 'answered').length,
      overdue: open.filter(overdueNow).length,
    },
    problemsByLevel: ['county', 'city', 'province'].map((level) => ({
      level,
      open: open.filter((x) => x.p.level === level).length,
      overdue: open.filter((x) => x.p.level === level && overdueNow(x)).length,
      escalatedHere: level === 'county' ? 0 : happened(level === 'city' ? 'toCity' : 'toProvince'),
    })),
    problemsOfUnit: (code: string) => {
      const of = mine.filter((x) => x.unitCode === code);
      return { filed: happened('filed', of), escalated: happened('toCity', of) + happened('toProvince', of), open: of.filter((x) => x.p.status !== 'resolved').length, overdue: of.filter(overdueNow).length };
    },
    allocatedFen: points.reduce((a, p) => a + (p.fund?.allocatedFen ?? 0), 0),
    spentFen: points.reduce((a, p) => a + (p.fund?.spentFen ?? 0), 0),
    spentInPeriodFen: spends.filter((s) => s.date >= start && s.date <= end).reduce((a, s) => a + s.amountFen, 0),
    operatorsActive: points.filter((p) => p.operator).length,
    pointsWithOperator: live.filter((p) => p.operator).length,
  };
}

beforeAll(async () => {
  await prepareTable();
  api = await startTestApi();
  await seedActivity();
  const sup = await createStaff({ roles: ['supervisor'], regionCode: COUNTY, name: '县督导' });
  supervisorId = sup.account.id;
  supervisor = await api.login(sup.idNumber);
  countyAdmin = await api.login((await createStaff({ roles: ['sys_admin'], regionCode: COUNTY, name: '县系统管理员' })).idNumber);
}, 240_000);
afterAll(async () => api?.close());

function checkCommon(content: any, e: ReturnType<typeof expected>) {
  const s = content.sections;
  expect(s.points.live).toBe(e.live);
  expect(s.points.total).toBe(points.length);
  for (const stage of new Set(points.map((p) => p.stage))) expect(s.points.byStage[stage]).toBe(points.filter((p) => p.stage === stage).length);
  const ms = Object.fromEntries(s.points.milestones.map((m: any) => [m.key, m]));
  expect(ms.set_up).toMatchObject({ done: e.agreementOrLater, of: e.live, status: e.agreementOrLater === e.live ? 'met' : 'behind' });
  expect(ms.accounts).toMatchObject({ done: e.accountsOrLater, of: e.live });
  // Tracked now (functions/workplan): no mobilisation meeting recorded for 蒲县, so it is behind.
  expect(ms.mobilized).toMatchObject({ status: 'behind', done: 0, of: 1 });
  expect(s.kiosks.total).toBe(e.devices);
  expect(s.kiosks.pointsNeedingKiosk).toBe(e.villages);
  expect(s.accounts.operatorsActive).toBe(e.operatorsActive);
  expect(s.accounts.pointsWithOperator).toBe(e.pointsWithOperator);
  expect(s.cases).toMatchObject({
    accepted: e.accepted,
    closed: e.closed,
    completed: e.completed,
    rejected: e.rejected,
    onTime: e.onTime,
    late: e.closed - e.onTime,
    violations: e.violations,
    overdueOpen: e.overdue,
    byChannel: e.byChannel,
  });
  expect(s.cases.onTimeRate).toBeCloseTo(e.onTime / e.closed, 10);
  expect(s.cases.completionRate).toBeCloseTo(e.closed / e.accepted, 10);
  expect(s.ratings).toEqual({ count: e.ratingCount, average: e.ratingAverage, bad: e.badRatings });
  const { asOf: _asOf, byLevel, ...problemFigures } = s.problems;
  expect(problemFigures).toEqual(e.problems);
  expect(byLevel).toEqual(e.problemsByLevel);
  expect(s.funds).toMatchObject({ allocatedFen: e.allocatedFen, spentFen: e.spentFen, balanceFen: e.allocatedFen - e.spentFen, spentInPeriodFen: e.spentInPeriodFen });
  // Township sections add up to the county and carry each township's own counts.
  for (const u of content.units) {
    const mine = points.filter((p) => p.unitCode === u.code && p.stage !== 'closed');
    expect(u.points).toBe(mine.length);
    expect(u.cases.accepted).toBe(e.acceptedAt(mine.map((p) => p.id)));
    expect(u.overdueOpen).toBe(overdue.filter((o) => mine.some((p) => p.id === o.pointId)).length);
    const up = e.problemsOfUnit(u.code);
    expect({ filed: u.problemsFiled, escalated: u.problemsEscalated, open: u.problemsOpen, overdue: u.problemsOverdue }).toEqual(up);
  }
  expect(content.units.reduce((a: number, u: any) => a + u.cases.accepted, 0)).toBe(e.accepted);
  expect(content.units.reduce((a: number, u: any) => a + u.problemsFiled, 0)).toBe(e.problems.filed);
  // Ranking: by score, best first; the laggards come from the bottom and name what they lag on.
  const scores = content.ranking.units.map((u: any) => u.score);
  expect(scores).toEqual([...scores].sort((a: number, b: number) => b - a));
  expect(content.ranking.laggards.units.length).toBeGreaterThan(0);
  for (const l of content.ranking.laggards.units) {
    expect(l.lags.length).toBeGreaterThan(0);
    expect(l.rank).toBeGreaterThan(content.ranking.units.length - Math.ceil(content.ranking.units.length / 5));
  }
}

describe('reports for 蒲县 from seeded activity', () => {
  let weeklyId: string;
  let monthlyId: string;

  it('builds the weekly report (2024-W23): short version, every figure as counted', async () => {
    const res = await api.call('POST', '/reports', { token: supervisor, body: { type: 'weekly', region: COUNTY, period: '2024-W23' } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ type: 'weekly', period: '2024-W23', periodStart: '2024-06-03', periodEnd: '2024-06-09', regionName: '蒲县', revision: 1, trigger: 'manual' });
    weeklyId = res.body.id;
    const got = await api.call('GET', `/reports/${weeklyId}`, { token: supervisor });
    expect(got.status).toBe(200);
    const e = expected('2024-06-03', '2024-06-09');
    checkCommon(got.body.content, e);
    expect(got.body.content.sections.cases.basis).toBe('week');
    // The week is its seven days, not its month: the seeded June has activity on both sides of the week.
    const june = expected('2024-06-01', '2024-06-30');
    expect(e.accepted).toBeGreaterThan(0);
    expect(e.accepted).toBeLessThan(june.accepted);
    expect(e.closed).toBeLessThan(june.closed);
    expect(e.problems.filed).toBeLessThan(june.problems.filed);
    expect(e.problems.escalated).toBeGreaterThan(0);
    expect(got.body.content.points).toBeUndefined();
    expect(got.body.content.sections.points.milestones.find((m: any) => m.key === 'kiosks_half').status).toBe('not_due');
    expect(got.body.current).toBe(true);
  });

  it('builds the monthly report (2024-06) with items, points, funds and point ranking', async () => {
    const res = await api.call('POST', '/reports', { token: supervisor, body: { type: 'monthly', region: COUNTY, period: '2024-06' } });
    expect(res.status).toBe(201);
    monthlyId = res.body.id;
    const { content } = (await api.call('GET', `/reports/${monthlyId}`, { token: supervisor })).body;
    const e = expected('2024-06-01', '2024-06-30');
    checkCommon(content, e);
    expect(Object.fromEntries(content.sections.cases.byItem.map((i: any) => [i.code, i.accepted]))).toEqual(e.byItem);
    expect(content.sections.cases.byItem.find((i: any) => i.code === 'S01').name).toBeTruthy();
    const kiosks = content.sections.points.milestones.find((m: any) => m.key === 'kiosks_half');
    expect(kiosks).toMatchObject({ done: e.kioskDebuggedBy('2024-06-30'), of: e.villages, status: e.kioskDebuggedBy('2024-06-30') / e.villages >= 0.5 ? 'met' : 'behind' });
    expect(content.points).toHaveLength(points.length);
    for (const row of content.points) {
      const accepted = cases.filter((c) => c.pointId === row.pointId && c.acceptOn.startsWith('2024-06')).length;
      expect(row.cases.accepted).toBe(accepted);
    }
    // A point's score follows the documented formula (docs/reports.md).
    const row = content.points.find((r: any) => r.score !== null && r.components.onTime !== null);
    const parts = Object.entries(WEIGHTS).filter(([k]) => row.components[k] !== null);
    const manual = parts.reduce((a, [k, w]) => a + w * Math.min(1, Math.max(0, row.components[k])), 0) / parts.reduce((a, [, w]) => a + w, 0);
    expect(row.score).toBeCloseTo(Math.round(manual * 1000) / 10, 5);
    const suspended = content.points.find((r: any) => r.stage === 'suspended');
    expect(suspended.lags).toContain('服务点暂停');
    expect(content.ranking.laggards.points.length).toBeGreaterThan(0);
  });

  it('builds the quarterly report (2024-Q2) with the assessment score per township', async () => {
    const res = await api.call('POST', '/reports', { token: supervisor, body: { type: 'quarterly', region: COUNTY, period: '2024-Q2' } });
    expect(res.status).toBe(201);
    const { content } = (await api.call('GET', `/reports/${res.body.id}`, { token: supervisor })).body;
    checkCommon(content, expected('2024-04-01', '2024-06-30'));
    expect(content.assessment.map((a: any) => a.code).sort()).toEqual(content.units.map((u: any) => u.code).sort());
    for (const a of content.assessment) {
      if (a.score === null) expect(a.grade).toBe('无数据');
      else expect(a.grade).toBe(a.score >= 90 ? '优秀' : a.score >= 75 ? '良好' : a.score >= 60 ? '合格' : '不合格');
    }
  });

  it('serves the XLSX with a sheet per section, Chinese frozen headers, yuan and percent formats and the totals', async () => {
    const res = await fetch(`${api.url}/reports/${monthlyId}`, {
      headers: { authorization: `Bearer ${supervisor}`, accept: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as never);
    const names = wb.worksheets.map((w) => w.name);
    expect(names).toEqual(expect.arrayContaining(['概况', '建设进度', '服务点阶段', '自助设备', '账号', '办件', '办件-事项', '服务点', '问题', '资金', '好差评', '乡镇排名', '服务点排名', '排队督办', '数据说明']));
    const e = expected('2024-06-01', '2024-06-30');
    const cases = wb.getWorksheet('办件')!;
    expect(cases.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(cases.getRow(1).getCell(1).value).toBe('项目');
    const row = (ws: ExcelJS.Worksheet, label: string) => ws.getRows(2, ws.rowCount - 1)!.find((r) => r.getCell(1).value === label)!;
    expect(row(cases, '受理').getCell(2).value).toBe(e.accepted);
    expect(row(cases, '按时办结').getCell(3).numFmt).toBe('0.0%');
    expect(row(cases, '按时办结').getCell(3).value).toBeCloseTo(e.onTime / e.closed, 10);
    const funds = wb.getWorksheet('资金')!;
    expect(row(funds, '2024年下达').getCell(2).value).toBe(e.allocatedFen / 100);
    expect(row(funds, '结余').getCell(2).numFmt).toBe('#,##0.00');
    const pointsSheet = wb.getWorksheet('服务点')!;
    expect(pointsSheet.rowCount).toBe(points.length + 1);
  });

  it('serves CSV as UTF-8 with a BOM, by Accept header or ?format=csv', async () => {
    const res = await fetch(`${api.url}/reports/${monthlyId}?format=csv`, { headers: { authorization: `Bearer ${supervisor}` } });
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8');
    expect(text).toContain('【办件】');
    expect(text).toContain(`受理,${expected('2024-06-01', '2024-06-30').accepted},`);
    const byAccept = await api.call('GET', `/reports/${weeklyId}`, { token: supervisor, headers: { accept: 'text/csv' } });
    expect(byAccept.headers.get('content-type')).toBe('text/csv; charset=utf-8');
  });

  it('never recomputes silently: 409 for an existing report; regenerate with a reason stores a new revision and keeps the old', async () => {
    const again = await api.call('POST', '/reports', { token: supervisor, body: { type: 'weekly', region: COUNTY, period: '2024-W23' } });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('REPORT_EXISTS');
    expect(again.body.error.details.reportId).toBe(weeklyId);
    const noReason = await api.call('POST', '/reports', { token: supervisor, body: { type: 'weekly', region: COUNTY, period: '2024-W23', regenerate: true } });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.details.map((d: any) => d.field)).toEqual(['body.reason']);
    const redo = await api.call('POST', '/reports', { token: supervisor, body: { type: 'weekly', region: COUNTY, period: '2024-W23', regenerate: true, reason: '补录了6月数据' } });
    expect(redo.status).toBe(201);
    expect(redo.body).toMatchObject({ revision: 2, reason: '补录了6月数据', replaces: weeklyId });
    const old = await api.call('GET', `/reports/${weeklyId}`, { token: supervisor });
    expect(old.status).toBe(200);
    expect(old.body.current).toBe(false);
    const list = await api.call('GET', `/reports?type=weekly&region=${COUNTY}&period=2024-W23`, { token: supervisor });
    expect(list.body.items.map((r: any) => r.revision)).toEqual([2, 1]);
    const all = await api.call('GET', `/reports?region=${COUNTY}&limit=2`, { token: supervisor });
    expect(all.body.items).toHaveLength(2);
    expect(all.body.nextCursor).toBeTruthy();
  });

  it('refuses bad input naming every field, and writes nothing', async () => {
    const before = await tableSnapshot();
    const bad = await api.call('POST', '/reports', { token: supervisor, body: { type: 'daily', region: '1410', period: 'x', extra: 1 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: any) => d.field).sort()).toEqual(['body.extra', 'body.region', 'body.type']);
    const mismatch = await api.call('POST', '/reports', { token: supervisor, body: { type: 'weekly', region: COUNTY, period: '2024-06' } });
    expect(mismatch.body.error.details.map((d: any) => d.field)).toEqual(['body.period']);
    const village = await api.call('POST', '/reports', { token: supervisor, body: { type: 'monthly', region: points.find((p) => p.kind === 'village')!.region.code, period: '2024-06' } });
    expect(village.status).toBe(400);
    const future = await api.call('POST', '/reports', { token: supervisor, body: { type: 'monthly', region: COUNTY, period: '2099-01' } });
    expect(future.status).toBe(400);
    expect(await tableSnapshot()).toEqual(before);
  });

  it('lets supervisors make and read reports and admins of the region read them (403 others, 404 out of region), writing nothing', async () => {
    const operator = await api.login((await createStaff({ roles: ['operator'], regionCode: operatingPoint().region.code, pointId: operatingPoint().id })).idNumber);
    const reviewer = await api.login((await createStaff({ roles: ['reviewer'], regionCode: COUNTY })).idNumber);
    const townshipSupervisor = await api.login((await createStaff({ roles: ['supervisor'], regionCode: points.find((p) => !p.seededOnly)!.unitCode })).idNumber);
    const citizen = await api.login(testIdNumber('19900307'));
    const before = await tableSnapshot();
    for (const token of [operator, reviewer]) {
      expect((await api.call('POST', '/reports', { token, body: { type: 'monthly', region: COUNTY, period: '2024-05' } })).status).toBe(403);
      expect((await api.call('GET', `/reports/${monthlyId}`, { token })).status).toBe(403);
      expect((await api.call('GET', '/reports', { token })).status).toBe(403);
    }
    expect((await api.call('GET', `/reports/${monthlyId}`, { token: citizen })).status).toBe(403);
    expect((await api.call('GET', `/reports/${monthlyId}`)).status).toBe(401);
    // api.md: only supervisors make reports; admins read them
    expect((await api.call('POST', '/reports', { token: countyAdmin, body: { type: 'monthly', region: COUNTY, period: '2024-05' } })).status).toBe(403);
    expect((await api.call('GET', `/reports/${monthlyId}`, { token: townshipSupervisor })).status).toBe(404);
    expect((await api.call('POST', '/reports', { token: townshipSupervisor, body: { type: 'monthly', region: COUNTY, period: '2024-05' } })).status).toBe(404);
    expect((await api.call('POST', '/reports', { token: supervisor, body: { type: 'monthly', region: '141000000000', period: '2024-05' } })).status).toBe(404);
    expect(await tableSnapshot()).toEqual(before);
    // The county admin and the province supervisor of the region may read.
    expect((await api.call('GET', `/reports/${monthlyId}`, { token: countyAdmin })).status).toBe(200);
    const provinceAdmin = await api.login(BOOTSTRAP.sysAdmin());
    expect((await api.call('GET', `/reports?region=${COUNTY}&type=monthly`, { token: provinceAdmin })).body.items).toHaveLength(1);
  });
});

describe('schedules', () => {
  it('matches the report crons in Asia/Shanghai', () => {
    const by = (name: string) => SCHEDULES.find((s) => s.name === name)!.cron;
    expect(cronMatches(by('reports-weekly'), new Date('2024-06-10T00:00:00Z'))).toBe(true); // Monday 08:00 +08
    expect(cronMatches(by('reports-weekly'), new Date('2024-06-10T08:00:00Z'))).toBe(false); // 16:00 +08
    expect(cronMatches(by('reports-weekly'), new Date('2024-06-11T00:00:00Z'))).toBe(false); // Tuesday
    expect(cronMatches(by('reports-monthly'), new Date('2024-07-01T00:00:00Z'))).toBe(true);
    expect(cronMatches(by('reports-quarterly'), new Date('2024-07-01T00:00:00Z'))).toBe(true);
    expect(cronMatches(by('reports-quarterly'), new Date('2024-08-01T00:00:00Z'))).toBe(false);
    expect(cronMatches(by('reports-monthly'), new Date('2024-06-30T16:00:00Z'))).toBe(false); // 07-01 00:00 +08
  });

  it('fires a due entry on an injected clock: the weekly report for the week before is made and stored', async () => {
    let now = new Date('2024-06-16T23:59:50Z'); // Monday 2024-06-17 07:59:50 +08
    const scheduler = startLocalScheduler({ now: () => now, tickMs: 0, log: () => undefined });
    expect(await scheduler.tick()).toEqual([]);
    now = new Date('2024-06-17T00:00:10Z'); // 08:00:10 +08
    const fired = await scheduler.tick();
    scheduler.stop();
    expect(fired.map((f) => [f.name, f.ok])).toEqual([['reports-weekly', true]]);
    expect(fired[0]!.result).toMatchObject({ type: 'weekly', period: '2024-W24', made: [{ regionCode: COUNTY }] });
    const list = await api.call('GET', `/reports?type=weekly&region=${COUNTY}&period=2024-W24`, { token: supervisor });
    expect(list.body.items).toMatchObject([{ period: '2024-W24', trigger: 'schedule', revision: 1 }]);
    // A second run (a retry) leaves the stored report alone.
    const { runScheduledReports } = await import('./jobs');
    const rerun = await runScheduledReports({ type: 'weekly', scheduledTime: '2024-06-17T00:00:00Z' });
    expect(rerun).toMatchObject({ made: [], existing: [COUNTY] });
  });
});

describe('GET /audit', () => {
  it('filters the operation log by target, actor and time for county and province admins only', async () => {
    const made = await api.call('POST', '/reports', { token: supervisor, body: { type: 'monthly', region: COUNTY, period: '2024-04' } });
    const byTarget = await api.call('GET', `/audit?target=Report:${made.body.id}`, { token: countyAdmin });
    expect(byTarget.status).toBe(200);
    expect(byTarget.body.items).toMatchObject([{ action: 'report.generated', targetType: 'Report', targetId: made.body.id, actorId: supervisorId, countyCode: COUNTY }]);
    const byActor = await api.call('GET', `/audit?actor=${supervisorId}&limit=200`, { token: countyAdmin });
    expect(byActor.body.items.length).toBeGreaterThanOrEqual(5);
    expect(byActor.body.items.every((l: any) => l.actorId === supervisorId)).toBe(true);
    const ids = byActor.body.items.map((l: any) => l.id);
    expect(ids).toEqual([...ids].sort().reverse());
    const past = await api.call('GET', `/audit?actor=${supervisorId}&from=2020-01-01&to=2020-12-31`, { token: countyAdmin });
    expect(past.body.items).toEqual([]);
    const today = new Date().toISOString().slice(0, 10);
    const window = await api.call('GET', `/audit?target=Report:${made.body.id}&from=${today}T00:00:00Z`, { token: countyAdmin });
    expect(window.body.items).toHaveLength(1);
    const county = await api.call('GET', '/audit?limit=5', { token: countyAdmin });
    expect(county.body.items).toHaveLength(5);
    expect(county.body.items.every((l: any) => l.countyCode === COUNTY)).toBe(true);
    const province = await api.call('GET', `/audit?region=${COUNTY}&limit=3`, { token: await api.login(BOOTSTRAP.sysAdmin()) });
    expect(province.body.items).toHaveLength(3);
    const bad = await api.call('GET', '/audit?target=nocolon&from=2024-13-01', { token: countyAdmin });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: any) => d.field).sort()).toEqual(['query.from', 'query.target']);
    expect((await api.call('GET', '/audit', { token: supervisor })).status).toBe(403);
  });

  it('takes an open-ended range, dates before 1970 or far ahead, and refuses impossible dates with 400', async () => {
    // Prepare: an entry of the supervisor's today
    const made = await api.call('POST', '/reports', { token: supervisor, body: { type: 'monthly', region: COUNTY, period: '2024-03' } });
    expect(made.status).toBe(201);
    // Act
    const upTo = await api.call('GET', `/audit?target=Report:${made.body.id}&to=9999-12-31`, { token: countyAdmin });
    const countyUpTo = await api.call('GET', '/audit?to=2999-01-01T00:00:00Z&limit=2', { token: countyAdmin });
    const beforeEpoch = await api.call('GET', `/audit?actor=${supervisorId}&from=1960-01-01&to=1969-12-31`, { token: countyAdmin });
    const impossible = await api.call('GET', '/audit?from=2024-02-30&to=2024-04-31T10:00:00Z', { token: countyAdmin });
    // Assess
    expect(upTo.status).toBe(200);
    expect(upTo.body.items).toMatchObject([{ action: 'report.generated', targetId: made.body.id }]);
    expect(countyUpTo.status).toBe(200);
    expect(countyUpTo.body.items).toHaveLength(2);
    expect(beforeEpoch.status).toBe(200);
    expect(beforeEpoch.body.items).toEqual([]);
    expect(impossible.status).toBe(400);
    expect(impossible.body.error.details.map((d: any) => d.field).sort()).toEqual(['query.from', 'query.to']);
  });
});
