import * as z from 'zod';
import { DEVICE_STAGES, EXPENDITURE_CATEGORIES, INSPECTION_ITEMS, POINT_KINDS, POINT_STAGES } from '../../shared/db/entities';
import { isoDate, longText, monthKey, noteText, pageQuery, personName, regionCode, shortText, ulidId, version } from '../../shared/http/schemas';

export const location = z.strictObject({
  lat: z.number().min(-90, { message: '纬度应在 -90 到 90 之间' }).max(90, { message: '纬度应在 -90 到 90 之间' }),
  lng: z.number().min(-180, { message: '经度应在 -180 到 180 之间' }).max(180, { message: '经度应在 -180 到 180 之间' }),
});

export const pointIdParam = z.strictObject({ id: ulidId });
/** Kiosk ids are terminal ids: ULIDs we assign, or the vendor's terminal id given at delivery. */
export const terminalId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]{3,63}$/, { message: '终端号为 4–64 位字母、数字或 -' });
export const deviceIdParam = z.strictObject({ id: terminalId });

export const hours = shortText(200).meta({ example: '周一至周五 8:30-12:00, 14:30-17:30' });

/** A point's contact number: a landline with its area code (0357-5522123, extension allowed) or a mobile. */
export const pointPhone = z
  .string()
  .trim()
  .regex(/^(0\d{2,3}-?\d{7,8}(-\d{1,6})?|1[3-9]\d{9}|400-?\d{3}-?\d{4})$/, { message: '应为带区号的固定电话（如 0357-5522123）或手机号' })
  .meta({ example: '0357-5522123' });

export const createPointBody = z.strictObject({
  regionCode,
  kind: z.enum(POINT_KINDS),
  name: shortText(100),
  address: shortText(200),
  location: location.optional(),
  phone: pointPhone.optional(),
  hours: hours.optional(),
});

export const updatePointBody = z.strictObject({
  name: shortText(100).optional(),
  address: shortText(200).optional(),
  location: location.nullable().optional().meta({ description: '经纬度（由县级管理员按实地录入）；null 清除录错的位置' }),
  phone: pointPhone.nullable().optional().meta({ description: '服务点联系电话；null 清除' }),
  hours: hours.optional(),
  version,
});

export const coverageQuery = z.strictObject({
  region: regionCode.optional(),
  radiusKm: z.coerce.number().min(0.5, { message: '半径 0.5–50 公里' }).max(50, { message: '半径 0.5–50 公里' }).default(5),
});

export const staffMember = z.strictObject({
  name: personName(50),
  type: z.enum(['full_time', 'part_time']),
});
export const baseStandard = z.strictObject({
  office: z.boolean(),
  furniture: z.boolean(),
  computer: z.boolean(),
  internet: z.boolean(),
  kiosk: z.boolean(),
  publicBoard: z.boolean(),
  staff: z.array(staffMember).max(50),
});
export const baseStandardBody = baseStandard.extend({ version });

export const STAGE_TARGETS = POINT_STAGES.filter((s) => s !== 'planned') as Exclude<(typeof POINT_STAGES)[number], 'planned'>[];
export const stageBody = z.strictObject({
  to: z.enum(STAGE_TARGETS as [string, ...string[]]).transform((s) => s as (typeof STAGE_TARGETS)[number]),
  date: isoDate,
  note: noteText(500).optional(),
  version,
});

export const pointsQuery = z.strictObject({
  region: regionCode.optional(),
  stage: z.enum(POINT_STAGES).optional(),
  ...pageQuery,
});
export const pageOnly = z.strictObject({ ...pageQuery });

/**
 * P4: parties, content, rights and duties, responsibilities, major-problem handling, signing
 * date, term. The parties come as `countyParty` + `localParty` or as `parties` (county bureau
 * first); the term as `termStart` + `termEnd` or as a text `term` ("三年").
 */
export const agreementBody = z
  .strictObject({
    countyParty: shortText(100).optional(),
    localParty: shortText(100).optional(),
    parties: z.array(shortText(100)).min(2, { message: '至少两方' }).max(5).optional(),
    content: longText(4000),
    rightsAndDuties: longText(4000),
    responsibilities: longText(4000),
    majorProblemHandling: longText(4000),
    signedOn: isoDate.optional(),
    signingDate: isoDate.optional(),
    termStart: isoDate.optional(),
    termEnd: isoDate.optional(),
    term: shortText(100).optional(),
    /** Required to change an existing agreement (optimistic lock); absent for the first one. */
    version: version.optional(),
  })
  .superRefine((b, ctx) => {
    if (!b.parties && !(b.countyParty && b.localParty)) ctx.addIssue({ code: 'custom', path: ['parties'], message: '需要协议双方：parties 或 countyParty 与 localParty' });
    if (!b.signedOn && !b.signingDate) ctx.addIssue({ code: 'custom', path: ['signedOn'], message: '需要签订日期' });
    if (!b.term && !(b.termStart && b.termEnd)) ctx.addIssue({ code: 'custom', path: ['termEnd'], message: '需要协议期限：termStart 与 termEnd，或 term' });
    if (b.termStart && b.termEnd && b.termEnd < b.termStart) ctx.addIssue({ code: 'custom', path: ['termEnd'], message: '协议期限结束日期不能早于开始日期' });
  })
  .transform((b) => ({
    countyParty: b.countyParty ?? b.parties![0]!,
    localParty: b.localParty ?? b.parties!.slice(1).join('、'),
    parties: b.parties ?? [b.countyParty!, b.localParty!],
    content: b.content,
    rightsAndDuties: b.rightsAndDuties,
    responsibilities: b.responsibilities,
    majorProblemHandling: b.majorProblemHandling,
    signedOn: (b.signedOn ?? b.signingDate)!,
    ...(b.termStart ? { termStart: b.termStart } : {}),
    ...(b.termEnd ? { termEnd: b.termEnd } : {}),
    ...(b.term ? { term: b.term } : {}),
    ...(b.version !== undefined ? { version: b.version } : {}),
  }));

/** The checklist by its API keys, or by the plan's words (有标识 …). */
const CHECKLIST_ZH: Record<string, (typeof INSPECTION_ITEMS)[number]> = {
  有标识: 'hasSign',
  有窗口: 'hasWindow',
  有设备: 'hasEquipment',
  有人员: 'hasStaff',
  有网络: 'hasNetwork',
  有系统: 'hasSystem',
  能办事: 'canHandle',
};
const checklist = z.preprocess(
  (v) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [CHECKLIST_ZH[k] ?? k, x])) : v),
  z.strictObject(Object.fromEntries(INSPECTION_ITEMS.map((k) => [k, z.boolean()])) as Record<(typeof INSPECTION_ITEMS)[number], z.ZodBoolean>),
);

/**
 * P5: the checklist decides the result. The base standard is the one seen at the inspection,
 * or (omitted) the one recorded on the point; `result`, if given, must agree with the checklist.
 */
export const inspectionBody = z.strictObject({
  date: isoDate.optional(),
  inspector: shortText(50).optional(),
  checklist,
  baseStandard: baseStandard.optional(),
  result: z.enum(['passed', 'failed']).optional(),
  remarks: noteText(2000).optional(),
});

export const createDeviceBody = z.strictObject({
  serialNumber: z.string().trim().regex(/^[A-Za-z0-9][A-Za-z0-9-]{2,63}$/, { message: '序列号为 3–64 位字母、数字或 -' }),
  /** The kiosk's terminal id, if the vendor assigned one; otherwise the platform assigns it. */
  terminalId: terminalId.optional(),
  model: shortText(100).optional(),
  /** The delivery date, when known (kiosks registered after the fact may lack it). */
  deliveredOn: isoDate.optional(),
});
export const DEVICE_TARGETS = DEVICE_STAGES.filter((s) => s !== 'delivered');
export const deviceStageBody = z.strictObject({
  to: z.enum(DEVICE_TARGETS as [string, ...string[]]).transform((s) => s as (typeof DEVICE_STAGES)[number]),
  date: isoDate,
  assetNumber: z.string().trim().regex(/^[A-Za-z0-9][A-Za-z0-9-]{2,63}$/, { message: '资产编号为 3–64 位字母、数字或 -' }).optional(),
  note: noteText(500).optional(),
  /** At `registered`: the kiosk's own ECDSA P-256 public key (JWK), which signs its offline batches. */
  publicKey: z.strictObject({ kty: z.literal('EC'), crv: z.literal('P-256'), x: z.string().regex(/^[A-Za-z0-9_-]{43}$/), y: z.string().regex(/^[A-Za-z0-9_-]{43}$/) }).optional(),
  version,
});
export const progressQuery = z.strictObject({ region: regionCode.optional(), asOf: isoDate.optional() });

export const allocationBody = z.strictObject({
  regionCode,
  year: z.number().int().min(2024, { message: '年度不早于 2024' }).max(2100),
  /** When the county received the funds (default: today). */
  receivedOn: isoDate.optional(),
});
export const expenditureBody = z.strictObject({
  pointId: ulidId,
  category: z.enum(EXPENDITURE_CATEGORIES),
  amountFen: z.number().int({ message: '金额以分为单位的整数' }).min(1, { message: '金额应大于 0' }).max(100_000_000),
  date: isoDate,
  voucherNumber: z.string().trim().regex(/^[A-Za-z0-9\u4e00-\u9fa5][A-Za-z0-9\u4e00-\u9fa5_-]{0,63}$/, { message: '凭证号为 1–64 位字母、数字、汉字、_ 或 -' }),
  note: noteText(500).optional(),
});
export const summaryQuery = z.strictObject({ region: regionCode.optional(), month: monthKey.optional() });

const NEAR_RE = /^\s*(-?\d{1,2}(?:\.\d+)?)\s*,\s*(-?\d{1,3}(?:\.\d+)?)\s*$/;
export const publicPointsQuery = z.strictObject({
  region: regionCode,
  near: z
    .string()
    .regex(NEAR_RE, { message: '格式应为 纬度,经度，如 36.41,111.09' })
    .transform((s) => {
      const [, lat, lng] = NEAR_RE.exec(s)!;
      return { lat: Number(lat), lng: Number(lng) };
    })
    .refine((p) => Math.abs(p.lat) <= 90 && Math.abs(p.lng) <= 180, { message: '经纬度超出范围' })
    .optional(),
  ...pageQuery,
});

// ── views (documentation of replies in /openapi.json)
const stageEnum = z.enum(POINT_STAGES);
export const PointView = z
  .object({
    id: z.string(),
    regionCode: z.string(),
    regionPath: z.string(),
    kind: z.enum(POINT_KINDS),
    name: z.string(),
    address: z.string(),
    location: z.object({ lat: z.number(), lng: z.number() }).optional(),
    phone: z.string().optional(),
    stage: stageEnum,
    stageDate: z.string().optional(),
    resumeStage: stageEnum.optional(),
    baseStandard: baseStandard.optional(),
    hours: z.string().optional(),
    createdAt: z.string(),
    version: z.number(),
  })
  .meta({ id: 'Point' });
export const StageChangeView = z
  .object({ id: z.string(), pointId: z.string(), from: stageEnum, to: stageEnum, date: z.string(), note: z.string().optional(), recordedBy: z.string(), recordedAt: z.string() })
  .meta({ id: 'PointStageChange' });
export const AgreementView = z
  .object({
    pointId: z.string(),
    countyParty: z.string(),
    localParty: z.string(),
    parties: z.array(z.string()),
    content: z.string(),
    rightsAndDuties: z.string(),
    responsibilities: z.string(),
    majorProblemHandling: z.string(),
    signedOn: z.string(),
    termStart: z.string().optional(),
    termEnd: z.string().optional(),
    term: z.string().optional(),
    version: z.number(),
    recordedBy: z.string(),
    recordedAt: z.string(),
  })
  .meta({ id: 'Agreement' });
export const InspectionView = z
  .object({
    id: z.string(),
    pointId: z.string(),
    date: z.string(),
    inspector: z.string(),
    checklist: z.record(z.string(), z.boolean()),
    baseStandard: baseStandard.optional(),
    passed: z.boolean(),
    result: z.enum(['passed', 'failed']),
    failedItems: z.array(z.string()),
    remarks: z.string().optional(),
    recordedBy: z.string(),
    recordedAt: z.string(),
  })
  .meta({ id: 'Inspection' });
export const DeviceView = z
  .object({
    id: z.string(),
    pointId: z.string(),
    serialNumber: z.string(),
    assetNumber: z.string().optional(),
    model: z.string().optional(),
    stage: z.enum(DEVICE_STAGES),
    stageDates: z.record(z.string(), z.string()),
    createdAt: z.string(),
    publicKey: z.object({ kty: z.string(), crv: z.string(), x: z.string(), y: z.string() }).optional(),
    keyRegisteredAt: z.string().optional(),
    version: z.number(),
  })
  .meta({ id: 'Device' });
export const PublicPointView = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: z.enum(POINT_KINDS),
    regionCode: z.string(),
    address: z.string(),
    location: z.object({ lat: z.number(), lng: z.number() }).optional(),
    distanceMeters: z.number().int().optional(),
    hours: z.string(),
    phone: z.string().optional(),
    hasKiosk: z.boolean(),
    channels: z.array(z.string()),
    itemCodes: z.array(z.string()),
  })
  .meta({ id: 'PublicPoint' });

const coveragePoint = z.object({ id: z.string(), name: z.string(), kind: z.enum(POINT_KINDS), stage: stageEnum, regionCode: z.string(), location: z.object({ lat: z.number(), lng: z.number() }).optional() });
export const CoverageView = z
  .object({
    region: z.object({ code: z.string(), name: z.string(), level: z.string() }),
    radiusMeters: z.number(),
    villages: z.number().int(),
    covered: z.number().int(),
    uncovered: z.array(
      z.object({
        code: z.string(),
        name: z.string(),
        township: z.object({ code: z.string(), name: z.string() }).optional(),
        reason: z.enum(['no_point_in_range', 'location_unknown']).meta({ description: '范围内无运行中服务点 · 位置未录入，无法判断' }),
        ownPoint: z.object({ id: z.string(), name: z.string(), stage: stageEnum }).optional(),
        nearest: z.object({ pointId: z.string(), name: z.string(), distanceMeters: z.number() }).optional(),
      }),
    ),
    points: z.array(coveragePoint),
    pointsWithoutLocation: z.array(coveragePoint),
  })
  .meta({ id: 'PointCoverage' });

/** POST /funds/allocations: the county's allocation (the first one again, with alreadyAllocated, on a repeat). */
export const AllocationView = z
  .object({
    countyCode: z.string(),
    year: z.number().int(),
    pointCount: z.number().int(),
    perPointFen: z.number().int(),
    totalFen: z.number().int(),
    receivedOn: z.string(),
    allocatedBy: z.string(),
    allocatedAt: z.string(),
    alreadyAllocated: z.boolean(),
  })
  .meta({ id: 'FundAllocation' });

/** POST /funds/expenditures: the spend and the balance it left. */
export const ExpenditureView = z
  .object({
    id: z.string(),
    pointId: z.string(),
    year: z.number().int(),
    category: z.enum(EXPENDITURE_CATEGORIES),
    amountFen: z.number().int(),
    date: z.string(),
    voucherNumber: z.string(),
    note: z.string().optional(),
    recordedBy: z.string(),
    recordedAt: z.string(),
    balanceFen: z.number().int().meta({ description: '本笔支出后的服务点余额（分）' }),
  })
  .meta({ id: 'Expenditure' });
