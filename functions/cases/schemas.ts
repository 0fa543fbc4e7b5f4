import * as z from 'zod';
import { CASE_STATUSES, CHANNELS, RATING_REASONS, RESULT_DELIVERIES } from '../../shared/db/entities';
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

/** A bad rating (1–2) says why (`reason`), and in words when the reason is `other`. */
export const RateCaseBody = z
  .strictObject({
    score: z.number().int().min(1, { message: '1–5 分' }).max(5, { message: '1–5 分' }),
    reason: z.enum(RATING_REASONS, { message: `差评原因为 ${RATING_REASONS.join(' | ')}` }).optional(),
    comment: longText(500).optional(),
  })
  .superRefine((b, ctx) => {
    if (b.score <= 2 && !b.reason) ctx.addIssue({ code: 'custom', path: ['reason'], message: '1–2 分须选择原因' });
    if (b.score > 2 && b.reason) ctx.addIssue({ code: 'custom', path: ['reason'], message: '仅 1–2 分填写差评原因' });
    if (b.reason === 'other' && !b.comment) ctx.addIssue({ code: 'custom', path: ['comment'], message: '原因为「其他」时请写明具体情况' });
  });

export const CaseListQuery = z.strictObject({
  ...pageQuery,
  point: z.string().regex(/^[0-9A-Za-z_-]{1,64}$/, { message: '无效的服务点编号' }).optional(),
  status: z.enum(CASE_STATUSES).optional(),
  overdue: z.enum(['true', 'false']).optional(),
  /** For city and province supervisors: the county (or a region under it) to list. */
  region: regionCode.optional(),
  /** Find by the receipt's number: `蒲县-2026-000123`, or `2026-123` / `123` in the caller's county. */
  number: z.string().trim().regex(/^(?:[\u4e00-\u9fa5]{1,20}-)?(?:\d{4}-)?\d{1,6}$/, { message: '办件编号如 蒲县-2026-000123' }).optional(),
  /** Find by the applicant's ID number (blind index; the search is written to the operation log). */
  applicantIdNumber: idNumber.optional(),
}).superRefine((q, ctx) => {
  const finders = (['number', 'applicantIdNumber'] as const).filter((k) => q[k] !== undefined);
  const filters = (['point', 'status', 'overdue', 'region'] as const).filter((k) => q[k] !== undefined);
  if (finders.length > 1) ctx.addIssue({ code: 'custom', path: ['applicantIdNumber'], message: '按编号或按身份证号查找，二选一' });
  if (finders.length > 0) for (const k of filters) ctx.addIssue({ code: 'custom', path: [k], message: `按${finders[0] === 'number' ? '编号' : '身份证号'}查找时不能同时筛选` });
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
    reason: z.enum(RATING_REASONS).optional(),
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
/** Overdue risk (functions/cases/risk.ts): live in the queue and the case view, else as at acceptance. */
export const CaseRiskView = z
  .object({
    level: z.enum(['low', 'medium', 'high']),
    expectedDecisionDate: z.string(),
    basis: z.object({
      ahead: z.number(),
      aheadCapped: z.boolean(),
      weeks: z.array(z.string()),
      decisions: z.number(),
      workingDays: z.number(),
      perWorkingDay: z.number(),
      workingDaysNeeded: z.number(),
      slackWorkingDays: z.number(),
      dueDate: z.string(),
      text: z.string(),
    }),
  })
  .meta({ id: 'CaseRisk' });
export const CaseView = z
  .object({
    id: z.string(),
    /** 蒲县-2026-000123 */
    number: z.string(),
    /** Only to the applicant, the operators of the case's point and the county's reviewers. */
    checkCode: z.string().optional(),
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
    rating: z.object({ score: z.number(), reason: z.enum(RATING_REASONS).optional(), comment: z.string().optional(), at: z.string() }).optional(),
    onTime: z.boolean().optional(),
    risk: CaseRiskView.optional(),
    flagged: z.object({ at: z.string(), note: z.string(), action: z.string() }).optional(),
    version: z.number(),
    steps: z.array(CaseStepView).optional(),
  })
  .meta({ id: 'Case' });

export const DOCUMENT_KINDS = ['receipt', 'notification', 'supplement-notice'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];
const MaskedPerson = z.object({ name: z.string(), idNumber: z.string(), phone: z.string() });
/** A printed page of a case: everything it shows, the applicant masked. */
export const CaseDocumentView = z
  .object({
    kind: z.enum(DOCUMENT_KINDS),
    title: z.string(),
    caseId: z.string(),
    number: z.string(),
    checkCode: z.string(),
    itemCode: z.string(),
    itemName: z.string(),
    catalogVersion: z.number(),
    channel: z.enum(CHANNELS),
    applicant: MaskedPerson,
    proxy: MaskedPerson.extend({ relation: z.string() }).optional(),
    point: z.object({ id: z.string(), name: z.string(), address: z.string().optional(), phone: z.string().optional() }),
    clerk: z.object({ id: z.string(), name: z.string() }),
    acceptedAt: z.string(),
    acceptDate: z.string(),
    dueDate: z.string(),
    timeLimitWorkingDays: z.number(),
    needsReview: z.boolean(),
    calendarProvisional: z.boolean(),
    status: z.enum(CASE_STATUSES),
    materialsNotified: z.array(z.string()),
    materialsReceived: z.array(z.string()),
    materialsOutstanding: z.array(z.string()),
    statusUrl: z.string(),
    statusQrContent: z.string(),
    notification: z
      .object({
        itemName: z.string(),
        materials: z.array(z.string()),
        timeLimitWorkingDays: z.number(),
        channels: z.array(z.enum(CHANNELS)),
        legalBasis: z.string().optional(),
        procedure: z.array(z.string()),
        fees: z.string().optional(),
        complaintPhone: z.string().optional(),
      })
      .optional(),
    supplement: z
      .object({ missingMaterials: z.array(z.string()), reason: z.string().optional(), askedBy: z.string(), askedAt: z.string() })
      .optional(),
    issuedAt: z.string(),
  })
  .meta({ id: 'CaseDocument' });

export const CaseStatusQuery = z.strictObject({
  number: z.string().trim().regex(/^[\u4e00-\u9fa5]{1,20}-\d{4}-\d{6}$/, { message: '办件编号如 蒲县-2026-000123（见受理回执）' }),
  /** Typed from paper: case and spaces do not matter. */
  code: z.string().transform((s) => s.replace(/\s+/g, '').toUpperCase()).pipe(z.string().regex(/^[2-9A-HJKMNP-Z]{6}$/, { message: '查询码为回执上的 6 位字母数字' })),
});
/** No personal data: what anyone holding the receipt may see. */
export const CaseStatusView = z
  .object({ number: z.string(), itemName: z.string(), status: z.enum(CASE_STATUSES), dueDate: z.string(), pointName: z.string(), updatedAt: z.string() })
  .meta({ id: 'PublicCaseStatus' });
