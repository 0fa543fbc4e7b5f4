import * as z from 'zod';
import { ACCOUNT_REQUEST_KINDS, ACCOUNT_REQUEST_STATUSES, ACCOUNT_STATUSES, ROLES } from '../../shared/db/entities';
import { monthKey, pageQuery, person, regionCode, shortText, ulidId, version } from '../../shared/http/schemas';

export const role = z.enum(ROLES);
const roleSet = z
  .array(role)
  .max(ROLES.length)
  .refine((rs) => new Set(rs).size === rs.length, { message: '角色不能重复' });

export const FileAccountRequestBody = z
  .strictObject({
    kind: z.enum(ACCOUNT_REQUEST_KINDS),
    person,
    regionCode,
    pointId: z.string().min(1).max(64).optional(),
    roles: roleSet,
    note: shortText(500).optional(),
  })
  .superRefine((b, ctx) => {
    if (b.kind !== 'deregister' && b.roles.length === 0) ctx.addIssue({ code: 'custom', path: ['roles'], message: '至少申请一个角色' });
  });

export const DecisionBody = z.strictObject({
  approve: z.boolean(),
  reason: shortText(500).optional(),
});

export const CreateAccountBody = z.strictObject({ requestId: ulidId });

export const SetRolesBody = z.strictObject({ roles: roleSet, version });

/** freeze / unfreeze / unlock / deregister: the body and its reason are optional. */
export const StatusChangeBody = z.strictObject({ reason: shortText(500).optional(), version: version.optional() }).optional();

/**
 * freeze: as above, or `{reason: "leak", since}` — a leaked account: every case step it performed
 * since `since` (an ISO time with offset, not in the future) is queued for re-review.
 */
export const FreezeBody = z
  .strictObject({
    reason: shortText(500).optional(),
    version: version.optional(),
    since: z.iso.datetime({ offset: true, message: '应为带时区的 ISO 时间，如 2025-11-01T00:00:00+08:00' }).optional(),
  })
  .superRefine((b, ctx) => {
    if (b.reason === 'leak' && !b.since) ctx.addIssue({ code: 'custom', path: ['since'], message: '泄露冻结须给出起始时间 (since)' });
    if (b.since && b.reason !== 'leak') ctx.addIssue({ code: 'custom', path: ['reason'], message: '给出 since 时 reason 应为 "leak"' });
  })
  .optional();

export const AccountListQuery = z.strictObject({
  region: regionCode.optional(),
  status: z.enum(ACCOUNT_STATUSES).optional(),
  ...pageQuery,
});

export const RequestListQuery = z.strictObject({
  region: regionCode.optional(),
  status: z.enum(ACCOUNT_REQUEST_STATUSES).optional(),
  month: monthKey.optional(),
  ...pageQuery,
});

export const AuditQuery = z.strictObject({
  month: monthKey,
  region: regionCode.optional(),
});

export const AccountView = z
  .object({
    id: z.string(),
    name: z.string(),
    idNumber: z.string().meta({ description: '脱敏' }),
    phone: z.string().meta({ description: '脱敏' }),
    regionCode: z.string(),
    regionPath: z.string(),
    pointId: z.string().optional(),
    roles: z.array(role),
    status: z.enum(ACCOUNT_STATUSES),
    managerLevel: z.enum(['province', 'county']),
    createdAt: z.string(),
    lastLoginAt: z.string().optional(),
    frozenAt: z.string().optional(),
    lockedAt: z.string().optional(),
    unlockedAt: z.string().optional(),
    deregisteredAt: z.string().optional(),
    statusReason: z.string().optional(),
    requestId: z.string().optional(),
    pendingRequestId: z.string().optional(),
    version: z.number(),
    /** A leak freeze: the case steps queued for re-review by this call. */
    reReview: z.object({ queued: z.number(), already: z.number(), more: z.boolean() }).optional(),
  })
  .meta({ id: 'Account' });

export const AccountRequestView = z
  .object({
    id: z.string(),
    kind: z.enum(ACCOUNT_REQUEST_KINDS),
    status: z.enum(ACCOUNT_REQUEST_STATUSES),
    person: z.object({ name: z.string(), idNumber: z.string(), phone: z.string() }),
    regionCode: z.string(),
    pointId: z.string().optional(),
    roles: z.array(role),
    note: z.string().optional(),
    managerLevel: z.enum(['province', 'county']),
    accountId: z.string().optional(),
    filedBy: z.object({ accountId: z.string(), name: z.string(), regionCode: z.string() }),
    filedAt: z.string(),
    decision: z
      .object({ approve: z.boolean(), reason: z.string().optional(), byAccountId: z.string(), byName: z.string(), at: z.string() })
      .optional(),
    accountCreatedAt: z.string().optional(),
    rolesLinkedAt: z.string().optional(),
    closedAt: z.string().optional(),
    closedMonth: z.string().optional(),
    version: z.number(),
  })
  .meta({ id: 'AccountRequest' });

const AuditEntry = z.object({
  accountId: z.string(),
  name: z.string(),
  regionCode: z.string(),
  roles: z.array(role),
  status: z.enum(ACCOUNT_STATUSES),
  detail: z.string().optional(),
});
const AuditRequestEntry = z.object({ requestId: z.string(), kind: z.string(), status: z.string(), regionCode: z.string(), filedAt: z.string(), ageDays: z.number() });

export const AccountAuditView = z
  .object({
    regionCode: z.string(),
    month: z.string(),
    asOf: z.string(),
    stored: z.boolean().meta({ description: 'true: the kept report of a closed month; false: a preview of the month in progress' }),
    builtAt: z.string(),
    totals: z.record(z.string(), z.number()),
    idle: z.array(AuditEntry),
    locked: z.array(AuditEntry),
    frozen: z.array(AuditEntry),
    deregisteredThisMonth: z.array(AuditEntry),
    overPrivileged: z.array(AuditEntry),
    operatorsAtPointsNotInOperation: z.array(AuditEntry),
    staleRequests: z.array(AuditRequestEntry),
    conflictOfInterestAttempts: z
      .array(z.object({ accountId: z.string(), name: z.string(), regionCode: z.string(), action: z.enum(['accept', 'handle', 'review']), caseId: z.string().optional(), at: z.string() }))
      .optional()
      .meta({ description: '本月被拒绝的利益冲突操作：受理、办理或审核本人为申请人的办件（此项出现前保存的报告没有）' }),
  })
  .meta({ id: 'AccountAudit' });
