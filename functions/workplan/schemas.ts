import * as z from 'zod';
import { ORGANISER_LEVELS, PUBLICITY_KINDS, TASK_RECORD_ITEMS, TRAINING_KINDS } from '../../shared/db/entities';
import { isoDate, pageQuery, regionCode, shortText, ulidId, version } from '../../shared/http/schemas';
import { TASK_STATES } from './tasks';

const note = z.string().trim().max(500, { message: '最长 500 字' });
const count = z.number().int({ message: '应为整数' }).min(0, { message: '不能为负数' }).max(10_000_000, { message: '超出范围' });

// ── training

export const trainingKind = z.enum(TRAINING_KINDS).meta({
  description: 'system_operation 省组织的系统登录与操作培训（业务骨干）· business 业务培训（服务点工作人员须参加）· other 其他',
});

export const createTrainingBody = z
  .strictObject({
    organiserRegion: regionCode.optional().meta({ description: '组织单位所在区划（省、市、县或乡镇），默认本人所在区划' }),
    topic: shortText(200),
    kind: trainingKind,
    date: isoDate,
    mode: z.enum(['onsite', 'online']).meta({ description: 'onsite 现场 · online 线上' }),
    place: shortText(200).optional().meta({ description: '现场培训的地点；线上培训可填平台' }),
    trainer: shortText(100),
    note: note.optional(),
  })
  .superRefine((b, ctx) => {
    if (b.mode === 'onsite' && !b.place) ctx.addIssue({ code: 'custom', path: ['place'], message: '现场培训须填写地点' });
  });

export const trainingIdParam = z.strictObject({ id: ulidId });

export const attendanceBody = z
  .strictObject({
    attendees: z
      .array(z.strictObject({ accountId: ulidId, attended: z.boolean(), note: note.optional() }))
      .min(1, { message: '至少登记一人' })
      .max(40, { message: '每次最多登记 40 人' }),
  })
  .superRefine((b, ctx) => {
    const seen = new Set<string>();
    b.attendees.forEach((a, i) => {
      if (seen.has(a.accountId)) ctx.addIssue({ code: 'custom', path: ['attendees', i, 'accountId'], message: '同一账号重复登记' });
      seen.add(a.accountId);
    });
  });

const range = {
  from: isoDate.optional().meta({ description: '起始日期（含）' }),
  to: isoDate.optional().meta({ description: '截止日期（含）' }),
};
const rangeCheck = (q: { from?: string; to?: string }, ctx: z.RefinementCtx) => {
  if (q.from && q.to && q.from > q.to) ctx.addIssue({ code: 'custom', path: ['to'], message: '截止日期不能早于起始日期' });
};

export const trainingsQuery = z
  .strictObject({ region: regionCode.optional(), ...range, kind: trainingKind.optional(), ...pageQuery })
  .superRefine(rangeCheck);

export const TrainingView = z
  .object({
    id: z.string(),
    organiserRegionCode: z.string(),
    organiserRegionName: z.string(),
    organiserLevel: z.enum(ORGANISER_LEVELS),
    topic: z.string(),
    kind: trainingKind,
    date: z.string(),
    mode: z.enum(['onsite', 'online']),
    place: z.string().optional(),
    trainer: z.string(),
    note: z.string().optional(),
    attended: z.number().int(),
    absent: z.number().int(),
    recordedBy: z.object({ accountId: z.string(), name: z.string() }),
    recordedAt: z.string(),
    updatedAt: z.string().optional(),
  })
  .meta({ id: 'Training' });

export const AttendeeView = z
  .object({
    accountId: z.string(),
    name: z.string(),
    regionCode: z.string(),
    pointId: z.string().optional(),
    roles: z.array(z.string()),
    attended: z.boolean(),
    note: z.string().optional(),
    recordedAt: z.string(),
    version: z.number().int(),
  })
  .meta({ id: 'TrainingAttendee' });

export const TrainingDetailView = TrainingView.extend({ attendees: z.array(AttendeeView) }).meta({ id: 'TrainingDetail' });

export const pointTrainingQuery = z.strictObject({ point: ulidId });
export const PointTrainingView = z
  .object({
    pointId: z.string(),
    requiredKind: trainingKind,
    trained: z.boolean(),
    operators: z.array(z.object({ accountId: z.string(), name: z.string(), trainedOn: z.string().nullable() })),
  })
  .meta({ id: 'PointStaffTraining' });

// ── publicity

export const publicityKind = z.enum(PUBLICITY_KINDS).meta({
  description: 'central_booth 集中宣传点 · poster 海报 · materials 宣传材料 · wechat_push 微信群推送 · video 宣传片 · interactive 互动体验',
});

export const createPublicityBody = z
  .strictObject({
    pointId: ulidId.optional().meta({ description: '服务点的宣传活动（与 regionCode 二选一）' }),
    regionCode: regionCode.optional().meta({ description: '乡镇（社区联合党委）的宣传活动（与 pointId 二选一）' }),
    kind: publicityKind,
    date: isoDate,
    title: shortText(200).optional(),
    place: shortText(200).optional(),
    reach: z
      .strictObject({ people: count.optional().meta({ description: '覆盖人数' }), copies: count.optional().meta({ description: '发放/张贴份数' }) })
      .refine((r) => r.people !== undefined || r.copies !== undefined, { message: '须填写覆盖人数或份数' }),
    expenditureId: ulidId.optional().meta({ description: '支付本次活动的补助资金支出（宣传类，同一服务点）' }),
    note: note.optional(),
  })
  .superRefine((b, ctx) => {
    if (!b.pointId === !b.regionCode) ctx.addIssue({ code: 'custom', path: ['pointId'], message: '服务点（pointId）和乡镇（regionCode）须且只能填一个' });
    if (b.expenditureId && !b.pointId) ctx.addIssue({ code: 'custom', path: ['expenditureId'], message: '关联补助资金支出时须填写支出所属服务点（pointId）' });
  });

export const publicityQuery = z
  .strictObject({ region: regionCode.optional(), point: ulidId.optional(), ...range, kind: publicityKind.optional(), ...pageQuery })
  .superRefine(rangeCheck);

export const PublicityView = z
  .object({
    id: z.string(),
    regionCode: z.string(),
    regionName: z.string(),
    pointId: z.string().optional(),
    pointName: z.string().optional(),
    kind: publicityKind,
    kindName: z.string(),
    date: z.string(),
    title: z.string().optional(),
    place: z.string().optional(),
    reach: z.object({ people: z.number().int(), copies: z.number().int() }),
    expenditure: z.object({ id: z.string(), amountFen: z.number().int(), voucherNumber: z.string(), date: z.string() }).optional(),
    note: z.string().optional(),
    recordedBy: z.object({ accountId: z.string(), name: z.string() }),
    recordedAt: z.string(),
  })
  .meta({ id: 'Publicity' });

// ── the plan's tasks

export const taskRecordItem = z.enum(TASK_RECORD_ITEMS).meta({
  description: 'plan_approved 实施方案经县委县政府批准 · mobilisation_meeting 动员大会 · account_forms_to_city 用户申请（变更）单报市 · acceptance_reported_to_city 验收情况报市',
});
export const taskRecordParams = z.strictObject({ item: taskRecordItem });
export const taskRecordBody = z.strictObject({
  region: regionCode.optional().meta({ description: '县级区划，默认本人所在县' }),
  date: isoDate,
  reference: shortText(100).optional().meta({ description: '文号、会议名称等' }),
  note: note.optional(),
  version: version.optional().meta({ description: '更正已登记的记录时必填' }),
});

export const TaskRecordView = z
  .object({
    countyCode: z.string(),
    item: taskRecordItem,
    itemName: z.string(),
    date: z.string(),
    reference: z.string().optional(),
    note: z.string().optional(),
    recordedBy: z.object({ accountId: z.string(), name: z.string() }),
    recordedAt: z.string(),
    version: z.number().int(),
  })
  .meta({ id: 'PlanTaskRecord' });

export const planTasksQuery = z.strictObject({
  region: regionCode.optional(),
  asOf: isoDate.optional().meta({ description: '按该日评估（默认今天）' }),
});

const CheckView = z.object({
  key: z.string(),
  nameZh: z.string(),
  byHand: z.boolean(),
  done: z.number(),
  of: z.number(),
  rate: z.number().nullable(),
  met: z.boolean(),
  doneOn: z.string().nullable(),
});
export const TaskView = z
  .object({
    no: z.number().int(),
    key: z.string(),
    nameZh: z.string(),
    due: z.string(),
    state: z.enum(TASK_STATES),
    stateName: z.string(),
    doneOn: z.string().nullable(),
    byHand: z.array(taskRecordItem),
    checks: z.array(CheckView),
  })
  .meta({ id: 'PlanTask' });

export const PlanTasksView = z
  .object({ regionCode: z.string(), regionName: z.string(), asOf: z.string(), tasks: z.array(TaskView), records: z.array(TaskRecordView) })
  .meta({ id: 'PlanTasks' });
