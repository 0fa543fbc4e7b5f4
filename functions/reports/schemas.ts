import * as z from 'zod';
import { pageQuery, regionCode, shortText, ulidId } from '../../shared/http/schemas';
import { PERIOD_PATTERNS, REPORT_TYPES, parsePeriod } from './period';

export const reportType = z.enum(REPORT_TYPES).meta({ description: 'weekly 周小结 · monthly 月盘点 · quarterly 季考评' });
const anyPeriod = z
  .string()
  .max(10)
  .refine((s) => Object.values(PERIOD_PATTERNS).some((re) => re.test(s)), { message: '期间格式应为 2024-W23、2024-06 或 2024-Q2' })
  .meta({ example: '2024-W23' });

export const ListReportsQuery = z.strictObject({
  type: reportType.optional(),
  region: regionCode.optional().meta({ description: '报告所属区划（默认本人所在区划）' }),
  period: anyPeriod.optional(),
  ...pageQuery,
});

export const CreateReportBody = z
  .strictObject({
    type: reportType,
    region: regionCode,
    period: z.string().max(10).meta({ example: '2024-W23' }),
    regenerate: z.boolean().optional().meta({ description: '已有该期报告时重新生成一个新版本（旧版本保留）' }),
    reason: shortText(200).optional().meta({ description: '重新生成的原因（regenerate 时必填）' }),
  })
  .superRefine((b, ctx) => {
    if (!parsePeriod(b.type, b.period)) {
      ctx.addIssue({ code: 'custom', path: ['period'], message: `与报告类型 ${b.type} 不符或不存在（如 2024-W23、2024-06、2024-Q2）` });
    }
    if (b.regenerate && !b.reason) ctx.addIssue({ code: 'custom', path: ['reason'], message: '重新生成须说明原因' });
    if (!b.regenerate && b.reason) ctx.addIssue({ code: 'custom', path: ['reason'], message: '仅在 regenerate 时填写' });
  });

export const GetReportQuery = z.strictObject({
  format: z.enum(['json', 'csv', 'xlsx']).optional().meta({ description: '也可用 Accept 头选择' }),
});
export const ReportIdParams = z.strictObject({ id: ulidId });
export const ReportFileParams = z.strictObject({ id: ulidId, file: z.string().regex(/^[0-9A-Z]{26}-r\d{1,4}\.(csv|xlsx)$/, { message: '无效的文件名' }) });

/** A real calendar date (no 2024-02-30), within what the op-log's ULID ids can encode. */
function inLogRange(s: string): boolean {
  const day = s.slice(0, 10);
  const ms = Date.parse(s.length === 10 ? `${s}T00:00:00+08:00` : s);
  return !Number.isNaN(ms) && ms < 2 ** 48 - 86_400_000 && new Date(`${day}T00:00:00Z`).toISOString().startsWith(day);
}

const instant = z
  .string()
  .max(40)
  .refine((s) => /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/.test(s) && inLogRange(s), {
    message: '应为日期 YYYY-MM-DD 或带时区的 ISO 8601 时间',
  });

export const AuditQuery = z.strictObject({
  target: z
    .string()
    .max(200)
    .regex(/^[A-Za-z][A-Za-z0-9]{1,40}:[^\s]{1,150}$/, { message: '格式应为 类型:编号，如 Case:01J…' })
    .optional(),
  actor: z.string().min(1).max(80).optional(),
  from: instant.optional(),
  to: instant.optional(),
  region: regionCode.optional().meta({ description: '县级区划（省级管理员查看某县；默认本人所在县或省级）' }),
  ...pageQuery,
});

export const ReportView = z
  .object({
    id: z.string(),
    type: reportType,
    period: z.string(),
    periodStart: z.string(),
    periodEnd: z.string(),
    regionCode: z.string(),
    regionName: z.string(),
    regionLevel: z.string(),
    revision: z.number(),
    generatedAt: z.string(),
    trigger: z.enum(['schedule', 'manual', 'cli']),
    generatedBy: z.object({ accountId: z.string(), name: z.string() }).optional(),
    reason: z.string().optional(),
    replaces: z.string().optional(),
    current: z.boolean().optional(),
    summary: z.record(z.string(), z.number().nullable()),
  })
  .meta({ id: 'Report' });

export const AuditEntryView = z
  .object({
    id: z.string(),
    at: z.string(),
    actorId: z.string(),
    actorName: z.string().optional(),
    role: z.string().optional(),
    regionCode: z.string().optional(),
    countyCode: z.string().optional(),
    pointId: z.string().optional(),
    terminalId: z.string().optional(),
    sourceIp: z.string().optional(),
    requestId: z.string(),
    action: z.string(),
    targetType: z.string(),
    targetId: z.string(),
    before: z.unknown().optional(),
    after: z.unknown().optional(),
  })
  .meta({ id: 'AuditEntry' });

export const DashboardQuery = z.strictObject({
  region: regionCode.optional().meta({ description: '区划（默认本人所在区划）' }),
  type: reportType.optional().meta({ description: '默认 monthly' }),
  period: anyPeriod.optional().meta({ description: '默认当前期间（进行中）' }),
});

const rate = z.number().nullable();
export const DashboardTrendPoint = z
  .object({
    period: z.string(),
    start: z.string(),
    end: z.string(),
    summary: z.record(z.string(), z.number().nullable()),
    cases: z.object({ accepted: z.number(), closed: z.number(), onTime: z.number(), late: z.number(), onTimeRate: rate, completionRate: rate, violations: z.number() }),
    problems: z.object({ filed: z.number(), escalated: z.number(), answered: z.number(), resolved: z.number() }),
    ratings: z.object({ count: z.number(), average: rate, bad: z.number() }),
    funds: z.object({ spentInPeriodFen: z.number() }),
    milestones: z.array(z.object({ key: z.string(), rate, status: z.string() })),
    units: z.array(z.object({ code: z.string(), name: z.string(), score: rate })),
  })
  .meta({ id: 'DashboardTrendPoint' });

/** The sections of a report (docs/reports.md), computed now, plus the trend. */
export const DashboardView = z
  .object({
    live: z.literal(true),
    periodInProgress: z.boolean(),
    type: reportType,
    period: z.object({ key: z.string(), start: z.string(), end: z.string() }),
    region: z.object({ code: z.string(), name: z.string(), level: z.string(), path: z.string() }),
    asOf: z.string(),
    summary: z.record(z.string(), z.number().nullable()),
    sections: z.record(z.string(), z.unknown()),
    units: z.array(z.record(z.string(), z.unknown())),
    points: z.array(z.record(z.string(), z.unknown())).optional(),
    ranking: z.object({
      weights: z.record(z.string(), z.number()),
      units: z.array(z.object({ rank: z.number(), code: z.string(), name: z.string(), score: rate })),
      points: z.array(z.object({ rank: z.number(), pointId: z.string(), name: z.string(), unitName: z.string(), score: rate })).optional(),
      laggards: z.object({
        units: z.array(z.object({ rank: z.number(), code: z.string(), name: z.string(), score: rate, lags: z.array(z.string()) })),
        points: z.array(z.object({ rank: z.number(), pointId: z.string(), name: z.string(), unitName: z.string(), score: rate, lags: z.array(z.string()) })),
      }),
    }),
    assessment: z.array(z.record(z.string(), z.unknown())).optional(),
    coverage: z.array(z.object({ section: z.string(), source: z.string(), note: z.string() })),
    trend: z.array(DashboardTrendPoint),
  })
  .meta({ id: 'Dashboard' });
