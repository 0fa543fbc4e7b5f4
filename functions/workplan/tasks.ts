/**
 * The plan's seven tasks (第五部分 工作任务及实施步骤) as data: each with its deadline, the checks
 * that say it is done — derived from the records the platform keeps, or recorded by hand by the
 * county (the mobilisation meeting, the reports to the city) — and a pure evaluator that gives
 * each task's state as of a date. Dates are the plan's year 2024; a new plan year is a new list.
 */
import type { DeviceStage, PointStage, TaskRecordItem } from '../../shared/db/entities';
import { TASK_RECORD_NAMES } from '../../shared/db/entities';
import { DEVICE_LINE, deviceRank, stageRank } from '../reports/milestones';

export type TaskCheckMeasure =
  | { kind: 'recorded'; item: TaskRecordItem }
  | { kind: 'pointStage'; stage: PointStage }
  | { kind: 'countyPosts' }
  | { kind: 'kiosk'; stage: DeviceStage; targetPct: number }
  | { kind: 'backbonesTrained' }
  | { kind: 'staffTrained' }
  | { kind: 'funded' }
  | { kind: 'publicity' };

export interface TaskCheckDef {
  key: string;
  nameZh: string;
  measure: TaskCheckMeasure;
}
export interface PlanTask {
  no: number;
  key: string;
  due: string;
  nameZh: string;
  checks: TaskCheckDef[];
}

const recorded = (item: TaskRecordItem): TaskCheckDef => ({ key: item, nameZh: TASK_RECORD_NAMES[item], measure: { kind: 'recorded', item } });

export const PLAN_TASKS: PlanTask[] = [
  {
    no: 1,
    key: 'mobilisation',
    due: '2024-03-31',
    nameZh: '制定实施方案，召开工作动员大会',
    checks: [recorded('plan_approved'), recorded('mobilisation_meeting')],
  },
  {
    no: 2,
    key: 'set_up',
    due: '2024-04-30',
    nameZh: '设立服务点并签订合作协议，确定县级管理员和业务骨干，《用户申请（变更）单》报市',
    checks: [
      { key: 'agreements', nameZh: '服务点设立并签订合作协议', measure: { kind: 'pointStage', stage: 'agreement_signed' } },
      { key: 'county_posts', nameZh: '确定县级系统管理员、业务管理员和业务骨干', measure: { kind: 'countyPosts' } },
      recorded('account_forms_to_city'),
    ],
  },
  {
    no: 3,
    key: 'accounts',
    due: '2024-05-31',
    nameZh: '完成服务点工作人员系统账号和权限配置',
    checks: [{ key: 'accounts_configured', nameZh: '服务点账号和权限配置', measure: { kind: 'pointStage', stage: 'accounts_configured' } }],
  },
  {
    no: 4,
    key: 'backbones_trained',
    due: '2024-06-30',
    nameZh: '业务骨干参加省组织的系统登录与操作培训，50%自助设备完成安装调试',
    checks: [
      { key: 'backbones_trained', nameZh: '县级业务骨干参加省级系统操作培训', measure: { kind: 'backbonesTrained' } },
      { key: 'kiosks_half', nameZh: '50%自助设备完成安装调试', measure: { kind: 'kiosk', stage: 'debugged', targetPct: 50 } },
    ],
  },
  {
    no: 5,
    key: 'trial_run',
    due: '2024-07-31',
    nameZh: '100%自助设备完成安装调试，服务点工作人员业务培训，开展试运行',
    checks: [
      { key: 'kiosks_all', nameZh: '100%自助设备完成安装调试', measure: { kind: 'kiosk', stage: 'debugged', targetPct: 100 } },
      { key: 'staff_trained', nameZh: '每个服务点的在岗操作员均参加业务培训', measure: { kind: 'staffTrained' } },
      { key: 'trial_run', nameZh: '服务点开展试运行', measure: { kind: 'pointStage', stage: 'trial_run' } },
    ],
  },
  {
    no: 6,
    key: 'acceptance',
    due: '2024-08-31',
    nameZh: '服务点验收合格、正式运行并报市，兑现资金补助',
    checks: [
      { key: 'accepted', nameZh: '服务点验收合格', measure: { kind: 'pointStage', stage: 'accepted' } },
      recorded('acceptance_reported_to_city'),
      { key: 'funded', nameZh: '全面兑现服务点资金补助', measure: { kind: 'funded' } },
    ],
  },
  {
    no: 7,
    key: 'publicity',
    due: '2024-09-30',
    nameZh: '开展专题宣传，完成自助设备固定资产接收',
    checks: [
      { key: 'publicity', nameZh: '每个乡镇开展专题宣传活动', measure: { kind: 'publicity' } },
      { key: 'asset_transfer', nameZh: '完成自助设备固定资产接收', measure: { kind: 'kiosk', stage: 'asset_transferred', targetPct: 100 } },
    ],
  },
];

export const TASK_STATES = ['done', 'done_late', 'in_progress', 'overdue'] as const;
export type TaskState = (typeof TASK_STATES)[number];
export const TASK_STATE_NAMES: Record<TaskState, string> = { done: '按期完成', done_late: '逾期完成', in_progress: '进行中', overdue: '逾期未完成' };

/** A kiosk as the evaluator needs it: its current stage and the dates stages were reached. */
export interface KioskFact {
  stage: DeviceStage;
  stageDates?: Partial<Record<DeviceStage, string>>;
}

/**
 * The date a kiosk reached `stage`: its own date, else a later stage's date (it was passed on the
 * way); `null` when it reached it but no date was recorded; `undefined` when it has not.
 */
export function kioskStageDate(d: KioskFact, stage: DeviceStage): string | null | undefined {
  const own = d.stageDates?.[stage];
  if (own) return own;
  const later = DEVICE_LINE.slice(deviceRank(stage) + 1).map((s) => d.stageDates?.[s]).find(Boolean);
  if (later) return later;
  return deviceRank(d.stage) >= deviceRank(stage) && (!d.stageDates || Object.keys(d.stageDates).length === 0) ? null : undefined;
}

/** The records the tasks are judged on, joined per point (built by the reports from their reads). */
export interface TaskFacts {
  /** Judged as of this date (YYYY-MM-DD): records dated later do not count. */
  asOf: string;
  /** The counties of the region (one for a county or anything below it). */
  counties: string[];
  records: { countyCode: string; item: TaskRecordItem; date: string }[];
  /** Live (not closed) points of the region. */
  points: {
    id: string;
    stage: PointStage;
    needsKiosk: boolean;
    kiosks: KioskFact[];
    funded: boolean;
    /** Active operators and the date each first attended a session of the required kind. */
    operators: { accountId: string; trainedOn?: string }[];
    /** The township the point belongs to (path segment 3). */
    townshipCode?: string;
  }[];
  /** Per county: admin posts filled and its active county-level reviewers (业务骨干). */
  countyPosts: { countyCode: string; sysAdmin: boolean; bizAdmin: boolean; reviewers: { accountId: string; trainedOn?: string }[] }[];
  /** Dates of publicity activities per township (any order). */
  publicity: { townshipCode: string; date: string }[];
}

export interface CheckResult {
  key: string;
  nameZh: string;
  byHand: boolean;
  done: number;
  of: number;
  rate: number | null;
  met: boolean;
  /** When it was met, when the records say so; null when only the current state is known. */
  doneOn: string | null;
}
export interface TaskResult {
  no: number;
  key: string;
  nameZh: string;
  due: string;
  state: TaskState;
  stateName: string;
  doneOn: string | null;
  byHand: TaskRecordItem[];
  checks: CheckResult[];
}

const maxDate = (ds: (string | null | undefined)[]): string | null => {
  if (ds.some((d) => !d)) return null;
  return (ds as string[]).reduce((a, b) => (b > a ? b : a), '');
};
const on = (date: string | undefined, asOf: string): date is string => !!date && date <= asOf;

/** A check as of the date: done of of, met, and when. */
export function evaluateCheck(def: TaskCheckDef, f: TaskFacts): CheckResult {
  const m = def.measure;
  const base = { key: def.key, nameZh: def.nameZh, byHand: m.kind === 'recorded' };
  const result = (done: number, of: number, doneOn: (string | null | undefined)[] | null, target = 1, metWhenEmpty = true): CheckResult => {
    const rate = of > 0 ? done / of : null;
    const met = rate === null ? metWhenEmpty : rate >= target - 1e-9;
    return { ...base, done, of, rate, met, doneOn: met && doneOn && doneOn.length > 0 ? maxDate(doneOn) : null };
  };
  switch (m.kind) {
    case 'recorded': {
      const got = f.counties.map((c) => f.records.find((r) => r.countyCode === c && r.item === m.item && on(r.date, f.asOf)));
      return result(got.filter(Boolean).length, f.counties.length, got.map((r) => r?.date), 1, false);
    }
    case 'pointStage': {
      const done = f.points.filter((p) => p.stage !== 'suspended' && stageRank(p.stage) >= stageRank(m.stage)).length;
      return result(done, f.points.length, null);
    }
    case 'countyPosts': {
      const filled = f.countyPosts.map((c) => (c.sysAdmin ? 1 : 0) + (c.bizAdmin ? 1 : 0) + (c.reviewers.length > 0 ? 1 : 0));
      return result(filled.reduce((a, b) => a + b, 0), f.countyPosts.length * 3, null, 1, false);
    }
    case 'kiosk': {
      const kioskPoints = f.points.filter((p) => p.needsKiosk);
      const dates = kioskPoints.map((p) => {
        const ds = p.kiosks.map((k) => kioskStageDate(k, m.stage)).filter((d) => d !== undefined && (d === null || d <= f.asOf));
        if (ds.length === 0) return undefined;
        return ds.includes(null) ? null : (ds as string[]).sort()[0]!;
      });
      const reached = dates.filter((d) => d !== undefined) as (string | null)[];
      const need = Math.ceil((m.targetPct / 100) * kioskPoints.length);
      // The target was reached on the date the need-th kiosk got there (when every date is known).
      const sorted = reached.includes(null) ? null : (reached as string[]).sort();
      const doneOn = need === 0 ? [] : sorted && sorted.length >= need ? [sorted[need - 1]!] : [null];
      return result(reached.length, kioskPoints.length, doneOn, m.targetPct / 100);
    }
    case 'backbonesTrained': {
      const reviewers = f.countyPosts.flatMap((c) => c.reviewers);
      const trained = reviewers.filter((r) => on(r.trainedOn, f.asOf));
      return result(trained.length, reviewers.length, trained.map((r) => r.trainedOn), 1, false);
    }
    case 'staffTrained': {
      const trained = f.points.filter((p) => pointStaffTrained(p.operators, f.asOf));
      return result(trained.length, f.points.length, f.points.flatMap((p) => p.operators.map((o) => o.trainedOn)));
    }
    case 'funded':
      return result(f.points.filter((p) => p.funded).length, f.points.length, null);
    case 'publicity': {
      const townships = [...new Set(f.points.map((p) => p.townshipCode).filter((c): c is string => !!c))];
      const first = townships.map((t) =>
        f.publicity
          .filter((a) => a.townshipCode === t && a.date <= f.asOf)
          .map((a) => a.date)
          .sort()[0],
      );
      return result(first.filter(Boolean).length, townships.length, first);
    }
  }
}

/** A point's staff count as trained when it has an active operator and each one attended a session of the required kind. */
export function pointStaffTrained(operators: { trainedOn?: string }[], asOf: string): boolean {
  return operators.length > 0 && operators.every((o) => on(o.trainedOn, asOf));
}

/** Every task's state as of `facts.asOf`, against its deadline. */
export function evaluateTasks(f: TaskFacts): TaskResult[] {
  return PLAN_TASKS.map((t) => {
    const checks = t.checks.map((c) => evaluateCheck(c, f));
    const allMet = checks.every((c) => c.met);
    const doneOn = allMet ? maxDate(checks.map((c) => c.doneOn)) : null;
    // Late when any check is known to have been met only after the deadline (even if another
    // check is judged on the current state and has no date).
    const late = checks.some((c) => c.doneOn !== null && c.doneOn > t.due);
    const state: TaskState = allMet ? (late ? 'done_late' : 'done') : f.asOf > t.due ? 'overdue' : 'in_progress';
    const byHand = t.checks.flatMap((c) => (c.measure.kind === 'recorded' ? [c.measure.item] : []));
    return { no: t.no, key: t.key, nameZh: t.nameZh, due: t.due, state, stateName: TASK_STATE_NAMES[state], doneOn, byHand, checks };
  });
}
