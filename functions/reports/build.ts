/**
 * The report engine (R1–R3): reads each domain through sources.ts, then computes sections,
 * per-unit and per-point rows, the ranking (docs/reports.md) and the quarterly assessment.
 * Everything after the reads is pure, so figures are testable against independent counts.
 */
import {
  CHANNELS,
  DEVICE_STAGES,
  POINT_STAGES,
  ACCOUNT_STATUSES,
  type AccountAttrs,
  type CaseAttrs,
  type CaseCounterAttrs,
  type DeviceAttrs,
  type ExpenditureAttrs,
  type PointAttrs,
  type PointFundAttrs,
  type ProblemAttrs,
  type ProblemStatAttrs,
  type RegionAttrs,
  PROBLEM_CATEGORIES,
  PROBLEM_LEVELS,
} from '../../shared/db/entities';
import { regionChildren } from '../../shared/regions';
import { depthOf } from '../../shared/security/scope';
import { dateShanghai, isoShanghai } from '../../shared/clock';
import {
  DEVICE_LINE,
  PLAN_MILESTONES,
  STAGE_NAMES,
  deviceRank,
  requiredStageOn,
  stageRank,
} from './milestones';
import type { Period } from './period';
import * as sources from './sources';
import { NO_WORKPLAN, readWorkplan, workplanFigures, type WorkplanInputs } from './workplan';

export interface Inputs {
  region: RegionAttrs;
  subRegions: RegionAttrs[];
  period: Period;
  now: Date;
  points: PointAttrs[];
  devices: DeviceAttrs[];
  accounts: AccountAttrs[];
  /** Per-point case counters of the period: monthly items, or for a week the week items. */
  counters: PointCounter[];
  overdueCases: CaseAttrs[];
  /** Problem counters of the period per filing region (months, or the week). */
  problemStats: ProblemStatAttrs[];
  /** Problems not resolved as of making (from the holding units' status index). */
  openProblems: ProblemAttrs[];
  funds: PointFundAttrs[];
  expenditures: ExpenditureAttrs[];
  itemNames: Map<string, string>;
  /** Training, publicity and the tasks' hand records (functions/reports/workplan.ts). */
  workplan?: WorkplanInputs;
}

/** A point's counters for a month or a week (CaseCounter / CaseWeekCounter). */
export type PointCounter = Pick<CaseCounterAttrs, 'pointId'> & Record<string, unknown>;

/**
 * Reads everything a report needs: a fixed number of queries per bucket and month (or week),
 * plus, for a week, one BatchGet per 100 points.
 */
export async function readInputs(region: RegionAttrs, period: Period, now: Date): Promise<Inputs> {
  const slices = await sources.slicesOf(region);
  const asOf = dateShanghai(now);
  const year = Number(period.end.slice(0, 4));
  const weekly = period.type === 'weekly';
  const pointsRead = sources.readPoints(slices);
  const accountsRead = sources.readAccounts(slices);
  const [subRegions, points, devices, accounts, counters, overdueCases, problemStats, openProblems, funds, expenditures, itemNames, workplan] = await Promise.all([
    regionChildren(region.code),
    pointsRead,
    sources.readDevices(slices),
    accountsRead,
    weekly ? pointsRead.then((ps) => sources.readWeekCounters(ps, period.key)) : sources.readCaseCounters(slices, period.months),
    sources.readOverdueCases(slices, asOf),
    sources.readProblemStats(slices, weekly ? [period.key] : period.months),
    sources.readOpenProblems(region, slices),
    sources.readPointFunds(slices, year),
    sources.readExpenditures(slices, period),
    sources.readItemNames(),
    readWorkplan(region, slices, period, accountsRead),
  ]);
  return { region, subRegions, period, now, points, devices, accounts, counters, overdueCases, problemStats, openProblems, funds, expenditures, itemNames, workplan };
}

// ── figures ────────────────────────────────────────────────────────────────────────────────

export interface CaseFigures {
  accepted: number;
  closed: number;
  completed: number;
  rejected: number;
  onTime: number;
  late: number;
  violations: number;
  ratingCount: number;
  ratingSum: number;
  badRatings: number;
  byItem: Record<string, number>;
  byChannel: Record<string, number>;
  closedByItem: Record<string, number>;
  lateByItem: Record<string, number>;
}
const emptyCases = (): CaseFigures => ({
  accepted: 0,
  closed: 0,
  completed: 0,
  rejected: 0,
  onTime: 0,
  late: 0,
  violations: 0,
  ratingCount: 0,
  ratingSum: 0,
  badRatings: 0,
  byItem: {},
  byChannel: {},
  closedByItem: {},
  lateByItem: {},
});
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

function addCounter(f: CaseFigures, c: PointCounter): void {
  f.accepted += num(c.accepted);
  f.completed += num(c.completed);
  f.rejected += num(c.rejected);
  f.closed += num(c.completed) + num(c.rejected);
  f.onTime += num(c.onTime);
  f.violations += num(c.violations);
  f.ratingCount += num(c.ratingCount);
  f.ratingSum += num(c.ratingSum);
  f.badRatings += num(c.badRatings);
  for (const [k, v] of Object.entries(c)) {
    if (k.startsWith('item_')) f.byItem[k.slice(5)] = (f.byItem[k.slice(5)] ?? 0) + num(v);
    else if (k.startsWith('ch_')) f.byChannel[k.slice(3)] = (f.byChannel[k.slice(3)] ?? 0) + num(v);
    else if (k.startsWith('done_')) f.closedByItem[k.slice(5)] = (f.closedByItem[k.slice(5)] ?? 0) + num(v);
    else if (k.startsWith('late_')) f.lateByItem[k.slice(5)] = (f.lateByItem[k.slice(5)] ?? 0) + num(v);
  }
  f.late = f.closed - f.onTime;
}
/** One counter attribute summed over the points' counters of the period. */
const counterSum = (counters: PointCounter[], key: string): number => counters.reduce((n, c) => n + num(c[key]), 0);
function mergeCases(into: CaseFigures, f: CaseFigures): void {
  for (const k of ['accepted', 'closed', 'completed', 'rejected', 'onTime', 'late', 'violations', 'ratingCount', 'ratingSum', 'badRatings'] as const) into[k] += f[k];
  for (const k of ['byItem', 'byChannel', 'closedByItem', 'lateByItem'] as const)
    for (const [code, n] of Object.entries(f[k])) into[k][code] = (into[k][code] ?? 0) + n;
}

const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);

export interface PointRow {
  pointId: string;
  name: string;
  kind: string;
  regionCode: string;
  unitCode: string;
  unitName: string;
  stage: string;
  stageName: string;
  needsKiosk: boolean;
  kioskDebugged: boolean;
  activeOperators: number;
  /** Active operators who attended a session of the required kind, and whether all did. */
  operatorsTrained: number;
  staffTrained: boolean;
  cases: CaseFigures;
  overdueOpen: number;
  completionRate: number | null;
  onTimeRate: number | null;
  ratingAverage: number | null;
  allocatedFen: number;
  spentFen: number;
  balanceFen: number;
  spentInPeriodFen: number;
  score: number | null;
  components: Record<Component, number | null>;
  lags: string[];
  rank?: number;
}

export interface UnitRow {
  code: string;
  name: string;
  points: number;
  stageBehind: number;
  kioskNeeded: number;
  kioskDebugged: number;
  pointsWithOperator: number;
  pointsStaffTrained: number;
  publicity: { activities: number; people: number; copies: number; yearToDate: number };
  cases: CaseFigures;
  overdueOpen: number;
  completionRate: number | null;
  onTimeRate: number | null;
  ratingAverage: number | null;
  problemsFiled: number;
  problemsEscalated: number;
  problemsOpen: number;
  problemsOverdue: number;
  allocatedFen: number;
  spentFen: number;
  balanceFen: number;
  score: number | null;
  components: Record<Component, number | null>;
  lags: string[];
  rank?: number;
  grade?: string;
}

/** Score weights (docs/reports.md). A component with no data is left out and the rest re-weighted. */
export const WEIGHTS = { progress: 30, kiosk: 10, accounts: 10, onTime: 20, notification: 10, ratings: 10, activity: 10, training: 10, publicity: 5 } as const;
export type Component = keyof typeof WEIGHTS;
export const COMPONENT_NAMES: Record<Component, string> = {
  progress: '建设进度',
  kiosk: '自助设备',
  accounts: '操作员账号',
  onTime: '按时办结',
  notification: '一次性告知',
  ratings: '好差评',
  activity: '办件开展',
  training: '人员培训',
  publicity: '宣传活动',
};

export function scoreOf(components: Record<Component, number | null>): number | null {
  let w = 0;
  let sum = 0;
  for (const [k, weight] of Object.entries(WEIGHTS)) {
    const v = components[k as Component];
    if (v === null || v === undefined) continue;
    w += weight;
    sum += weight * Math.max(0, Math.min(1, v));
  }
  return w > 0 ? Math.round((1000 * sum) / w) / 10 : null;
}

export function gradeOf(score: number | null): string {
  if (score === null) return '无数据';
  if (score >= 90) return '优秀';
  if (score >= 75) return '良好';
  if (score >= 60) return '合格';
  return '不合格';
}

const pct = (v: number | null): string => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);
const OPERATING: string[] = ['trial_run', 'accepted', 'in_operation'];

/** What a point's device records say about its kiosk as of a date (stage dates when present). */
function deviceReached(d: DeviceAttrs, stage: (typeof DEVICE_LINE)[number], asOf: string): boolean {
  const dated = d.stageDates?.[stage];
  if (dated) return dated <= asOf;
  // No date recorded for that stage: a later stage implies it was passed.
  const laterDated = DEVICE_LINE.slice(deviceRank(stage) + 1).map((s) => d.stageDates?.[s]).find(Boolean);
  if (laterDated) return laterDated <= asOf;
  return deviceRank(d.stage) >= deviceRank(stage) && (!d.stageDates || Object.keys(d.stageDates).length === 0);
}

export function computeReport(inp: Inputs) {
  const { region, period } = inp;
  const periodEnd = period.end;
  const asOf = dateShanghai(inp.now);
  const regionDepth = depthOf(region.path);
  const unitOf = (path: string): { code: string; name: string } => {
    const code = path.split('/')[regionDepth + 1];
    if (!code) return { code: region.code, name: `${region.name}（本级）` };
    const sub = inp.subRegions.find((r) => r.code === code);
    return { code, name: sub?.name ?? code };
  };

  const required = requiredStageOn(periodEnd);
  const kioskDue = PLAN_MILESTONES.find((m) => m.key === 'kiosks_half')!.due <= periodEnd;
  const accountsDue = PLAN_MILESTONES.find((m) => m.key === 'accounts')!.due <= periodEnd;
  const trainingDue = PLAN_MILESTONES.find((m) => m.key === 'staff_trained')!.due <= periodEnd;
  const publicityDue = PLAN_MILESTONES.find((m) => m.key === 'publicity')!.due <= periodEnd;
  const wp = workplanFigures({ ...inp, workplan: inp.workplan ?? NO_WORKPLAN }, period, inp.now);

  const livePoints = inp.points.filter((p) => p.stage !== 'closed');
  const devicesByPoint = new Map<string, DeviceAttrs[]>();
  for (const d of inp.devices) devicesByPoint.set(d.pointId, [...(devicesByPoint.get(d.pointId) ?? []), d]);
  const operatorsByPoint = new Map<string, number>();
  for (const a of inp.accounts)
    if (a.status === 'active' && a.pointId && a.roles.includes('operator')) operatorsByPoint.set(a.pointId, (operatorsByPoint.get(a.pointId) ?? 0) + 1);
  const casesByPoint = new Map<string, CaseFigures>();
  for (const c of inp.counters) {
    const f = casesByPoint.get(c.pointId) ?? emptyCases();
    addCounter(f, c);
    casesByPoint.set(c.pointId, f);
  }
  const overdueByPoint = new Map<string, number>();
  for (const c of inp.overdueCases) overdueByPoint.set(c.pointId, (overdueByPoint.get(c.pointId) ?? 0) + 1);
  const fundByPoint = new Map(inp.funds.map((f) => [f.pointId, f]));
  const spentInPeriodByPoint = new Map<string, number>();
  for (const e of inp.expenditures) spentInPeriodByPoint.set(e.pointId, (spentInPeriodByPoint.get(e.pointId) ?? 0) + e.amountFen);

  // ── per point
  const pointRows: PointRow[] = inp.points.map((p) => {
    const unit = unitOf(p.regionPath);
    const needsKiosk = p.kind === 'village' || p.kind === 'community';
    const kioskDebugged = (devicesByPoint.get(p.id) ?? []).some((d) => deviceReached(d, 'debugged', periodEnd));
    const cases = casesByPoint.get(p.id) ?? emptyCases();
    const fund = fundByPoint.get(p.id);
    const operators = operatorsByPoint.get(p.id) ?? 0;
    const rank = p.stage === 'suspended' ? -1 : stageRank(p.stage);
    const trained = wp.byPoint.get(p.id) ?? { operators: 0, operatorsTrained: 0, staffTrained: false };
    const components: Record<Component, number | null> = {
      progress: required ? Math.max(0, rank) / stageRank(required.stage) : null,
      kiosk: needsKiosk && kioskDue ? (kioskDebugged ? 1 : 0) : null,
      accounts: accountsDue ? (operators > 0 ? 1 : 0) : null,
      onTime: ratio(cases.onTime, cases.closed),
      notification: cases.accepted > 0 ? 1 - cases.violations / cases.accepted : null,
      ratings: cases.ratingCount > 0 ? cases.ratingSum / cases.ratingCount / 5 : null,
      activity: OPERATING.includes(p.stage) ? (cases.accepted > 0 ? 1 : 0) : null,
      training: trainingDue && p.stage !== 'closed' ? (trained.staffTrained ? 1 : 0) : null,
      publicity: null,
    };
    const lags: string[] = [];
    if (p.stage === 'suspended') lags.push('服务点暂停');
    else if (required && rank < stageRank(required.stage))
      lags.push(`建设进度滞后：当前「${STAGE_NAMES[p.stage]}」，应于${required.due}前达到「${STAGE_NAMES[required.stage]}」`);
    if (components.kiosk === 0) lags.push('自助设备未完成安装调试');
    if (components.accounts === 0) lags.push('无在岗操作员账号');
    if (components.training === 0 && trained.operators > 0) lags.push(`在岗操作员未全部参加业务培训（${trained.operatorsTrained}/${trained.operators}）`);
    if (components.onTime !== null && components.onTime < 0.9) lags.push(`按时办结率 ${pct(components.onTime)}`);
    if (cases.violations > 0) lags.push(`一次性告知违规 ${cases.violations} 次`);
    if (cases.badRatings > 0) lags.push(`差评 ${cases.badRatings} 条`);
    if (components.activity === 0) lags.push('本期无办件');
    if ((overdueByPoint.get(p.id) ?? 0) > 0) lags.push(`逾期未办结 ${overdueByPoint.get(p.id)} 件`);
    return {
      pointId: p.id,
      name: p.name,
      kind: p.kind,
      regionCode: p.regionCode,
      unitCode: unit.code,
      unitName: unit.name,
      stage: p.stage,
      stageName: STAGE_NAMES[p.stage],
      needsKiosk,
      kioskDebugged,
      activeOperators: operators,
      operatorsTrained: trained.operatorsTrained,
      staffTrained: trained.staffTrained,
      cases,
      overdueOpen: overdueByPoint.get(p.id) ?? 0,
      completionRate: ratio(cases.closed, cases.accepted),
      onTimeRate: ratio(cases.onTime, cases.closed),
      ratingAverage: cases.ratingCount > 0 ? Math.round((100 * cases.ratingSum) / cases.ratingCount) / 100 : null,
      allocatedFen: fund?.allocatedFen ?? 0,
      spentFen: fund?.spentFen ?? 0,
      balanceFen: fund?.balanceFen ?? 0,
      spentInPeriodFen: spentInPeriodByPoint.get(p.id) ?? 0,
      score: p.stage === 'closed' ? null : scoreOf(components),
      components,
      lags,
    };
  });

  // ── problems: what happened in the period from the counters; open / overdue per level as of generation
  const nowIso = isoShanghai(inp.now);
  const nowMs = inp.now.getTime();
  const problemRows = inp.openProblems.map((p) => ({
    p,
    unit: unitOf(p.regionPath),
    overdue: p.status === 'open' && new Date(p.deadline).getTime() < nowMs,
  }));
  const statRows = inp.problemStats.map((c) => ({ c, unit: unitOf(c.regionPath) }));
  const statSum = (rows: { c: ProblemStatAttrs }[], name: string) => rows.reduce((a, r) => a + num(r.c[name]), 0);

  // ── per unit (townships of a county, villages of a township, counties of a city …)
  const unitCodes = new Map<string, string>();
  for (const r of inp.subRegions) unitCodes.set(r.code, r.name);
  for (const row of pointRows) if (!unitCodes.has(row.unitCode)) unitCodes.set(row.unitCode, row.unitName);
  const unitRows: UnitRow[] = [...unitCodes].map(([code, name]) => {
    const rows = pointRows.filter((r) => r.unitCode === code && r.stage !== 'closed');
    const cases = emptyCases();
    rows.forEach((r) => mergeCases(cases, r.cases));
    const probs = problemRows.filter((x) => x.unit.code === code);
    const stats = statRows.filter((x) => x.unit.code === code);
    const progressVals = rows.map((r) => r.components.progress).filter((v): v is number => v !== null && v !== undefined);
    const kioskNeeded = rows.filter((r) => r.needsKiosk).length;
    const kioskDebugged = rows.filter((r) => r.needsKiosk && r.kioskDebugged).length;
    const withOperator = rows.filter((r) => r.activeOperators > 0).length;
    const operating = rows.filter((r) => OPERATING.includes(r.stage));
    const stageBehind = rows.filter((r) => r.lags.some((l) => l.startsWith('建设进度滞后') || l === '服务点暂停')).length;
    const staffTrained = rows.filter((r) => r.staffTrained).length;
    const unitPath = inp.subRegions.find((r) => r.code === code)?.path;
    const publicity = unitPath ? wp.publicityOf(unitPath) : { activities: 0, people: 0, copies: 0, yearToDate: 0 };
    const components: Record<Component, number | null> = {
      progress: progressVals.length ? Math.min(1, progressVals.reduce((a, b) => a + b, 0) / progressVals.length) : null,
      kiosk: kioskDue && kioskNeeded > 0 ? kioskDebugged / kioskNeeded : null,
      accounts: accountsDue && rows.length > 0 ? withOperator / rows.length : null,
      onTime: ratio(cases.onTime, cases.closed),
      notification: cases.accepted > 0 ? 1 - cases.violations / cases.accepted : null,
      ratings: cases.ratingCount > 0 ? cases.ratingSum / cases.ratingCount / 5 : null,
      activity: operating.length > 0 ? operating.filter((r) => r.cases.accepted > 0).length / operating.length : null,
      training: trainingDue && rows.length > 0 ? staffTrained / rows.length : null,
      publicity: publicityDue && rows.length > 0 && unitPath ? (publicity.yearToDate > 0 ? 1 : 0) : null,
    };
    const overdueOpen = rows.reduce((a, r) => a + r.overdueOpen, 0);
    const lags: string[] = [];
    if (stageBehind > 0) lags.push(`${stageBehind} 个服务点建设进度滞后`);
    if (components.kiosk !== null && components.kiosk < 1) lags.push(`自助设备安装调试 ${kioskDebugged}/${kioskNeeded}`);
    if (components.accounts !== null && components.accounts < 1) lags.push(`${rows.length - withOperator} 个服务点无在岗操作员`);
    if (components.training !== null && components.training < 1) lags.push(`人员培训滞后：${rows.length - staffTrained} 个服务点工作人员未全部参加业务培训`);
    if (components.publicity === 0) lags.push('本年度未开展宣传活动');
    if (components.onTime !== null && components.onTime < 0.9) lags.push(`按时办结率 ${pct(components.onTime)}`);
    if (cases.violations > 0) lags.push(`一次性告知违规 ${cases.violations} 次`);
    if (cases.badRatings > 0) lags.push(`差评 ${cases.badRatings} 条`);
    if (components.activity !== null && components.activity < 1) lags.push(`${operating.length - operating.filter((r) => r.cases.accepted > 0).length} 个运行中服务点本期无办件`);
    if (overdueOpen > 0) lags.push(`逾期未办结 ${overdueOpen} 件`);
    const problemsOverdue = probs.filter((x) => x.overdue).length;
    if (problemsOverdue > 0) lags.push(`逾期未答复问题 ${problemsOverdue} 个`);
    return {
      code,
      name,
      points: rows.length,
      stageBehind,
      kioskNeeded,
      kioskDebugged,
      pointsWithOperator: withOperator,
      pointsStaffTrained: staffTrained,
      publicity,
      cases,
      overdueOpen,
      completionRate: ratio(cases.closed, cases.accepted),
      onTimeRate: ratio(cases.onTime, cases.closed),
      ratingAverage: cases.ratingCount > 0 ? Math.round((100 * cases.ratingSum) / cases.ratingCount) / 100 : null,
      problemsFiled: statSum(stats, 'filed'),
      problemsEscalated: statSum(stats, 'toCity') + statSum(stats, 'toProvince'),
      problemsOpen: probs.length,
      problemsOverdue,
      allocatedFen: rows.reduce((a, r) => a + r.allocatedFen, 0),
      spentFen: rows.reduce((a, r) => a + r.spentFen, 0),
      balanceFen: rows.reduce((a, r) => a + r.balanceFen, 0),
      score: rows.length > 0 ? scoreOf(components) : null,
      components,
      lags,
    };
  });

  // ── ranking: highest score first; ties by name; the bottom fifth (at least one) with a lag is 排队督办
  const rank = <T extends { score: number | null; name: string; rank?: number; lags: string[] }>(rows: T[]): T[] => {
    const ranked = rows.filter((r) => r.score !== null).sort((a, b) => b.score! - a.score! || a.name.localeCompare(b.name, 'zh'));
    ranked.forEach((r, i) => (r.rank = i + 1));
    return ranked;
  };
  const rankedUnits = rank(unitRows);
  const rankedPoints = rank(pointRows);
  const bottom = <T extends { lags: string[] }>(ranked: T[]): T[] =>
    ranked
      .slice(ranked.length - Math.max(1, Math.ceil(ranked.length / 5)))
      .filter((r) => r.lags.length > 0)
      .reverse();

  // ── region totals
  const totalCases = emptyCases();
  pointRows.filter((r) => r.stage !== 'closed').forEach((r) => mergeCases(totalCases, r.cases));
  const byStage = Object.fromEntries(POINT_STAGES.map((s) => [s, inp.points.filter((p) => p.stage === s).length]));
  const devicesByStage = Object.fromEntries(DEVICE_STAGES.map((s) => [s, inp.devices.filter((d) => d.stage === s).length]));
  const kioskPoints = livePoints.filter((p) => p.kind === 'village' || p.kind === 'community');

  const milestones = PLAN_MILESTONES.map((m) => {
    const due = m.due <= periodEnd;
    let done: number | null = null;
    let of: number | null = null;
    const measure = m.measure;
    if (measure.kind === 'pointStage') {
      of = livePoints.length;
      done = livePoints.filter((p) => p.stage !== 'suspended' && stageRank(p.stage) >= stageRank(measure.stage)).length;
    } else if (measure.kind === 'kiosk') {
      of = kioskPoints.length;
      done = kioskPoints.filter((p) => (devicesByPoint.get(p.id) ?? []).some((d) => deviceReached(d, measure.stage, periodEnd))).length;
    } else if (measure.kind === 'funded') {
      of = livePoints.length;
      done = livePoints.filter((p) => (fundByPoint.get(p.id)?.allocatedFen ?? 0) > 0).length;
    } else if (measure.kind === 'taskCheck') {
      const check = wp.tasks.find((t) => t.no === measure.task)?.checks.find((c) => c.key === measure.check);
      of = check?.of ?? 0;
      done = check?.done ?? 0;
    }
    const target = measure.kind === 'untracked' ? null : measure.kind === 'taskCheck' ? 1 : measure.targetPct / 100;
    const rate = done !== null && of !== null ? ratio(done, of) : null;
    const status =
      measure.kind === 'untracked' ? 'untracked' : !due ? 'not_due' : rate !== null && target !== null && rate >= target ? 'met' : 'behind';
    return { key: m.key, nameZh: m.nameZh, due: m.due, target, done, of, rate, status, ...(measure.kind === 'untracked' ? { note: measure.why } : {}) };
  });

  const operatorAccounts = inp.accounts.filter((a) => a.roles.includes('operator'));
  const periodStartIso = `${period.start}T00:00:00`;
  const periodEndIso = `${period.end}T23:59:59.999`;

  const itemRows = Object.keys({ ...totalCases.byItem, ...totalCases.closedByItem })
    .sort()
    .map((code) => ({
      code,
      name: inp.itemNames.get(code) ?? code,
      accepted: totalCases.byItem[code] ?? 0,
      closed: totalCases.closedByItem[code] ?? 0,
      late: totalCases.lateByItem[code] ?? 0,
    }));

  const sections = {
    points: { total: inp.points.length, live: livePoints.length, byStage, milestones },
    kiosks: {
      total: inp.devices.length,
      byStage: devicesByStage,
      pointsNeedingKiosk: kioskPoints.length,
      pointsWithKioskDebugged: kioskPoints.filter((p) => (devicesByPoint.get(p.id) ?? []).some((d) => deviceReached(d, 'debugged', periodEnd))).length,
    },
    accounts: {
      total: inp.accounts.length,
      byStatus: Object.fromEntries(ACCOUNT_STATUSES.map((s) => [s, inp.accounts.filter((a) => a.status === s).length])),
      configured: inp.accounts.filter((a) => a.status !== 'deregistered').length,
      operatorsConfigured: operatorAccounts.filter((a) => a.status !== 'deregistered').length,
      operatorsActive: operatorAccounts.filter((a) => a.status === 'active').length,
      loggedInInPeriod: inp.accounts.filter((a) => a.lastLoginAt && a.lastLoginAt >= periodStartIso && a.lastLoginAt <= periodEndIso + '+08:00').length,
      pointsWithOperator: livePoints.filter((p) => (operatorsByPoint.get(p.id) ?? 0) > 0).length,
    },
    cases: {
      basis: period.type === 'weekly' ? 'week' : 'period',
      months: period.months,
      accepted: totalCases.accepted,
      closed: totalCases.closed,
      completed: totalCases.completed,
      rejected: totalCases.rejected,
      onTime: totalCases.onTime,
      late: totalCases.late,
      completionRate: ratio(totalCases.closed, totalCases.accepted),
      onTimeRate: ratio(totalCases.onTime, totalCases.closed),
      violations: totalCases.violations,
      overdueOpen: inp.overdueCases.length,
      overdueAsOf: asOf,
      byChannel: Object.fromEntries(CHANNELS.map((c) => [c, totalCases.byChannel[c] ?? 0])),
      byItem: itemRows,
      // Judged high-risk at acceptance (functions/cases/risk.ts): accepted, and closed in the period, on time or not.
      highRisk: { accepted: counterSum(inp.counters, 'riskHigh'), closed: counterSum(inp.counters, 'riskHighClosed'), onTime: counterSum(inp.counters, 'riskHighOnTime') },
      // Case steps queued for re-review after a leak freeze, and cleared (functions/cases/re-reviews.ts).
      reReviews: { queued: counterSum(inp.counters, 'reReviewQueued'), confirmed: counterSum(inp.counters, 'reReviewConfirmed'), flagged: counterSum(inp.counters, 'reReviewFlagged') },
    },
    problems: {
      // In the period (counters): filed, by category, moved up, answered, reopened, resolved
      filed: statSum(statRows, 'filed'),
      byCategory: Object.fromEntries(PROBLEM_CATEGORIES.map((c) => [c, statSum(statRows, `cat_${c}`)])),
      escalated: statSum(statRows, 'toCity') + statSum(statRows, 'toProvince'),
      escalatedToCity: statSum(statRows, 'toCity'),
      escalatedToProvince: statSum(statRows, 'toProvince'),
      answered: statSum(statRows, 'answered'),
      reopened: statSum(statRows, 'reopened'),
      resolved: statSum(statRows, 'resolved'),
      // As of making (status index): not resolved, and open past the holder's deadline
      open: problemRows.length,
      answeredAwaitingFiler: problemRows.filter((x) => x.p.status === 'answered').length,
      overdue: problemRows.filter((x) => x.overdue).length,
      byLevel: PROBLEM_LEVELS.map((level) => ({
        level,
        open: problemRows.filter((x) => x.p.level === level).length,
        overdue: problemRows.filter((x) => x.overdue && x.p.level === level).length,
        escalatedHere: level === 'county' ? 0 : statSum(statRows, level === 'city' ? 'toCity' : 'toProvince'),
      })),
      asOf: nowIso,
    },
    funds: {
      year: Number(period.end.slice(0, 4)),
      allocatedFen: inp.funds.reduce((a, f) => a + f.allocatedFen, 0),
      spentFen: inp.funds.reduce((a, f) => a + f.spentFen, 0),
      balanceFen: inp.funds.reduce((a, f) => a + f.balanceFen, 0),
      spentInPeriodFen: inp.expenditures.reduce((a, e) => a + e.amountFen, 0),
      pointsFunded: inp.funds.filter((f) => f.allocatedFen > 0).length,
    },
    ...wp.sections,
    ratings: {
      count: totalCases.ratingCount,
      average: totalCases.ratingCount > 0 ? Math.round((100 * totalCases.ratingSum) / totalCases.ratingCount) / 100 : null,
      bad: totalCases.badRatings,
    },
  };

  const summary = {
    points: livePoints.length,
    pointsInOperation: byStage.in_operation ?? 0,
    kiosksDebugged: sections.kiosks.pointsWithKioskDebugged,
    casesAccepted: totalCases.accepted,
    onTimeRate: sections.cases.onTimeRate,
    overdueCases: inp.overdueCases.length,
    problemsOpen: sections.problems.open,
    balanceFen: sections.funds.balanceFen,
    pointsStaffTrained: wp.sections.training.pointsStaffTrained,
    publicityActivities: wp.sections.publicity.activities,
    tasksOverdue: wp.tasks.filter((t) => t.state === 'overdue').length,
  };

  const weekly = period.type === 'weekly';
  return {
    schema: 1,
    type: period.type,
    period: { key: period.key, start: period.start, end: period.end },
    region: { code: region.code, name: region.name, level: region.level, path: region.path },
    asOf: nowIso,
    summary,
    sections: weekly
      ? { ...sections, cases: { ...sections.cases, byItem: undefined } }
      : sections,
    units: unitRows,
    points: weekly ? undefined : pointRows,
    ranking: {
      weights: WEIGHTS,
      units: rankedUnits.map((u) => ({ rank: u.rank!, code: u.code, name: u.name, score: u.score })),
      points: weekly ? undefined : rankedPoints.map((p) => ({ rank: p.rank!, pointId: p.pointId, name: p.name, unitName: p.unitName, score: p.score })),
      laggards: {
        units: bottom(rankedUnits).map((u) => ({ rank: u.rank!, code: u.code, name: u.name, score: u.score, lags: u.lags })),
        points: bottom(rankedPoints).map((p) => ({ rank: p.rank!, pointId: p.pointId, name: p.name, unitName: p.unitName, score: p.score, lags: p.lags })),
      },
    },
    assessment:
      period.type === 'quarterly'
        ? unitRows.map((u) => ({ code: u.code, name: u.name, score: u.score, grade: gradeOf(u.score), rank: u.rank ?? null, components: u.components }))
        : undefined,
    coverage: coverageNotes(period.type),
  };
}

export type ReportContent = ReturnType<typeof computeReport>;

/** Where each section's figures come from and what they cannot show (kept with the report). */
function coverageNotes(type: string) {
  return [
    { section: '服务点阶段', source: 'Point gsi2 (按阶段)', note: '阶段为生成时的当前阶段；撤销的服务点不计入应完成数，暂停的计为未完成' },
    { section: '自助设备', source: 'Device gsi2 (县内设备)', note: '按设备记录的各阶段日期计算截至期末的进度' },
    { section: '账号', source: 'Account gsi2 (按状态)', note: '状态为生成时状态' },
    {
      section: '办件',
      source: type === 'weekly' ? 'CaseWeekCounter (服务点×周计数器, BatchGet)' : 'CaseCounter gsi1 (服务点×月计数器)',
      note:
        type === 'weekly'
          ? '服务点×ISO周计数器（北京时间周一至周日）按服务点批量读取：本周七天内的办件数；逾期未办结为生成时在办且已过办结时限的办件'
          : '按月计数器汇总；逾期未办结为生成时在办且已过办结时限的办件',
    },
    {
      section: '问题',
      source: 'ProblemStat gsi1 (区划×月/周计数器); Problem gsi2 (承办单位×状态)',
      note: '提交、分类、上移至市/省、答复、重新打开、确认解决为期内发生数（计数器）；未办结、逾期为生成时状态（只读未办结问题）',
    },
    { section: '资金', source: 'PointFund gsi3 / Expenditure gsi1', note: '下达、支出、结余为年度累计（截至生成时）；期内支出按支出日期' },
    { section: '好差评', source: 'CaseCounter (ratingSum/ratingCount/badRatings)', note: '差评为1–2分' },
    { section: '培训', source: 'Training gsi1 (按区划×日期); StaffTraining (账号×培训类别, BatchGet)', note: '期内举办的培训为本区域组织的场次；服务点工作人员已培训＝每个在岗操作员均参加过业务培训（截至期末或生成时），在岗操作员为生成时状态' },
    { section: '宣传', source: 'Publicity gsi1 (按区划×日期); Expenditure gsi1', note: '期内宣传活动、覆盖人数和份数；关联的宣传支出与资金台账中的宣传类支出对照' },
    { section: '工作任务', source: 'TaskRecord (县×事项); 以及上述各项', note: '七项工作任务按截止日期评估（截至期末或生成时）：动员大会、报市等由县级登记，其余由各项记录得出' },
  ];
}
