import { conflictAttemptsOf, type AccountAttrs, type ConflictAttemptAttrs, type RegionAttrs } from '../../shared/db/entities';
import { queryAll } from '../../shared/db/store';
import { countiesUnder } from '../../shared/regions';
import { DAY_MS, isoShanghai, monthShanghai } from '../../shared/clock';
import { lastActivity } from './rules';
import { overPrivileged } from './policy';
import { allAccountsUnder, getPoints, openRequestsUnder } from './store';

/**
 * The monthly account audit (每月核查, A7) of a county or the province. Ages (idle 30+ days,
 * requests open 10+ days) are measured at the end of the month; statuses are those when the
 * report is built (the schedule builds it on the 1st at 07:30, right after the month closes).
 */
export const IDLE_DAYS = 30;
export const STALE_REQUEST_DAYS = 10;
/** A report item must stay well under DynamoDB's 400 KB: each list keeps its first entries, totals count all. */
const MAX_ENTRIES = 500;

export interface AuditEntry {
  accountId: string;
  name: string;
  regionCode: string;
  roles: AccountAttrs['roles'];
  status: AccountAttrs['status'];
  detail?: string;
}
export interface AuditReport {
  regionCode: string;
  month: string;
  asOf: string;
  stored: boolean;
  builtAt: string;
  totals: Record<string, number>;
  idle: AuditEntry[];
  locked: AuditEntry[];
  frozen: AuditEntry[];
  deregisteredThisMonth: AuditEntry[];
  overPrivileged: AuditEntry[];
  operatorsAtPointsNotInOperation: AuditEntry[];
  staleRequests: { requestId: string; kind: string; status: string; regionCode: string; filedAt: string; ageDays: number }[];
  /** Reports kept before this field existed lack it. */
  conflictOfInterestAttempts?: { accountId: string; name: string; regionCode: string; action: string; caseId?: string; at: string }[];
}

/** The last instant of a month in Asia/Shanghai. */
export function auditMonthEnd(month: string): Date {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
  return new Date(Date.parse(`${next}-01T00:00:00+08:00`) - 1);
}

const entry = (a: AccountAttrs, detail?: string): AuditEntry => ({
  accountId: a.id,
  name: a.name,
  regionCode: a.regionCode,
  roles: a.deregisteredAt ? (a.formerRoles ?? []) : a.roles,
  status: a.status,
  ...(detail ? { detail } : {}),
});

export async function buildAuditReport(region: RegionAttrs, month: string, asOf: Date, now: Date, stored: boolean): Promise<AuditReport> {
  // Accounts opened after the month are not part of it.
  const accounts = (await allAccountsUnder(region)).filter((a) => Date.parse(a.createdAt) <= asOf.getTime());
  const live = accounts.filter((a) => a.status !== 'deregistered');
  const idleBefore = asOf.getTime() - IDLE_DAYS * DAY_MS;

  const idle = live
    .filter((a) => a.status === 'active' && Date.parse(lastActivity(a)) <= idleBefore)
    .map((a) => entry(a, `最近活动 ${lastActivity(a).slice(0, 10)}`));
  const locked = live.filter((a) => a.status === 'locked').map((a) => entry(a, a.lockedAt ? `锁定于 ${a.lockedAt.slice(0, 10)}` : undefined));
  const frozen = live.filter((a) => a.status === 'frozen').map((a) => entry(a, a.statusReason));
  const deregistered = accounts
    .filter((a) => a.status === 'deregistered' && a.deregisteredAt && monthShanghai(new Date(a.deregisteredAt)) === month)
    .map((a) => entry(a, a.statusReason));
  const surplus = live.flatMap((a) => {
    const why = overPrivileged(a);
    return why ? [entry(a, why)] : [];
  });

  const operators = live.filter((a) => a.roles.includes('operator'));
  const points = await getPoints(operators.flatMap((a) => (a.pointId ? [a.pointId] : [])));
  const atIdlePoints = operators.flatMap((a) => {
    const point = a.pointId ? points.get(a.pointId) : undefined;
    if (point?.stage === 'in_operation') return [];
    return [entry(a, point ? `服务点「${point.name}」阶段 ${point.stage}` : '服务点不存在')];
  });

  const staleBefore = asOf.getTime() - STALE_REQUEST_DAYS * DAY_MS;
  const stale = (await openRequestsUnder(region))
    .filter((r) => Date.parse(r.filedAt) < staleBefore)
    .map((r) => ({
      requestId: r.id,
      kind: r.kind,
      status: r.status,
      regionCode: r.regionCode,
      filedAt: r.filedAt,
      ageDays: Math.floor((asOf.getTime() - Date.parse(r.filedAt)) / DAY_MS),
    }))
    .sort((x, y) => y.ageDays - x.ageDays);

  // Refused attempts to handle or review one's own case (one partition per county and month).
  const counties = region.path.split('/').length >= 3 ? [region.code] : [...(await countiesUnder(region)), 'province'];
  const conflicts = (await Promise.all(counties.map((c) => queryAll<ConflictAttemptAttrs>(conflictAttemptsOf(c, month)))))
    .flat()
    .filter((a) => Date.parse(a.at) <= asOf.getTime())
    .map((a) => ({ accountId: a.accountId, name: a.name, regionCode: a.regionCode, action: a.action, ...(a.caseId ? { caseId: a.caseId } : {}), at: a.at }));

  const cap = <T>(xs: T[]) => xs.slice(0, MAX_ENTRIES);
  return {
    regionCode: region.code,
    month,
    asOf: isoShanghai(asOf),
    stored,
    builtAt: isoShanghai(now),
    totals: {
      accounts: accounts.length,
      live: live.length,
      active: live.filter((a) => a.status === 'active').length,
      idle: idle.length,
      locked: locked.length,
      frozen: frozen.length,
      deregisteredThisMonth: deregistered.length,
      overPrivileged: surplus.length,
      operatorsAtPointsNotInOperation: atIdlePoints.length,
      staleRequests: stale.length,
      conflictOfInterestAttempts: conflicts.length,
    },
    idle: cap(idle),
    locked: cap(locked),
    frozen: cap(frozen),
    deregisteredThisMonth: cap(deregistered),
    overPrivileged: cap(surplus),
    operatorsAtPointsNotInOperation: cap(atIdlePoints),
    staleRequests: cap(stale),
    conflictOfInterestAttempts: cap(conflicts),
  };
}
