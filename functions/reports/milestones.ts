import type { DeviceStage, PointStage } from '../../shared/db/entities';

/**
 * The plan's schedule of tasks (第五部分), as data: what must be done by when, and how each
 * deadline is measured. Dates are the plan's year 2024; a new plan year is a new list here.
 */
export type MilestoneMeasure =
  | { kind: 'pointStage'; stage: PointStage; targetPct: number }
  | { kind: 'kiosk'; stage: DeviceStage; targetPct: number }
  | { kind: 'funded'; targetPct: number }
  /** A check of one of the seven tasks (functions/workplan/tasks.ts): hand records, training, publicity. */
  | { kind: 'taskCheck'; task: number; check: string }
  /** Kept for reports made before these were tracked (stored content says 'untracked'). */
  | { kind: 'untracked'; why: string };

export interface Milestone {
  key: string;
  due: string;
  nameZh: string;
  measure: MilestoneMeasure;
}

export const PLAN_MILESTONES: Milestone[] = [
  { key: 'mobilized', due: '2024-03-31', nameZh: '制定实施方案、召开动员大会', measure: { kind: 'taskCheck', task: 1, check: 'mobilisation_meeting' } },
  { key: 'set_up', due: '2024-04-30', nameZh: '服务点设立（场所、人员、电脑、网络）并签订合作协议', measure: { kind: 'pointStage', stage: 'agreement_signed', targetPct: 100 } },
  { key: 'accounts', due: '2024-05-31', nameZh: '服务点账号和权限配置', measure: { kind: 'pointStage', stage: 'accounts_configured', targetPct: 100 } },
  { key: 'backbones_trained', due: '2024-06-30', nameZh: '县级业务骨干参加省级系统操作培训', measure: { kind: 'taskCheck', task: 4, check: 'backbones_trained' } },
  { key: 'kiosks_half', due: '2024-06-30', nameZh: '50%自助设备完成安装调试', measure: { kind: 'kiosk', stage: 'debugged', targetPct: 50 } },
  { key: 'kiosks_all', due: '2024-07-31', nameZh: '100%自助设备完成安装调试', measure: { kind: 'kiosk', stage: 'debugged', targetPct: 100 } },
  { key: 'staff_trained', due: '2024-07-31', nameZh: '服务点工作人员业务培训', measure: { kind: 'taskCheck', task: 5, check: 'staff_trained' } },
  { key: 'trial_run', due: '2024-07-31', nameZh: '开展试运行', measure: { kind: 'pointStage', stage: 'trial_run', targetPct: 100 } },
  { key: 'accepted', due: '2024-08-31', nameZh: '服务点验收合格、正式运行', measure: { kind: 'pointStage', stage: 'accepted', targetPct: 100 } },
  { key: 'funded', due: '2024-08-31', nameZh: '全面兑现服务点资金补助', measure: { kind: 'funded', targetPct: 100 } },
  { key: 'publicity', due: '2024-09-30', nameZh: '开展专题宣传', measure: { kind: 'taskCheck', task: 7, check: 'publicity' } },
  { key: 'asset_transfer', due: '2024-09-30', nameZh: '完成自助设备固定资产接收', measure: { kind: 'kiosk', stage: 'asset_transferred', targetPct: 100 } },
];

/** The construction line a point walks; suspended and closed are off it. */
export const STAGE_LINE: PointStage[] = ['planned', 'set_up', 'agreement_signed', 'accounts_configured', 'trial_run', 'accepted', 'in_operation'];
export const stageRank = (s: PointStage): number => STAGE_LINE.indexOf(s);

export const DEVICE_LINE: DeviceStage[] = ['delivered', 'distributed', 'registered', 'installed', 'debugged', 'asset_transferred'];
export const deviceRank = (s: DeviceStage): number => DEVICE_LINE.indexOf(s);

/** The furthest point stage the plan requires by `date` (undefined before the first deadline). */
export function requiredStageOn(date: string): { stage: PointStage; due: string } | undefined {
  let best: { stage: PointStage; due: string } | undefined;
  for (const m of PLAN_MILESTONES) {
    if (m.measure.kind !== 'pointStage' || m.due > date) continue;
    if (!best || stageRank(m.measure.stage) > stageRank(best.stage)) best = { stage: m.measure.stage, due: m.due };
  }
  return best;
}

export const firstDue = (key: string): string => PLAN_MILESTONES.find((m) => m.key === key)!.due;

export const STAGE_NAMES: Record<PointStage, string> = {
  planned: '规划',
  set_up: '已设立',
  agreement_signed: '已签协议',
  accounts_configured: '账号已配置',
  trial_run: '试运行',
  accepted: '已验收',
  in_operation: '正式运行',
  suspended: '暂停',
  closed: '撤销',
};
export const DEVICE_STAGE_NAMES: Record<DeviceStage, string> = {
  delivered: '已到货',
  distributed: '已分发',
  registered: '已登记',
  installed: '已安装',
  debugged: '已调试',
  asset_transferred: '已资产划转',
};
