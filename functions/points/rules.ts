import type { BaseStandard, DeviceStage, InspectionItem, PointKind, PointStage } from '../../shared/db/entities';
import { DEVICE_STAGES } from '../../shared/db/entities';

/**
 * The pure rules of the points domain: lifecycle order, the acceptance verdict, distances,
 * milestones. No I/O here, so every rule has a plain unit test.
 */

/** P3: the forward path; suspended and closed sit beside it. */
export const LIFECYCLE: PointStage[] = ['planned', 'set_up', 'agreement_signed', 'accounts_configured', 'trial_run', 'accepted', 'in_operation'];
export const SUSPENDABLE: PointStage[] = ['trial_run', 'accepted', 'in_operation'];

export const STAGE_NAMES: Record<PointStage, string> = {
  planned: '规划',
  set_up: '建设完成',
  agreement_signed: '签订协议',
  accounts_configured: '账号配置',
  trial_run: '试运行',
  accepted: '验收合格',
  in_operation: '正式运行',
  suspended: '暂停',
  closed: '关闭',
};

export interface OrderProblem {
  code: string;
  message: string;
  /** The step(s) that must come first, in order. */
  missing?: PointStage[];
}

/** Why `from → to` is not the next step, or undefined when it is. */
export function stageOrderProblem(from: PointStage, to: PointStage, resumeStage?: PointStage): OrderProblem | undefined {
  if (from === 'closed') return { code: 'POINT_CLOSED', message: '服务点已关闭，不能再变更阶段' };
  if (to === from) return { code: 'STAGE_UNCHANGED', message: `服务点已处于「${STAGE_NAMES[to]}」阶段` };
  if (to === 'closed') return undefined;
  if (to === 'suspended') {
    return SUSPENDABLE.includes(from)
      ? undefined
      : { code: 'STAGE_OUT_OF_ORDER', message: `只有试运行、验收合格或正式运行的服务点可以暂停（当前「${STAGE_NAMES[from]}」）` };
  }
  if (from === 'suspended') {
    const back = resumeStage ?? 'trial_run';
    return to === back
      ? undefined
      : { code: 'STAGE_OUT_OF_ORDER', message: `暂停的服务点只能恢复到暂停前的「${STAGE_NAMES[back]}」阶段`, missing: [back] };
  }
  const i = LIFECYCLE.indexOf(from);
  const j = LIFECYCLE.indexOf(to);
  if (j === i + 1) return undefined;
  if (j < i) return { code: 'STAGE_BACKWARDS', message: `不能从「${STAGE_NAMES[from]}」退回「${STAGE_NAMES[to]}」` };
  const missing = LIFECYCLE.slice(i + 1, j);
  return {
    code: 'STAGE_OUT_OF_ORDER',
    message: `缺少步骤「${STAGE_NAMES[missing[0]!]}」：「${STAGE_NAMES[from]}」之后应为「${STAGE_NAMES[missing[0]!]}」，不能直接到「${STAGE_NAMES[to]}」`,
    missing,
  };
}

/** P2/P6: only villages and communities get a kiosk. */
export const needsKiosk = (kind: PointKind): boolean => kind === 'village' || kind === 'community';

export const CHECKLIST_NAMES: Record<InspectionItem, string> = {
  hasSign: '有标识',
  hasWindow: '有窗口',
  hasEquipment: '有设备',
  hasStaff: '有人员',
  hasNetwork: '有网络',
  hasSystem: '有系统',
  canHandle: '能办事',
};
const BASE_NAMES: Record<Exclude<keyof BaseStandard, 'staff'>, string> = {
  office: '固定办公场所',
  furniture: '办公家具',
  computer: '电脑',
  internet: '接入互联网',
  kiosk: '自助设备',
  publicBoard: '服务事项和流程公示',
};

/** Base-standard items a point lacks (the kiosk counts for villages and communities only). */
export function baseStandardGaps(b: BaseStandard, kind: PointKind): string[] {
  const gaps: string[] = [];
  for (const [k, name] of Object.entries(BASE_NAMES) as [keyof typeof BASE_NAMES, string][]) {
    if (k === 'kiosk' && !needsKiosk(kind)) continue;
    if (!b[k]) gaps.push(`baseStandard.${k}（${name}）`);
  }
  if (b.staff.length === 0) gaps.push('baseStandard.staff（一名或以上专兼职工作人员）');
  return gaps;
}

/** P5: the verdict follows from the checklist and the base standard; every failed item is named. */
export function inspectionVerdict(checklist: Record<InspectionItem, boolean>, base: BaseStandard | undefined, kind: PointKind) {
  const failedItems = [
    ...(Object.keys(CHECKLIST_NAMES) as InspectionItem[]).filter((k) => !checklist[k]).map((k) => `checklist.${k}（${CHECKLIST_NAMES[k]}）`),
    ...(base ? baseStandardGaps(base, kind) : []),
  ];
  return { passed: failedItems.length === 0, failedItems };
}

/** A kiosk counts as ready (安装调试完成) once debugged; asset transfer comes later. */
export const KIOSK_READY: DeviceStage[] = ['debugged', 'asset_transferred'];

export function deviceOrderProblem(from: DeviceStage, to: DeviceStage): OrderProblem | undefined {
  const i = DEVICE_STAGES.indexOf(from);
  const j = DEVICE_STAGES.indexOf(to);
  if (j === i + 1) return undefined;
  if (j <= i) return { code: 'STAGE_BACKWARDS', message: `设备已处于「${from}」，不能回到「${to}」` };
  const missing = DEVICE_STAGES.slice(i + 1, j);
  return { code: 'STAGE_OUT_OF_ORDER', message: `缺少步骤「${missing[0]}」：「${from}」之后应为「${missing[0]}」`, missing: missing as never };
}

/** Great-circle distance in metres (haversine, mean Earth radius). */
export function distanceMeters(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const R = 6_371_008.8;
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return Math.round(2 * R * Math.asin(Math.min(1, Math.sqrt(h))));
}

/** The plan's kiosk milestones (第五部分): 50 % installed and debugged by end of June, 100 % by end of July. */
export const KIOSK_MILESTONES = [
  { due: '2024-06-30', percent: 50 },
  { due: '2024-07-31', percent: 100 },
] as const;

/**
 * One milestone's state as of a date: `met` once enough kiosks were ready by its due date,
 * `missed` when the due date passed without that, else `pending`.
 */
export function milestoneStatus(target: number, percent: number, readyByDue: number, due: string, asOf: string) {
  const required = Math.ceil((target * percent) / 100);
  const status = readyByDue >= required ? 'met' : asOf > due ? 'missed' : 'pending';
  return { due, percent, required, readyByDue, status } as const;
}

/** P7: 1,500 yuan per point per year, in fen. */
export const SUBSIDY_PER_POINT_FEN = 150_000;

/** Last calendar day of a YYYY-MM month. */
export function monthEnd(month: string): string {
  const [y, m] = month.split('-').map(Number);
  const last = new Date(Date.UTC(y!, m!, 0)).getUTCDate();
  return `${month}-${String(last).padStart(2, '0')}`;
}
