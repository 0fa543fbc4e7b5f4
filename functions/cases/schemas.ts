import * as z from 'zod';
import { CASE_STATUSES, CHANNELS, RESULT_DELIVERIES } from '../../shared/db/entities';
import { idNumber, longText, mobile, pageQuery, person, personName, regionCode, shortText, version } from '../../shared/http/schemas';

const material = shortText(100);
const materialList = z.array(material).max(50, { message: '最多 50 项' });

export const ProxyInput = z.strictObject({
  name: personName(50),
  idNumber,
  phone: mobile,
  /** 代理人与申请人的关系: 子女, 配偶, 村干部 … */
  relation: shortText(20),
});

/**
 * The applicant. At a window the ID number is required (checked in the service, named
 * body.applicant.idNumber); a citizen alone on a kiosk may leave it out: it is the one their
 * e-SSC QR login proved.
 */
export const ApplicantInput = person.extend({ idNumber: idNumber.optional() });

export const AcceptCaseBody = z.strictObject({
  itemCode: z.string().regex(/^[A-Z]\d{2,3}$/, { message: '事项代码如 S01' }),
  channel: z.enum(CHANNELS),
  applicant: ApplicantInput,
  proxy: ProxyInput.optional(),
  materialsNotified: materialList,
  materialsReceived: materialList,
});

export const SubmitCaseBody = z.strictObject({ version: version.optional(), note: longText(500).optional() }).optional();

export const ReviewCaseBody = z
  .strictObject({
    decision: z.enum(['approve', 'reject', 'return']),
    reason: longText(1000).optional(),
    version,
    missingMaterials: materialList.optional(),
  })
  .superRefine((b, ctx) => {
    if (b.decision !== 'approve' && !b.reason) ctx.addIssue({ code: 'custom', path: ['reason'], message: '驳回或退回须说明理由' });
    // api.md's review body is {decision, reason, version}: a return may name the missing materials
    // (then checked against the one-time notification), but the reason alone is enough.
    if (b.decision === 'return' && b.missingMaterials !== undefined && b.missingMaterials.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['missingMaterials'], message: '所缺材料列表不能为空；不列明时省略此字段' });
    }
    if (b.decision !== 'return' && b.missingMaterials !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['missingMaterials'], message: '仅退回补正时填写' });
    }
  });

/** Without a list, the supplement brings exactly what the return asked for. */
export const SupplementCaseBody = z
  .strictObject({
    materialsReceived: materialList.min(1, { message: '至少一项补正材料' }).optional(),
    note: longText(500).optional(),
    version: version.optional(),
  })
  .prefault({});

/** The result handed back; by default on the spot (当场交付). */
export const CompleteCaseBody = z
  .strictObject({
    result: longText(1000).default('已办结，结果已交付申请人'),
    delivery: z.enum(RESULT_DELIVERIES).default('on_the_spot'),
    version: version.optional(),
  })
  .prefault({});

export const RateCaseBody = z.strictObject({
  score: z.number().int().min(1, { message: '1–5 分' }).max(5, { message: '1–5 分' }),
  comment: longText(500).optional(),
});

export const CaseListQuery = z.strictObject({
  ...pageQuery,
  point: z.string().regex(/^[0-9A-Za-z_-]{1,64}$/, { message: '无效的服务点编号' }).optional(),
  status: z.enum(CASE_STATUSES).optional(),
  overdue: z.enum(['true', 'false']).optional(),
  /** For city and province supervisors: the county (or a region under it) to list. */
  region: regionCode.optional(),
});
export const PageOnlyQuery = z.strictObject({ ...pageQuery });

export const FollowUpQuery = z.strictObject({
  ...pageQuery,
  point: z.string().regex(/^[0-9A-Za-z_-]{1,64}$/, { message: '无效的服务点编号' }).optional(),
  region: regionCode.optional(),
  status: z.enum(['open', 'closed']).optional(),
});
export const CloseFollowUpBody = z.strictObject({
  resolution: longText(1000),
  version: version.optional(),
});
export const FollowUpView = z
  .object({
    id: z.string(),
    caseId: z.string(),
    pointId: z.string(),
    score: z.number(),
    comment: z.string().optional(),
    status: z.enum(['open', 'closed']),
    openedAt: z.string(),
    closedAt: z.string().optional(),
    closedByName: z.string().optional(),
    resolution: z.string().optional(),
    version: z.number(),
  })
  .meta({ id: 'RatingFollowUp' });

const PersonView = z.object({ name: z.string(), idNumber: z.string(), phone: z.string() });
export const CaseStepView = z.object({
  id: z.string(),
  action: z.string(),
  at: z.string(),
  actorId: z.string(),
  actorName: z.string().optional(),
  role: z.string(),
  pointId: z.string().optional(),
  terminalId: z.string().optional(),
  fromStatus: z.string().optional(),
  toStatus: z.string(),
  note: z.string().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export const CaseView = z
  .object({
    id: z.string(),
    itemCode: z.string(),
    itemName: z.string(),
    catalogVersion: z.number(),
    channel: z.enum(CHANNELS),
    applicant: PersonView,
    proxy: PersonView.extend({ relation: z.string() }).optional(),
    materialsNotified: z.array(z.string()),
    materialsReceived: z.array(z.string()),
    status: z.enum(CASE_STATUSES),
    pointId: z.string(),
    pointName: z.string(),
    regionCode: z.string(),
    acceptorId: z.string(),
    acceptorName: z.string(),
    terminalId: z.string().optional(),
    acceptedAt: z.string(),
    dueDate: z.string(),
    timeLimitWorkingDays: z.number(),
    pausedWorkingDays: z.number(),
    paused: z.boolean(),
    warning: z.boolean(),
    overdue: z.boolean(),
    calendarProvisional: z.boolean(),
    violations: z.array(z.object({ kind: z.string(), at: z.string(), by: z.string(), materials: z.array(z.string()) })),
    decision: z.object({ decision: z.string(), reason: z.string().optional(), at: z.string(), byName: z.string() }).optional(),
    result: z.object({ text: z.string(), delivery: z.enum(RESULT_DELIVERIES), at: z.string() }).optional(),
    rating: z.object({ score: z.number(), comment: z.string().optional(), at: z.string() }).optional(),
    onTime: z.boolean().optional(),
    version: z.number(),
    steps: z.array(CaseStepView).optional(),
  })
  .meta({ id: 'Case' });
