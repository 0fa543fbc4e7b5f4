/**
 * Training, publicity and the plan's seven tasks in the reports (functions/workplan keeps the
 * records). Reads: sessions of the period (Training gsi1 by bucket and date), each active
 * operator's and county backbone's training record (StaffTraining BatchGet, 100 keys a call),
 * publicity of the year to the period's end (Publicity gsi1 by bucket and date) and the
 * counties' hand records (TaskRecord, one Query per county) — all growing with points and
 * accounts, never with cases.
 */
import { getItems, queryAll } from '../../shared/db/store';
import {
  accountsByStatus,
  POINT_STAFF_TRAINING_KIND,
  PUBLICITY_KINDS,
  StaffTraining,
  TRAINING_KINDS,
  ORGANISER_LEVELS,
  publicityInBucket,
  taskRecordsOfCounty,
  trainingsInBucket,
  type AccountAttrs,
  type DeviceAttrs,
  type PointAttrs,
  type PointFundAttrs,
  type PublicityAttrs,
  type RegionAttrs,
  type StaffTrainingAttrs,
  type TaskRecordAttrs,
  type TrainingAttrs,
  type TrainingKind,
} from '../../shared/db/entities';
import { countiesUnder } from '../../shared/regions';
import { countyOf, depthOf } from '../../shared/security/scope';
import { dateShanghai } from '../../shared/clock';
import { evaluateTasks, pointStaffTrained, type TaskFacts, type TaskResult } from '../workplan/tasks';
import type { Period } from './period';
import * as sources from './sources';
import type { Slice } from './sources';

export interface WorkplanInputs {
  /** Sessions organised in the region (or below) dated in the period. */
  trainings: TrainingAttrs[];
  /** By account: the first date it attended a business session, and a province system-operation session. */
  trainedOn: Map<string, { business?: string; provinceSystemOperation?: string }>;
  /** Publicity activities of the region from the start of the period's year to its end. */
  publicity: PublicityAttrs[];
  taskRecords: TaskRecordAttrs[];
  counties: string[];
  /** For a region below a county: the county's own active staff (its posts and backbones are the county's). */
  countyStaff?: AccountAttrs[];
}

const isOperator = (a: AccountAttrs) => a.status === 'active' && !!a.pointId && a.roles.includes('operator');
/** The county's business backbones (业务骨干): its active county-level reviewers. */
const isBackbone = (a: AccountAttrs) => a.status === 'active' && depthOf(a.regionPath) === 2 && a.roles.includes('reviewer');

async function readTrainedOn(accounts: AccountAttrs[]): Promise<WorkplanInputs['trainedOn']> {
  const wanted: { accountId: string; kind: TrainingKind }[] = [];
  for (const a of accounts) {
    if (isOperator(a)) wanted.push({ accountId: a.id, kind: POINT_STAFF_TRAINING_KIND });
    if (isBackbone(a)) wanted.push({ accountId: a.id, kind: 'system_operation' });
  }
  const chunks: (typeof wanted)[] = [];
  for (let i = 0; i < wanted.length; i += 100) chunks.push(wanted.slice(i, i + 100));
  const got = (await Promise.all(chunks.map((c) => getItems<StaffTrainingAttrs>(c.map((k) => StaffTraining.key(k)))))).flat();
  const out: WorkplanInputs['trainedOn'] = new Map();
  for (const r of got) {
    if (!r) continue;
    const e = out.get(r.accountId) ?? {};
    if (r.kind === POINT_STAFF_TRAINING_KIND && r.firstDate) e.business = r.firstDate;
    if (r.kind === 'system_operation') {
      const d = Object.values(r.sessions ?? {}).filter((s) => s.organiserLevel === 'province').map((s) => s.date).sort()[0];
      if (d) e.provinceSystemOperation = d;
    }
    out.set(r.accountId, e);
  }
  return out;
}

const inSlice = (slices: Slice[], x: { scopeBucket: string; regionPath: string }) =>
  slices.some((s) => s.bucket === x.scopeBucket && x.regionPath.startsWith(s.pathPrefix));

export async function readWorkplan(region: RegionAttrs, slices: Slice[], period: Pick<Period, 'start' | 'end'>, accounts: Promise<AccountAttrs[]>): Promise<WorkplanInputs> {
  const yearStart = `${period.end.slice(0, 4)}-01-01`;
  const from = period.start < yearStart ? period.start : yearStart;
  const counties = await countiesUnder(region);
  // Below a county the region's slice holds no county-level account: read the county's own
  // (Account gsi2 ACCOUNTS_STATUS#county#active, begins_with "<county path>#" = county level only).
  const countyPath = region.path.split('/').slice(0, 3).join('/');
  const countyStaff = depthOf(region.path) > 2 ? queryAll<AccountAttrs>({ ...accountsByStatus(counties[0]!, 'active'), skPrefix: `${countyPath}#` }) : undefined;
  const [trainings, publicity, taskRecords, trainedOn, county] = await Promise.all([
    Promise.all(slices.map((s) => queryAll<TrainingAttrs>({ ...trainingsInBucket(s.bucket), skBetween: [`${period.start}#`, `${period.end}#\uffff`] }))),
    Promise.all(slices.map((s) => queryAll<PublicityAttrs>({ ...publicityInBucket(s.bucket), skBetween: [`${from}#`, `${period.end}#\uffff`] }))),
    Promise.all(counties.map((c) => queryAll<TaskRecordAttrs>(taskRecordsOfCounty(c)))),
    Promise.all([accounts, countyStaff ?? []]).then(([a, c]) => readTrainedOn([...a, ...c])),
    countyStaff,
  ]);
  return {
    trainings: trainings.flat().filter((t) => inSlice(slices, t)),
    publicity: publicity.flat().filter((a) => inSlice(slices, a)),
    taskRecords: taskRecords.flat(),
    trainedOn,
    counties,
    ...(county ? { countyStaff: county } : {}),
  };
}

/** The facts the seven tasks are judged on, as of a date. */
export function taskFactsOf(inp: { points: PointAttrs[]; devices: DeviceAttrs[]; accounts: AccountAttrs[]; funds: PointFundAttrs[]; workplan: WorkplanInputs }, asOf: string): TaskFacts {
  const live = inp.points.filter((p) => p.stage !== 'closed');
  const devices = new Map<string, DeviceAttrs[]>();
  for (const d of inp.devices) devices.set(d.pointId, [...(devices.get(d.pointId) ?? []), d]);
  const funded = new Set(inp.funds.filter((f) => f.allocatedFen > 0).map((f) => f.pointId));
  const operators = new Map<string, { accountId: string; trainedOn?: string }[]>();
  for (const a of inp.accounts.filter(isOperator)) {
    operators.set(a.pointId!, [...(operators.get(a.pointId!) ?? []), { accountId: a.id, trainedOn: inp.workplan.trainedOn.get(a.id)?.business }]);
  }
  const countyStaff = (inp.workplan.countyStaff ?? inp.accounts).filter((a) => a.status === 'active' && depthOf(a.regionPath) === 2);
  return {
    asOf,
    counties: inp.workplan.counties,
    records: inp.workplan.taskRecords,
    points: live.map((p) => ({
      id: p.id,
      stage: p.stage,
      needsKiosk: p.kind === 'village' || p.kind === 'community',
      kiosks: devices.get(p.id) ?? [],
      funded: funded.has(p.id),
      operators: operators.get(p.id) ?? [],
      townshipCode: p.regionPath.split('/')[3],
    })),
    countyPosts: inp.workplan.counties.map((c) => {
      const staff = countyStaff.filter((a) => countyOf(a.regionPath) === c);
      return {
        countyCode: c,
        sysAdmin: staff.some((a) => a.roles.includes('sys_admin')),
        bizAdmin: staff.some((a) => a.roles.includes('biz_admin')),
        reviewers: staff.filter(isBackbone).map((a) => ({ accountId: a.id, trainedOn: inp.workplan.trainedOn.get(a.id)?.provinceSystemOperation })),
      };
    }),
    publicity: inp.workplan.publicity.map((a) => ({ townshipCode: a.regionPath.split('/')[3] ?? a.regionCode, date: a.date })),
  };
}

/** The tasks are judged as of the period's end, or today while the period runs. */
export const taskAsOf = (periodEnd: string, now: Date): string => {
  const today = dateShanghai(now);
  return periodEnd < today ? periodEnd : today;
};

export interface PointTraining {
  operators: number;
  operatorsTrained: number;
  staffTrained: boolean;
}

/** Training, publicity and task figures of a report (pure: from the inputs already read). */
export function workplanFigures(
  inp: { points: PointAttrs[]; devices: DeviceAttrs[]; accounts: AccountAttrs[]; funds: PointFundAttrs[]; expenditures: { id: string; category: string; amountFen: number }[]; workplan: WorkplanInputs },
  period: Pick<Period, 'start' | 'end'>,
  now: Date,
) {
  const asOf = taskAsOf(period.end, now);
  const facts = taskFactsOf(inp, asOf);
  const tasks: TaskResult[] = evaluateTasks(facts);
  const byPoint = new Map<string, PointTraining>(
    facts.points.map((p) => [
      p.id,
      { operators: p.operators.length, operatorsTrained: p.operators.filter((o) => !!o.trainedOn && o.trainedOn <= asOf).length, staffTrained: pointStaffTrained(p.operators, asOf) },
    ]),
  );
  const inPeriod = inp.workplan.publicity.filter((a) => a.date >= period.start && a.date <= period.end);
  const ofPath = (rows: PublicityAttrs[], path: string) => rows.filter((a) => a.regionPath === path || a.regionPath.startsWith(`${path}/`));
  const publicityOf = (path: string) => {
    const rows = ofPath(inPeriod, path);
    return {
      activities: rows.length,
      people: rows.reduce((s, a) => s + a.reach.people, 0),
      copies: rows.reduce((s, a) => s + a.reach.copies, 0),
      yearToDate: ofPath(inp.workplan.publicity, path).length,
    };
  };
  const linked = new Set(inp.workplan.publicity.flatMap((a) => (a.expenditure ? [a.expenditure.id] : [])));
  const ledgerPublicity = inp.expenditures.filter((e) => e.category === 'publicity');
  const trainedPoints = [...byPoint.values()];
  const backbones = facts.countyPosts.flatMap((c) => c.reviewers);
  const sections = {
    training: {
      requiredKind: POINT_STAFF_TRAINING_KIND,
      asOf,
      sessions: inp.workplan.trainings.length,
      byKind: Object.fromEntries(TRAINING_KINDS.map((k) => [k, inp.workplan.trainings.filter((t) => t.kind === k).length])),
      byOrganiser: Object.fromEntries(ORGANISER_LEVELS.map((l) => [l, inp.workplan.trainings.filter((t) => t.organiserLevel === l).length])),
      attendedInSessions: inp.workplan.trainings.reduce((s, t) => s + (t.attended ?? 0), 0),
      absentInSessions: inp.workplan.trainings.reduce((s, t) => s + (t.absent ?? 0), 0),
      operatorsActive: trainedPoints.reduce((s, r) => s + r.operators, 0),
      operatorsTrained: trainedPoints.reduce((s, r) => s + r.operatorsTrained, 0),
      points: trainedPoints.length,
      pointsStaffTrained: trainedPoints.filter((r) => r.staffTrained).length,
      trainedShare: trainedPoints.length > 0 ? trainedPoints.filter((r) => r.staffTrained).length / trainedPoints.length : null,
      backbones: backbones.length,
      backbonesTrained: backbones.filter((r) => !!r.trainedOn && r.trainedOn <= asOf).length,
    },
    publicity: {
      activities: inPeriod.length,
      byKind: Object.fromEntries(PUBLICITY_KINDS.map((k) => [k, inPeriod.filter((a) => a.kind === k).length])),
      reachPeople: inPeriod.reduce((s, a) => s + a.reach.people, 0),
      reachCopies: inPeriod.reduce((s, a) => s + a.reach.copies, 0),
      yearToDate: inp.workplan.publicity.length,
      // Publicity spending against the activities it paid for (P7 ledger, this period).
      linkedSpentFen: inPeriod.reduce((s, a) => s + (a.expenditure?.amountFen ?? 0), 0),
      ledgerPublicitySpentFen: ledgerPublicity.reduce((s, e) => s + e.amountFen, 0),
      ledgerPublicityUnlinked: ledgerPublicity.filter((e) => !linked.has(e.id)).length,
    },
    tasks: { asOf, items: tasks },
  };
  return { asOf, tasks, byPoint, publicityOf, sections };
}

/** The tasks of a region as of a date, from the same reads as a report (GET /plan-tasks). */
export async function tasksOfRegion(region: RegionAttrs, asOf: string) {
  const slices = await sources.slicesOf(region);
  const accounts = sources.readAccounts(slices);
  const [points, devices, accs, funds, workplan] = await Promise.all([
    sources.readPoints(slices),
    sources.readDevices(slices),
    accounts,
    sources.readPointFunds(slices, Number(asOf.slice(0, 4))),
    readWorkplan(region, slices, { start: asOf, end: asOf }, accounts),
  ]);
  const tasks = evaluateTasks(taskFactsOf({ points, devices, accounts: accs, funds, workplan }, asOf));
  const records = workplan.taskRecords.filter((r) => r.date <= asOf);
  return { tasks, records };
}

/** What a report without the workplan's reads (an old caller) sees: nothing recorded. */
export const NO_WORKPLAN: WorkplanInputs = { trainings: [], trainedOn: new Map(), publicity: [], taskRecords: [], counties: [] };
